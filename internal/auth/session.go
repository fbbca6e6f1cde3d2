package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"

	"climatevolunteers/internal/auth/password"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

// CookieName holds the session token; the database keeps only its hash.
const CookieName = "cv_session"

// touchEvery limits how often a session's last use is written: once a minute
// is precise enough for idle expiry and spares the database a write per page.
const touchEvery = time.Minute

// Sessions reads the session cookie on every request and tells the rest of
// the request who is signed in.
type Sessions struct {
	svc    *Service
	secure bool
}

// NewSessions builds the session middleware; secure marks cookies Secure.
func NewSessions(svc *Service, secure bool) *Sessions { return &Sessions{svc: svc, secure: secure} }

// Middleware loads the signed-in person, if any. A broken, expired or
// revoked cookie is simply treated as no session and cleared.
func (ss *Sessions) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(CookieName)
		if err != nil || c.Value == "" || len(c.Value) > 100 {
			next.ServeHTTP(w, r)
			return
		}
		id := hashToken(c.Value)
		now := db.Now()
		se, u, err := ss.svc.store.sessionUser(r.Context(), id, now)
		if err != nil && !errors.Is(err, ErrNotFound) {
			// The database failed, the session may well be fine: keep the
			// cookie, serve the page as to a visitor, and say so in the log.
			ss.svc.log.Error("load session", "request_id", web.RequestID(r), "err", err)
			next.ServeHTTP(w, r)
			return
		}
		if err != nil || u.Status != StatusActive {
			ss.clear(w)
			next.ServeHTTP(w, r)
			return
		}
		if now.Sub(se.LastSeenAt) > touchEvery {
			ss.touch(r.Context(), id, now)
			ss.set(w, c.Value) // the cookie's lifetime slides with the session's
		}
		web.SetViewer(r, &web.Viewer{UserID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Role: string(u.Role), SessionID: id})
		next.ServeHTTP(w, r)
	})
}

func (ss *Sessions) touch(ctx context.Context, id string, now time.Time) {
	err := ss.svc.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?", now, now.Add(ss.svc.SessionIdle), id)
		return err
	})
	if err != nil {
		ss.svc.log.Warn("session touch", "err", err)
	}
}

// set gives the browser a new session cookie (a new id at every sign-in, so a
// cookie planted before sign-in is worthless after it).
func (ss *Sessions) set(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: token, Path: "/", HttpOnly: true, Secure: ss.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(ss.svc.SessionIdle.Seconds())})
}

// Clear removes the session cookie (after an account is deleted).
func (ss *Sessions) Clear(w http.ResponseWriter) { ss.clear(w) }

func (ss *Sessions) clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: ss.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

var (
	dummyOnce sync.Once
	dummy     string
)

// dummyHash is a hash of a random password, checked when the email is
// unknown so that sign-in takes as long as for a known one.
func dummyHash() string {
	dummyOnce.Do(func() {
		b := make([]byte, 16)
		rand.Read(b)
		var err error
		if dummy, err = password.Hash(hex.EncodeToString(b)); err != nil {
			// Only if hashing itself is broken, which every sign-in would show.
			panic("auth: cannot compute the dummy password hash: " + err.Error())
		}
	})
	return dummy
}
