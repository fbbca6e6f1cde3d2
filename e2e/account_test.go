package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"climatevolunteers/internal/outbox/smtptest"
)

// TestAccountJourney follows a new volunteer: a first sign-up attempt with
// mistakes, a good one, the verification mail read from a real SMTP server,
// the confirmation, signing in, the account page and signing out.
func TestAccountJourney(t *testing.T) {
	requireTools(t)
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServer(t, "--smtp-url", mail.URL("noreply@example.org"))
	ctx := newBrowser(t)

	// A mistaken first try: the same form comes back with its errors.
	if status := navigate(ctx, t, base+"/signup"); status != http.StatusOK {
		t.Fatalf("GET /signup: status %d, want 200", status)
	}
	runAxe(ctx, t)
	fillField(ctx, t, "#field-email", "pas-une-adresse")
	fillField(ctx, t, "#field-password", "court")
	fillField(ctx, t, "#field-password_confirm", "court")
	if status := submit(ctx, t, `button[type=submit].primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("sign-up with a bad email and a short password: status %d, want 422", status)
	}
	if path := pagePath(ctx, t); path != "/signup" {
		t.Errorf("after a bad sign-up the page is %s, want /signup", path)
	}
	links := evalJS[[]string](ctx, t, `[...document.querySelectorAll(".error-summary a")].map(a => a.getAttribute("href"))`)
	for _, want := range []string{"#field-email", "#field-password"} {
		if !slices.Contains(links, want) {
			t.Errorf("error summary links %q, want one to %s", links, want)
		}
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll(".field-error").length`); n < 2 {
		t.Errorf("%d fields marked in error, want at least 2 (email and password)", n)
	}
	if v := evalJS[string](ctx, t, `document.querySelector("#field-password").value`); v != "" {
		t.Errorf("the password field came back filled with %q; it must never be echoed", v)
	}
	runAxe(ctx, t)

	// The good try.
	email := fmt.Sprintf("volontaire.%d@example.org", time.Now().UnixNano())
	const pw = "des arbres dans ma rue 2050"
	fillField(ctx, t, "#field-email", email)
	fillField(ctx, t, "#field-password", pw)
	fillField(ctx, t, "#field-password_confirm", pw)
	if status := submit(ctx, t, `button[type=submit].primary`); status != http.StatusOK {
		t.Errorf("good sign-up: status %d, want 200", status)
	}
	if h1 := h1Text(ctx, t); h1 != "Consultez votre messagerie" {
		t.Fatalf(`after a good sign-up the h1 is %q, want "Consultez votre messagerie"`, h1)
	}
	runAxe(ctx, t)

	// The verification mail goes through the outbox worker to the SMTP server.
	msgs := mail.WaitFor(t, 1, 15*time.Second)
	if len(msgs) != 1 {
		t.Errorf("%d mails received, want only the verification mail", len(msgs))
	}
	msg := msgs[0]
	if !slices.Contains(msg.To, email) {
		t.Errorf("the verification mail went to %q, want %s", msg.To, email)
	}
	verifyLink := regexp.MustCompile(regexp.QuoteMeta(base+"/verify?token=") + `\S+`).FindString(msg.Text)
	if verifyLink == "" {
		t.Fatalf("no %s/verify?token=… link in the text of the mail %q:\n%s", base, msg.Subject, msg.Text)
	}

	// Opening the link changes nothing by itself; the button does.
	if status := navigate(ctx, t, verifyLink); status != http.StatusOK {
		t.Fatalf("GET the verification link: status %d, want 200", status)
	}
	if h1Text(ctx, t) == "" {
		t.Error("the verification page has no h1 text")
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("main form[method=post]").length`); n != 1 {
		t.Errorf("the verification page has %d POST forms in main, want 1", n)
	}
	runAxe(ctx, t)
	submit(ctx, t, `main button.primary`)
	if path := pagePath(ctx, t); path != "/signin" {
		t.Errorf("after confirming the address the page is %s, want /signin", path)
	}
	if flash := textOf(ctx, t, ".flash"); !strings.HasPrefix(flash, "Votre adresse est confirmée") {
		t.Errorf(`flash after confirming = %q, want "Votre adresse est confirmée…"`, flash)
	}

	signIn(ctx, t, email, pw)
	if path := pagePath(ctx, t); path != "/welcome" {
		t.Fatalf("first sign-in ended on %s, want the onboarding page /welcome", path)
	}
	runAxe(ctx, t)
	// Onboarding can be skipped and finished later.
	submit(ctx, t, `main button[name=skip]`)
	if h1 := h1Text(ctx, t); h1 != "Mon compte" {
		t.Errorf(`account page h1 = %q, want "Mon compte"`, h1)
	}
	if main := textOf(ctx, t, "main"); !strings.Contains(main, email) {
		t.Errorf("the account page does not show the address %s", email)
	}
	if sessions := textOf(ctx, t, "main table"); !strings.Contains(sessions, "cet appareil") {
		t.Errorf(`the sessions table does not mark "cet appareil":\n%s`, sessions)
	}
	runAxe(ctx, t)

	// Signing out lands on the home page, signed out.
	submit(ctx, t, `form.signout button`)
	if path := pagePath(ctx, t); path != "/" {
		t.Errorf("after signing out the page is %s, want /", path)
	}
	if flash := textOf(ctx, t, ".flash"); flash != "Vous êtes déconnecté." {
		t.Errorf(`flash after signing out = %q, want "Vous êtes déconnecté."`, flash)
	}
	if link := textOf(ctx, t, "a.account-link"); link != "Se connecter" {
		t.Errorf(`header account link after signing out = %q, want "Se connecter"`, link)
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("form.signout").length`); n != 0 {
		t.Error("the header still has a sign-out form after signing out")
	}
	navigate(ctx, t, base+"/account")
	if path := pagePath(ctx, t); path != "/signin" {
		t.Errorf("GET /account after signing out ends on %s, want /signin", path)
	}

	// Chromium logs the 422 of the refused sign-up, which is expected.
	assertNoConsoleErrors(ctx, t, base+"/signup")
}

