package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/config"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/outbox/smtptest"
)

func TestSignUpJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		c := a.Client(t)
		if resp, _ := a.Get(t, c, "/signup"); resp.StatusCode != 200 {
			t.Fatalf("GET /signup %d", resp.StatusCode)
		}
		// Bad input: every field explained, what was typed kept (but passwords).
		resp, body := a.PostForm(t, c, "/signup", "email=ada%40example&password=short&password_confirm=short")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad sign-up: %d", resp.StatusCode)
		}
		for _, want := range []string{"Saisissez une adresse e-mail valide", `value="ada@example"`, `href="#field-password"`, "<title>Erreur :"} {
			if !strings.Contains(body, want) {
				t.Errorf("bad sign-up page lacks %q", want)
			}
		}
		if strings.Contains(body, `value="short"`) {
			t.Error("password echoed back")
		}
		form := url.Values{"email": {"Ada@Example.org"}, "password": {"des arbres dans ma rue"}, "password_confirm": {"des arbres dans ma rue"}}
		resp, body = a.PostForm(t, c, "/signup", form.Encode())
		if resp.StatusCode != 200 || !strings.Contains(body, "Consultez votre messagerie") {
			t.Fatalf("sign-up: %d", resp.StatusCode)
		}
		link := a.LastLink(t, "ada@example.org")
		if !strings.HasPrefix(link, "/verify?token=") {
			t.Fatalf("verification link %q", link)
		}
		// Before verification, sign-in is refused with a way to resend.
		resp, body = a.PostForm(t, c, "/signin", "email=ada%40example.org&password=des+arbres+dans+ma+rue")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "/signin/resend") {
			t.Fatalf("unverified sign-in: %d", resp.StatusCode)
		}
		// The link shows a button; using it is a POST.
		resp, body = a.Get(t, c, link)
		tok := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
		if resp.StatusCode != 200 || tok == nil {
			t.Fatalf("verify page: %d", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, c, "/verify", "token="+tok[1])
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin" {
			t.Fatalf("verify: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		// Used again: a clear page, nothing changed.
		resp, body = a.PostForm(t, c, "/verify", "token="+tok[1])
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ce lien ne fonctionne plus") {
			t.Fatalf("reused link: %d", resp.StatusCode)
		}

		a.SignIn(t, c, "ada@example.org", "des arbres dans ma rue")
		resp, body = a.Get(t, c, "/account")
		if resp.StatusCode != 200 || !strings.Contains(body, "ada@example.org") || !strings.Contains(body, "cet appareil") {
			t.Fatalf("account page: %d", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, c, "/signout", "")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", resp.StatusCode)
		}
		resp, _ = a.Get(t, c, "/account")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signin?next=%2Faccount" {
			t.Fatalf("account after sign-out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}

func TestSessionCookie(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{Config: func(c *config.Config) { c.BaseURL = "https://cv.example" }})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	c := a.Client(t)
	req, _ := http.NewRequest("POST", a.Server.URL+"/signin", strings.NewReader(url.Values{"email": {"ada@example.org"}, "password": {apptest.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: "planted-by-an-attacker"})
	resp, _ := apptest.Do(t, c, req)
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == auth.CookieName {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v", session)
	}
	if session.Value == "planted-by-an-attacker" || len(session.Value) < 40 {
		t.Fatalf("sign-in kept or weakened the session id: %q", session.Value)
	}
}

// The answers to "forgot my password" and "send me a link" are the same for
// a known and an unknown address.
func TestNoAnswerRevealsAnAccount(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	strip := regexp.MustCompile(`[0-9a-f]{16}`) // request ids
	for _, path := range []string{"/reset", "/signin/link"} {
		_, known := a.PostForm(t, a.Client(t), path, "email=ada%40example.org")
		_, unknown := a.PostForm(t, a.Client(t), path, "email=nobody%40example.org")
		if strip.ReplaceAllString(known, "") != strip.ReplaceAllString(unknown, "") {
			t.Errorf("%s answers differently for a known address", path)
		}
	}
	_, known := a.PostForm(t, a.Client(t), "/signin", "email=ada%40example.org&password=wrong+password+1")
	_, unknown := a.PostForm(t, a.Client(t), "/signin", "email=nobody%40example.org&password=wrong+password+1")
	known = strings.ReplaceAll(known, "ada@example.org", "X")
	unknown = strings.ReplaceAll(unknown, "nobody@example.org", "X")
	if strip.ReplaceAllString(known, "") != strip.ReplaceAllString(unknown, "") {
		t.Error("sign-in answers differently for a known address")
	}
	signup := func(email string) string {
		_, body := a.PostForm(t, a.Client(t), "/signup", url.Values{"email": {email},
			"password": {"des arbres dans ma rue"}, "password_confirm": {"des arbres dans ma rue"}}.Encode())
		return strip.ReplaceAllString(body, "")
	}
	if signup("ada@example.org") != signup("carol@example.org") {
		t.Error("sign-up answers differently for a known address")
	}
	_, known = a.PostForm(t, a.Client(t), "/signin/resend", "email=ada%40example.org")
	_, unknown = a.PostForm(t, a.Client(t), "/signin/resend", "email=nobody%40example.org")
	if strip.ReplaceAllString(known, "") != strip.ReplaceAllString(unknown, "") {
		t.Error("resend answers differently for a known address")
	}
	// Mails: reset and link to ada, the notice to ada, carol's verification.
	if n := len(a.Mails(t)); n != 4 {
		t.Errorf("%d mails queued, want 4", n)
	}
}

func TestResetJourney(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	old, _ := a.ClientAs(t, auth.RoleVolunteer) // another account, unaffected
	c := a.Client(t)
	a.PostForm(t, c, "/reset", "email=ada%40example.org")
	link := a.LastLink(t, "ada@example.org")
	resp, body := a.Get(t, c, link)
	tok := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || tok == nil {
		t.Fatalf("reset page %d", resp.StatusCode)
	}
	resp, body = a.PostForm(t, c, "/reset/confirm", url.Values{"token": {tok[1]}, "password": {"azerty123"}, "password_confirm": {"azerty123"}}.Encode())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "field-password") {
		t.Fatalf("weak password: %d", resp.StatusCode)
	}
	resp, _ = a.PostForm(t, c, "/reset/confirm", url.Values{"token": {tok[1]}, "password": {"le vent se lève sur la Seine"}, "password_confirm": {"le vent se lève sur la Seine"}}.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	a.SignIn(t, c, "ada@example.org", "le vent se lève sur la Seine")
	if resp, _ := a.Get(t, old, "/account"); resp.StatusCode != 200 {
		t.Error("another account's session was ended")
	}
}

func TestRateLimits(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	c := a.Client(t)
	var resp *http.Response
	var body string
	for i := 0; i < 11; i++ {
		resp, body = a.PostForm(t, c, "/signin", "email=ada%40example.org&password=not+the+password")
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, "Trop de tentatives") || !strings.Contains(body, "Vous pourrez réessayer dans") {
		t.Fatalf("11th failed sign-in: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Even the right password waits: the limit is per account.
	resp, _ = a.PostForm(t, a.Client(t), "/signin", url.Values{"email": {"ada@example.org"}, "password": {apptest.Password}}.Encode())
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password during the lock-out: %d", resp.StatusCode)
	}
	// Other accounts are not affected.
	a.CreateUser(t, "bob@example.org", auth.RoleVolunteer)
	a.SignIn(t, a.Client(t), "bob@example.org", apptest.Password)

	for i := 0; i < 4; i++ {
		resp, _ = a.PostForm(t, c, "/reset", "email=carol%40example.org")
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th reset for one address within the hour: %d", resp.StatusCode)
	}
	// Another kind of mail for the same address is counted apart.
	if resp, _ := a.PostForm(t, c, "/signin/link", "email=carol%40example.org"); resp.StatusCode != 200 {
		t.Fatalf("sign-in link after resets: %d", resp.StatusCode)
	}
	for i := 0; i < 4; i++ {
		resp, _ = a.PostForm(t, c, "/signup", url.Values{"email": {"dave@example.org"},
			"password": {"des arbres dans ma rue"}, "password_confirm": {"des arbres dans ma rue"}}.Encode())
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("4th sign-up for one address within the hour: %d", resp.StatusCode)
	}
	for i := 0; i < 31; i++ {
		resp, _ = a.PostForm(t, c, "/verify", "token=forged")
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("31st link try from one network: %d", resp.StatusCode)
	}
}

func TestAdminSuspendsAndChangesRoles(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	admin, adminID := a.ClientAs(t, auth.RoleAdmin)
	vol, volID := a.ClientAs(t, auth.RoleVolunteer)
	resp, body := a.Get(t, admin, "/admin/users?q=volunteer")
	if resp.StatusCode != 200 || !strings.Contains(body, "1 compte(s)") {
		t.Fatalf("admin search: %d", resp.StatusCode)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	resp, _ = a.PostForm(t, admin, "/admin/users/"+id(volID)+"/role", "role=coordinator")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("role change: %d", resp.StatusCode)
	}
	resp, _ = a.PostForm(t, admin, "/admin/users/"+id(volID)+"/role", "role=emperor")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown role: %d", resp.StatusCode)
	}
	resp, _ = a.PostForm(t, admin, "/admin/users/"+id(adminID)+"/suspend", "")
	_, body = a.Get(t, admin, resp.Header.Get("Location"))
	if !strings.Contains(body, "propre compte") {
		t.Fatal("self-suspension not refused with a message")
	}
	a.PostForm(t, admin, "/admin/users/"+id(volID)+"/suspend", "")
	if resp, _ := a.Get(t, vol, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("suspended account still signed in: %d", resp.StatusCode)
	}
	_, audit := a.Get(t, admin, "/admin/audit")
	for _, want := range []string{"Rôle modifié", "Compte suspendu", "volunteer -&gt; coordinator"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit page lacks %s", want)
		}
	}
}

// The verification mail leaves through the outbox and a real SMTP server
// (in this process) receives it, in the person's language, and its link works.
func TestVerificationMailReachesSMTP(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		srv := smtptest.Start(t, smtptest.Options{})
		a := apptest.New(t, e, apptest.Options{Config: func(c *config.Config) { c.SMTPURL = srv.URL("noreply@example.org") }})
		ctx, stop := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- a.RunWorkers(ctx) }()
		defer func() { stop(); <-done }()

		c := a.Client(t)
		a.Get(t, c, "/", "Accept-Language", "en")
		form := url.Values{"email": {"ada@example.org"}, "password": {"des arbres dans ma rue"}, "password_confirm": {"des arbres dans ma rue"}}
		req, _ := http.NewRequest("POST", a.Server.URL+"/signup", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Accept-Language", "en")
		if resp, _ := apptest.Do(t, c, req); resp.StatusCode != 200 {
			t.Fatalf("sign-up: %d", resp.StatusCode)
		}
		srv.WaitFor(t, 1, 10*time.Second)
		m := srv.Messages()[0]
		if m.Subject != "Confirm your email address" || !strings.Contains(m.HTML, "/verify?token=") || m.MessageID == "" {
			t.Fatalf("mail: subject %q, message id %q", m.Subject, m.MessageID)
		}
		link := regexp.MustCompile(`/verify\?token=[A-Za-z0-9_-]+`).FindString(m.Text)
		resp, body := a.Get(t, c, link)
		tok := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
		if resp.StatusCode != 200 || tok == nil {
			t.Fatalf("link from the mail: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, c, "/verify", "token="+tok[1]); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("verify: %d", resp.StatusCode)
		}
		a.SignIn(t, c, "ada@example.org", "des arbres dans ma rue")

		// Once delivered by SMTP, the mail's body (and its link) is erased.
		deadline := time.Now().Add(10 * time.Second)
		for {
			jobs, err := outbox.List(t.Context(), a.DB, outbox.StatusDone, 10, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) == 1 {
				if strings.Contains(jobs[0].Payload, "token=") || !strings.Contains(jobs[0].Payload, "ada@example.org") {
					t.Fatalf("delivered payload: %s", jobs[0].Payload)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the job was never marked done")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// A signed-in person's language choice follows them into their mails.
func TestLanguageChoiceIsKeptForMails(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c, id := a.ClientAs(t, auth.RoleVolunteer)
	a.PostForm(t, c, "/language", "lang=en&next=/account")
	u, err := a.Auth.Store().UserByID(t.Context(), id)
	if err != nil || u.Language != "en" {
		t.Fatalf("language %q (%v)", u.Language, err)
	}
	a.PostForm(t, c, "/reset", "email="+url.QueryEscape(u.Email))
	mails := a.Mails(t)
	if last := mails[len(mails)-1]; last.Lang != "en" || last.Subject != "Choose a new password" {
		t.Fatalf("mail in %q: %q", last.Lang, last.Subject)
	}
}

func tokenField(t *testing.T, body string) string {
	t.Helper()
	m := regexp.MustCompile(`name="token" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no token field on the page")
	}
	return m[1]
}

// Signing in again replaces the browser's session: the old cookie is dead.
func TestSignInReplacesTheSession(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	c := a.Client(t)
	a.SignIn(t, c, "ada@example.org", apptest.Password)
	u, _ := url.Parse(a.Server.URL)
	first := c.Jar.Cookies(u)[0]
	a.SignIn(t, c, "ada@example.org", apptest.Password)
	second := c.Jar.Cookies(u)[0]
	if first.Value == second.Value {
		t.Fatal("same session id after signing in again")
	}
	old := a.Client(t)
	old.Jar.SetCookies(u, []*http.Cookie{first})
	if resp, _ := a.Get(t, old, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the replaced session still works: %d", resp.StatusCode)
	}
}

func TestSignInByLinkJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
		c := a.Client(t)
		if resp, _ := a.PostForm(t, c, "/signin/link", "email=ada%40example.org"); resp.StatusCode != 200 {
			t.Fatalf("link request: %d", resp.StatusCode)
		}
		_, body := a.Get(t, c, a.LastLink(t, "ada@example.org"))
		tok := tokenField(t, body)
		resp, _ := a.PostForm(t, c, "/signin/link/confirm", "token="+tok)
		// No profile yet: the first sign-in leads to onboarding.
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/welcome" {
			t.Fatalf("link sign-in: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := a.Get(t, c, "/account"); resp.StatusCode != 200 {
			t.Fatalf("account after link sign-in: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, a.Client(t), "/signin/link/confirm", "token="+tok); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("link used twice: %d", resp.StatusCode)
		}
	})
}

// Someone signs up first with another person's address and a password of
// their own; when the real owner signs in by mailed link, that password
// stops working.
func TestPreHijackedAccountIsReclaimed(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	attacker := a.Client(t)
	a.PostForm(t, attacker, "/signup", url.Values{"email": {"victim@example.org"}, "password": {"le mot de passe du pirate"},
		"password_confirm": {"le mot de passe du pirate"}}.Encode())
	owner := a.Client(t)
	a.PostForm(t, owner, "/signin/link", "email=victim%40example.org")
	_, body := a.Get(t, owner, a.LastLink(t, "victim@example.org"))
	if resp, _ := a.PostForm(t, owner, "/signin/link/confirm", "token="+tokenField(t, body)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner's link sign-in: %d", resp.StatusCode)
	}
	resp, _ := a.PostForm(t, a.Client(t), "/signin", "email=victim%40example.org&password=le+mot+de+passe+du+pirate")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("the squatter's password still works: %d", resp.StatusCode)
	}
}

// A new password or address kills the links mailed before.
func TestOldLinksDieAfterChanges(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		const email = "ada@example.org"
		a.CreateUser(t, email, auth.RoleVolunteer)
		c := a.Client(t)
		a.SignIn(t, c, email, apptest.Password)
		// A reset link is asked for, then the address changes.
		a.PostForm(t, a.Client(t), "/reset", "email="+url.QueryEscape(email))
		resetLink := a.LastLink(t, email)
		resp, _ := a.PostForm(t, c, "/account/email", url.Values{"new_email": {"nouvelle@example.org"}, "email_password": {apptest.Password}}.Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("email change request: %d", resp.StatusCode)
		}
		_, body := a.Get(t, c, a.LastLink(t, "nouvelle@example.org"))
		if resp, _ := a.PostForm(t, c, "/account/email/confirm", "token="+tokenField(t, body)); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("email change confirm: %d", resp.StatusCode)
		}
		_, body = a.Get(t, c, "/account")
		if !strings.Contains(body, "nouvelle@example.org") {
			t.Fatal("address not changed")
		}
		resp, _ = a.Get(t, a.Client(t), resetLink)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("reset link sent to the old address still works: %d", resp.StatusCode)
		}
	})
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	phone, laptop := a.Client(t), a.Client(t)
	a.SignIn(t, phone, "ada@example.org", apptest.Password)
	a.SignIn(t, laptop, "ada@example.org", apptest.Password)
	_, body := a.Get(t, laptop, "/account")
	if !strings.Contains(body, "2 session(s) ouverte(s)") {
		t.Fatal("the account page does not list both sessions")
	}
	resp, body := a.PostForm(t, laptop, "/account/password", url.Values{"current_password": {"wrong"},
		"new_password": {"un nouveau mot de passe solide"}, "new_password_confirm": {"un nouveau mot de passe solide"}}.Encode())
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "pas votre mot de passe actuel") {
		t.Fatalf("wrong current password: %d", resp.StatusCode)
	}
	resp, _ = a.PostForm(t, laptop, "/account/password", url.Values{"current_password": {apptest.Password},
		"new_password": {"un nouveau mot de passe solide"}, "new_password_confirm": {"un nouveau mot de passe solide"}}.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", resp.StatusCode)
	}
	if resp, _ := a.Get(t, laptop, "/account"); resp.StatusCode != 200 {
		t.Fatal("the session that changed the password was ended")
	}
	if resp, _ := a.Get(t, phone, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("the other session survived the password change")
	}
	// Sign out everywhere ends this one too.
	a.PostForm(t, laptop, "/account/signout-everywhere", "")
	if resp, _ := a.Get(t, laptop, "/account"); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("sign out everywhere left this session open")
	}
}

func TestIdleSessionExpires(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		c, id := a.ClientAs(t, auth.RoleVolunteer)
		// Pretend the last use was long ago: past the idle limit the session is gone.
		if _, err := a.DB.Exec(t.Context(), "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE user_id = ?",
			db.Now().Add(-15*24*time.Hour), db.Now().Add(-time.Hour), id); err != nil {
			t.Fatal(err)
		}
		resp, _ := a.Get(t, c, "/account")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("idle session still works: %d", resp.StatusCode)
		}
	})
}

func TestActiveSessionSlides(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c, id := a.ClientAs(t, auth.RoleVolunteer)
	if _, err := a.DB.Exec(t.Context(), "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE user_id = ?",
		db.Now().Add(-13*24*time.Hour), db.Now().Add(24*time.Hour), id); err != nil {
		t.Fatal(err)
	}
	resp, _ := a.Get(t, c, "/account")
	refreshed := false
	for _, ck := range resp.Cookies() {
		refreshed = refreshed || (ck.Name == auth.CookieName && ck.MaxAge > 13*24*3600)
	}
	var expires time.Time
	a.DB.QueryRow(t.Context(), "SELECT expires_at FROM sessions WHERE user_id = ?", id).Scan(&expires)
	if resp.StatusCode != 200 || !refreshed || time.Until(expires) < 13*24*time.Hour {
		t.Fatalf("use did not extend the session: status %d, cookie refreshed %v, expires in %s", resp.StatusCode, refreshed, time.Until(expires))
	}
}

// Someone hammering an account from one network does not lock its owner
// out on theirs.
func TestNoLockOutFromAnotherNetwork(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{Config: func(c *config.Config) { c.TrustProxy = true }})
	a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
	post := func(ip, form string) int {
		req, _ := http.NewRequest("POST", a.Server.URL+"/signin", strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("X-Forwarded-For", ip)
		resp, _ := apptest.Do(t, a.Client(t), req)
		return resp.StatusCode
	}
	status := 0
	for range 11 {
		status = post("198.51.100.7", "email=ada%40example.org&password=guess+guess+guess")
	}
	if status != http.StatusTooManyRequests {
		t.Fatalf("attacker's 11th try: %d", status)
	}
	if s := post("203.0.113.9", url.Values{"email": {"ada@example.org"}, "password": {apptest.Password}}.Encode()); s != http.StatusSeeOther {
		t.Fatalf("owner on another network: %d", s)
	}
}
