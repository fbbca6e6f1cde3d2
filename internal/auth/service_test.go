package auth_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// fakeMailer keeps what the service asks to send.
type fakeMailer struct {
	mu    sync.Mutex
	mails []sentMail
}

type sentMail struct {
	Key, Template, To, Lang, Link string
}

func (f *fakeMailer) Queue(_ context.Context, _ *db.Tx, key, template, to, lang string, data any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	link := ""
	if v, ok := data.(interface{ MailLink() string }); ok {
		link = v.MailLink()
	}
	f.mails = append(f.mails, sentMail{key, template, to, lang, link})
	return nil
}

func (f *fakeMailer) last(t *testing.T, template string) sentMail {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.mails) - 1; i >= 0; i-- {
		if f.mails[i].Template == template {
			return f.mails[i]
		}
	}
	t.Fatalf("no %q mail queued; have %+v", template, f.mails)
	return sentMail{}
}

func (f *fakeMailer) count(template string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, m := range f.mails {
		if m.Template == template {
			n++
		}
	}
	return n
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	_, tok, ok := strings.Cut(link, "?token=")
	if !ok || tok == "" {
		t.Fatalf("no token in link %q", link)
	}
	return tok
}

func newService(t *testing.T, d *db.DB) (*auth.Service, *fakeMailer) {
	m := &fakeMailer{}
	return auth.NewService(d, m, "https://cv.example", slog.New(slog.DiscardHandler)), m
}

const goodPassword = "un vélo pour Paris 2050"

func TestSignUpVerifySignIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, mails := newService(t, d)
		m := auth.Meta{IPNetwork: "192.0.2.0/24", UserAgent: "test", Lang: "en"}
		if err := svc.SignUp(ctx, " Ada@Example.org ", goodPassword, m); err != nil {
			t.Fatal(err)
		}
		verify := mails.last(t, "verify")
		if verify.To != "ada@example.org" || verify.Lang != "en" || !strings.HasPrefix(verify.Link, "https://cv.example/verify?token=") {
			t.Fatalf("verification mail %+v", verify)
		}
		// Unverified: the right password still does not open a session.
		if _, err := svc.SignIn(ctx, "ada@example.org", goodPassword, m); !errors.Is(err, auth.ErrNotVerified) {
			t.Fatalf("sign-in before verification: %v", err)
		}
		tok := tokenOf(t, verify.Link)
		if !svc.TokenUsable(ctx, tok, auth.PurposeVerify) {
			t.Fatal("fresh token not usable")
		}
		if err := svc.VerifyEmail(ctx, tok, m); err != nil {
			t.Fatal(err)
		}
		// A used token changes nothing the second time.
		if err := svc.VerifyEmail(ctx, tok, m); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("reused token: %v", err)
		}
		if err := svc.VerifyEmail(ctx, "forged", m); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("forged token: %v", err)
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", "wrong password here", m); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := svc.SignIn(ctx, "nobody@example.org", goodPassword, m); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("unknown email: %v", err)
		}
		token, err := svc.SignIn(ctx, "ADA@example.org", goodPassword, m)
		if err != nil || token == "" {
			t.Fatalf("sign-in: %q %v", token, err)
		}
		u, _ := svc.Store().UserByEmail(ctx, "ada@example.org")
		sessions, _ := svc.Store().ListSessions(ctx, u.ID)
		if len(sessions) != 1 || sessions[0].IPNetwork != "192.0.2.0/24" {
			t.Fatalf("sessions %+v", sessions)
		}
	})
}

// Signing up with a known address tells its owner, and the caller sees no
// difference.
func TestSignUpWithKnownEmailSendsNotice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, mails := newService(t, d)
		if err := svc.SignUp(ctx, "ada@example.org", goodPassword, auth.Meta{Lang: "fr"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SignUp(ctx, "ada@example.org", "another good sentence 42", auth.Meta{Lang: "en"}); err != nil {
			t.Fatalf("second sign-up returned %v", err)
		}
		notice := mails.last(t, "signup_exists")
		if notice.To != "ada@example.org" || notice.Lang != "fr" {
			t.Fatalf("notice %+v", notice)
		}
		if mails.count("verify") != 1 {
			t.Fatal("a second verification mail went out")
		}
	})
}

func TestResetPassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, mails := newService(t, d)
		if _, err := svc.CreateUser(ctx, "ada@example.org", goodPassword, auth.RoleVolunteer, "fr"); err != nil {
			t.Fatal(err)
		}
		session, err := svc.SignIn(ctx, "ada@example.org", goodPassword, auth.Meta{})
		if err != nil || session == "" {
			t.Fatal(err)
		}
		if err := svc.RequestReset(ctx, "nobody@example.org"); err != nil || mails.count("reset") != 0 {
			t.Fatalf("reset for an unknown address: %v, %d mails", err, mails.count("reset"))
		}
		if err := svc.RequestReset(ctx, "ada@example.org"); err != nil {
			t.Fatal(err)
		}
		tok := tokenOf(t, mails.last(t, "reset").Link)
		if err := svc.ResetPassword(ctx, tok, "Motdepasse2024!", auth.Meta{}); err == nil {
			t.Fatal("a common password was accepted")
		}
		if !svc.TokenUsable(ctx, tok, auth.PurposeReset) {
			t.Fatal("a refused password spent the token")
		}
		if err := svc.ResetPassword(ctx, tok, "a brand new sentence 7", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.ResetPassword(ctx, tok, "yet another sentence 8", auth.Meta{}); !errors.Is(err, auth.ErrInvalidToken) {
			t.Fatalf("reset token reused: %v", err)
		}
		u, _ := svc.Store().UserByEmail(ctx, "ada@example.org")
		if s, _ := svc.Store().ListSessions(ctx, u.ID); len(s) != 0 {
			t.Fatal("sessions survive a password reset")
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", goodPassword, auth.Meta{}); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatal("old password still works")
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", "a brand new sentence 7", auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		mails.last(t, "password_changed")
	})
}

// Two requests racing with the same link: exactly one wins.
func TestTokenUsedOnceUnderRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, mails := newService(t, d)
		if _, err := svc.CreateUser(ctx, "ada@example.org", goodPassword, auth.RoleVolunteer, "fr"); err != nil {
			t.Fatal(err)
		}
		if err := svc.RequestMagicLink(ctx, "ada@example.org"); err != nil {
			t.Fatal(err)
		}
		tok := tokenOf(t, mails.last(t, "magic").Link)
		const n = 8
		var wg sync.WaitGroup
		results := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := svc.SignInWithLink(ctx, tok, auth.Meta{})
				results <- err
			}()
		}
		wg.Wait()
		close(results)
		ok := 0
		for err := range results {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, auth.ErrInvalidToken):
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d sign-ins with one link, want 1", ok)
		}
	})
}

func TestEmailChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, mails := newService(t, d)
		id, _ := svc.CreateUser(ctx, "ada@example.org", goodPassword, auth.RoleVolunteer, "fr")
		svc.CreateUser(ctx, "bob@example.org", goodPassword, auth.RoleVolunteer, "en")
		if err := svc.RequestEmailChange(ctx, id, "wrong", "new@example.org"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		// Someone else's address: its owner is told, nothing changes.
		if err := svc.RequestEmailChange(ctx, id, goodPassword, "BOB@example.org"); err != nil {
			t.Fatal(err)
		}
		if m := mails.last(t, "email_taken"); m.To != "bob@example.org" {
			t.Fatalf("notice to %q", m.To)
		}
		if err := svc.RequestEmailChange(ctx, id, goodPassword, "new@example.org"); err != nil {
			t.Fatal(err)
		}
		change := mails.last(t, "email_change")
		if change.To != "new@example.org" {
			t.Fatalf("confirmation to %q", change.To)
		}
		if err := svc.ConfirmEmailChange(ctx, tokenOf(t, change.Link), auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if m := mails.last(t, "email_changed"); m.To != "ada@example.org" {
			t.Fatalf("old address not told: %+v", m)
		}
		u, err := svc.Store().UserByID(ctx, id)
		if err != nil || u.Email != "new@example.org" {
			t.Fatalf("email now %q (%v)", u.Email, err)
		}
	})
}

func TestAdminRoleAndSuspension(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc, _ := newService(t, d)
		admin, _ := svc.CreateUser(ctx, "admin@example.org", goodPassword, auth.RoleAdmin, "fr")
		ada, _ := svc.CreateUser(ctx, "ada@example.org", goodPassword, auth.RoleVolunteer, "fr")
		if err := svc.SetRole(ctx, admin, admin, auth.RoleVolunteer, auth.Meta{}); !errors.Is(err, auth.ErrSelfChange) {
			t.Fatalf("self demotion: %v", err)
		}
		if err := svc.SetRole(ctx, admin, ada, auth.RoleCoordinator, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", goodPassword, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetSuspended(ctx, admin, ada, true, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if s, _ := svc.Store().ListSessions(ctx, ada); len(s) != 0 {
			t.Fatal("suspension left sessions open")
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", goodPassword, auth.Meta{}); !errors.Is(err, auth.ErrSuspended) {
			t.Fatalf("suspended sign-in: %v", err)
		}
		if err := svc.SetSuspended(ctx, admin, ada, false, auth.Meta{}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetSuspended(ctx, admin, 99999, true, auth.Meta{}); !errors.Is(err, auth.ErrNotFound) {
			t.Fatalf("unknown account: %v", err)
		}
		u, _ := svc.Store().UserByID(ctx, ada)
		if u.Role != auth.RoleCoordinator || u.Status != auth.StatusActive {
			t.Fatalf("user now %+v", u)
		}
		list, total, err := svc.Store().ListUsers(ctx, auth.UserFilter{Query: "ADA"})
		if err != nil || total != 1 || list[0].ID != ada {
			t.Fatalf("search: %d %v", total, err)
		}
		if _, total, _ := svc.Store().ListUsers(ctx, auth.UserFilter{Query: "%"}); total != 0 {
			t.Fatal("a % in the search matched everything")
		}
	})
}
