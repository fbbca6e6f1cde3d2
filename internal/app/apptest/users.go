package apptest

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sync/atomic"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/outbox"
)

// Password is the password of accounts made by CreateUser.
const Password = "une phrase de test assez longue"

// CreateUser makes a verified account with role and returns its id.
func (a *App) CreateUser(t testing.TB, email string, role auth.Role) int64 {
	t.Helper()
	id, err := a.Auth.CreateUser(t.Context(), email, Password, role, "fr")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

var userSeq atomic.Int64

// ClientAs returns a client signed in as a new account with role.
func (a *App) ClientAs(t testing.TB, role auth.Role) (*http.Client, int64) {
	t.Helper()
	email := fmt.Sprintf("%s-%d@example.org", role, userSeq.Add(1))
	id := a.CreateUser(t, email, role)
	c := a.Client(t)
	a.SignIn(t, c, email, Password)
	return c, id
}

// SignIn submits the sign-in form and fails the test unless it works.
func (a *App) SignIn(t testing.TB, c *http.Client, email, pw string) {
	t.Helper()
	resp, body := a.PostForm(t, c, "/signin", url.Values{"email": {email}, "password": {pw}}.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in as %s: status %d\n%s", email, resp.StatusCode, body)
	}
}

// Mails returns the emails in the outbox, oldest first.
func (a *App) Mails(t testing.TB) []outbox.Email {
	t.Helper()
	jobs, err := outbox.List(t.Context(), a.DB, "", 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []outbox.Email
	for i := len(jobs) - 1; i >= 0; i-- {
		if e, ok := jobs[i].Email(); ok {
			out = append(out, e)
		}
	}
	return out
}

var linkRe = regexp.MustCompile(`https?://\S+\?token=[A-Za-z0-9_-]+`)

// LastLink returns the path and query of the last link mailed to address.
func (a *App) LastLink(t testing.TB, to string) string {
	t.Helper()
	mails := a.Mails(t)
	for i := len(mails) - 1; i >= 0; i-- {
		if mails[i].To == to {
			if m := linkRe.FindString(mails[i].Text); m != "" {
				u, _ := url.Parse(m)
				return u.RequestURI()
			}
		}
	}
	t.Fatalf("no link mailed to %s", to)
	return ""
}
