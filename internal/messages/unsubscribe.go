package messages

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"sync"

	"climatevolunteers/internal/db"
)

// secretKey names the unsubscribe secret in app_meta.
const secretKey = "secret.unsubscribe"

// unsubscriber signs and checks unsubscribe links. Links must work without
// signing in and never expire (old mails stay in mailboxes), so they carry
// an HMAC of the user id rather than a stored token.
type unsubscriber struct {
	db  *db.DB
	mu  sync.Mutex
	key []byte // loaded once; nil until then
}

// secret reads the key, creating it on first use. Every instance inserts
// its own candidate and then reads whichever won, so all agree without
// coordination.
func (u *unsubscriber) secret(ctx context.Context) ([]byte, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.key != nil {
		return u.key, nil
	}
	candidate := make([]byte, 32)
	rand.Read(candidate)
	_, err := u.db.Exec(ctx, `INSERT INTO app_meta (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO NOTHING`, secretKey, base64.StdEncoding.EncodeToString(candidate), db.Now())
	if err != nil {
		return nil, fmt.Errorf("unsubscribe secret: %w", err)
	}
	var stored string
	if err := u.db.QueryRow(ctx, "SELECT value FROM app_meta WHERE key = ?", secretKey).Scan(&stored); err != nil {
		return nil, fmt.Errorf("unsubscribe secret: %w", err)
	}
	key, err := base64.StdEncoding.DecodeString(stored)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("unsubscribe secret in app_meta is damaged")
	}
	u.key = key
	return key, nil
}

func sign(key []byte, userID int64) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("unsubscribe:" + strconv.FormatInt(userID, 10)))
	return m.Sum(nil)
}

// token is base64url(HMAC-SHA256(secret, "unsubscribe:<id>")).
func (u *unsubscriber) token(ctx context.Context, userID int64) (string, error) {
	key, err := u.secret(ctx)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(sign(key, userID)), nil
}

// check reads u and t from a link and returns the user id they prove, or
// ok false for anything malformed or tampered with.
func (u *unsubscriber) check(ctx context.Context, rawUser, token string) (userID int64, ok bool, err error) {
	userID, perr := strconv.ParseInt(rawUser, 10, 64)
	given, derr := base64.RawURLEncoding.DecodeString(token)
	if perr != nil || derr != nil || userID <= 0 || strconv.FormatInt(userID, 10) != rawUser {
		return 0, false, nil
	}
	key, err := u.secret(ctx)
	if err != nil {
		return 0, false, err
	}
	// hmac.Equal takes the same time wherever the first difference is.
	return userID, hmac.Equal(sign(key, userID), given), nil
}

// link is the absolute unsubscribe address for a mail.
func (u *unsubscriber) link(ctx context.Context, base string, userID int64) (string, error) {
	t, err := u.token(ctx, userID)
	if err != nil {
		return "", err
	}
	q := url.Values{"u": {strconv.FormatInt(userID, 10)}, "t": {t}}
	return base + "/unsubscribe?" + q.Encode(), nil
}