// TestAdminPagesAreAccessible signs in as an admin made with the command line
// and checks each admin page with axe. A volunteer signs up first, so that
// the lists of accounts, mails and audit entries are not empty.
func TestAdminPagesAreAccessible(t *testing.T) {
	requireTools(t)
	const adminEmail, adminPW = "admin@example.org", "les quais de seine en velo 2031"
	dataDir := t.TempDir()
	out := runCommand(t, adminPW+"\n", "user", "create", "--email", adminEmail, "--role", "admin", "--data-dir", dataDir)
	if !strings.Contains(out, "created "+adminEmail+" as admin") {
		t.Errorf("user create said %q, want it to confirm the admin account", out)
	}
	if strings.Contains(out, adminPW) || strings.Contains(out, "password") {
		t.Errorf("user create printed a password although one was given on stdin: %q", out)
	}
	base := startServerIn(t, dataDir)
	ctx := newBrowser(t)

	navigate(ctx, t, base+"/signup")
	fillField(ctx, t, "#field-email", "volontaire@example.org")
	fillField(ctx, t, "#field-password", "des arbres dans ma rue 2050")
	fillField(ctx, t, "#field-password_confirm", "des arbres dans ma rue 2050")
	if status := submit(ctx, t, `button[type=submit].primary`); status != http.StatusOK {
		t.Errorf("volunteer sign-up: status %d, want 200", status)
	}

	navigate(ctx, t, base+"/signin")
	signIn(ctx, t, adminEmail, adminPW)
	for _, path := range []string{"/admin", "/admin/users", "/admin/outbox", "/admin/audit"} {
		if status := navigate(ctx, t, base+path); status != http.StatusOK {
			t.Errorf("GET %s as admin: status %d, want 200", path, status)
			continue
		}
		if got := pagePath(ctx, t); got != path {
			t.Errorf("GET %s as admin ended on %s", path, got)
			continue
		}
		if h1Text(ctx, t) == "" {
			t.Errorf("%s has no h1 text", path)
		}
		runAxe(ctx, t)
	}
	assertNoConsoleErrors(ctx, t)
}

// signIn fills the sign-in form of the current page (/signin) and checks that
// it leads to the account page.
func signIn(ctx context.Context, t *testing.T, email, pw string) {
	t.Helper()
	if path := pagePath(ctx, t); path != "/signin" {
		t.Fatalf("signIn: the page is %s, not /signin", path)
	}
	fillField(ctx, t, "#field-email", email)
	fillField(ctx, t, "#field-password", pw)
	if status := submit(ctx, t, `main button.primary`); status != http.StatusOK {
		t.Errorf("signing in as %s: status %d, want 200", email, status)
	}
	// A first sign-in leads to onboarding (/welcome), later ones to /account.
	if path := pagePath(ctx, t); path != "/account" && path != "/welcome" {
		t.Fatalf("signing in as %s ended on %s, want /account or /welcome (flash %q)", email, path,
			evalJS[string](ctx, t, `(document.querySelector(".flash, .error-summary")?.textContent ?? "").trim()`))
	}
}

// fillField empties the input sel, then types value into it as a person
// would.
func fillField(ctx context.Context, t *testing.T, sel, value string) {
	t.Helper()
	if !evalJS[bool](ctx, t, fmt.Sprintf(`(el => !!el && (el.value = "", true))(document.querySelector(%q))`, sel)) {
		t.Fatalf("no %s on %s", sel, pagePath(ctx, t))
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), value)); err != nil {
		t.Fatalf("typing into %s: %v", sel, err)
	}
}

// submit clicks the button sel, waits for the page that the form leads to
// (after any redirect) and returns its HTTP status.
func submit(ctx context.Context, t *testing.T, sel string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
	if resp == nil {
		t.Fatalf("clicking %s: no response for the document", sel)
	}
	return resp.Status
}

// pagePath is the path of the tab's current page.
func pagePath(ctx context.Context, t *testing.T) string {
	return evalJS[string](ctx, t, `location.pathname`)
}

// textOf is the trimmed text of the first element that matches sel, or ""
// when there is none.
func textOf(ctx context.Context, t *testing.T, sel string) string {
	t.Helper()
	return evalJS[string](ctx, t, fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? "").trim()`, sel))
}
