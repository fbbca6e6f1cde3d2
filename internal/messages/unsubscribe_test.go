package messages_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// The token is base64url(HMAC-SHA256(secret, "unsubscribe:<id>")) with a
// secret made once and shared through app_meta, so every instance signs
// and checks alike.
func TestUnsubscribeTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		one, two := newService(t, d, &fakeAudience{}, nil), newService(t, d, &fakeAudience{}, nil)
		tok, err := one.UnsubscribeToken(ctx, 42)
		if err != nil {
			t.Fatal(err)
		}
		if other, _ := two.UnsubscribeToken(ctx, 42); other != tok {
			t.Fatalf("two instances disagree: %s and %s", tok, other)
		}
		var stored string
		if err := d.QueryRow(ctx, "SELECT value FROM app_meta WHERE key = 'secret.unsubscribe'").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		key, err := base64.StdEncoding.DecodeString(stored)
		if err != nil || len(key) != 32 {
			t.Fatalf("stored secret %q (%v)", stored, err)
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte("unsubscribe:42"))
		if want := base64.RawURLEncoding.EncodeToString(m.Sum(nil)); tok != want {
			t.Fatalf("token %s, want %s", tok, want)
		}

		if id, ok, err := two.CheckUnsubscribe(ctx, "42", tok); err != nil || !ok || id != 42 {
			t.Fatalf("good link refused: %d %v %v", id, ok, err)
		}
		tok7, _ := one.UnsubscribeToken(ctx, 7)
		flipped := []byte(tok)
		flipped[10] ^= 1
		for _, c := range []struct{ name, u, t string }{
			{"another's token", "42", tok7},
			{"another user", "7", tok},
			{"flipped character", "42", string(flipped)},
			{"truncated", "42", tok[:len(tok)-1]},
			{"extended", "42", tok + "AA"},
			{"padded", "42", tok + "="},
			{"standard base64", "42", strings.NewReplacer("-", "+", "_", "/").Replace(tok) + "+"},
			{"empty token", "42", ""},
			{"empty user", "", tok},
			{"leading zero", "042", tok},
			{"sign", "+42", tok},
			{"zero", "0", tok},
			{"negative", "-42", tok},
			{"overflow", "99999999999999999999", tok},
			{"not a number", "abc", tok},
		} {
			if _, ok, err := one.CheckUnsubscribe(ctx, c.u, c.t); ok || err != nil {
				t.Errorf("%s accepted (%v)", c.name, err)
			}
		}
	})
}

// A secret already in app_meta (written by another instance) is used, not
// replaced.
func TestUnsubscribeUsesExistingSecret(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		key := []byte(strings.Repeat("k", 32))
		if _, err := d.Exec(ctx, "INSERT INTO app_meta (key, value, updated_at) VALUES ('secret.unsubscribe', ?, ?)",
			base64.StdEncoding.EncodeToString(key), db.Now()); err != nil {
			t.Fatal(err)
		}
		tok, err := newService(t, d, &fakeAudience{}, nil).UnsubscribeToken(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		m := hmac.New(sha256.New, key)
		m.Write([]byte("unsubscribe:" + strconv.Itoa(5)))
		if tok != base64.RawURLEncoding.EncodeToString(m.Sum(nil)) {
			t.Fatal("the stored secret was not used")
		}
	})
}
