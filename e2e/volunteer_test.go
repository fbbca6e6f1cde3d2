package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"climatevolunteers/internal/outbox/smtptest"
)

// TestVolunteerJourney follows one volunteer through their own data: sign-up,
// onboarding (a refused first try, then a good one), editing the profile,
// withdrawing a consent, downloading their data and deleting the account.
func TestVolunteerJourney(t *testing.T) {
	requireTools(t)
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServer(t, "--smtp-url", mail.URL("noreply@example.org"))
	ctx := newBrowser(t)

	email := fmt.Sprintf("jeanne.%d@example.org", time.Now().UnixNano())
	const pw = "un potager sur chaque toit 2042"
	signUpVerified(ctx, t, base, mail, email, pw)
	signIn(ctx, t, email, pw)
	if path := pagePath(ctx, t); path != "/welcome" {
		t.Fatalf("first sign-in ended on %s, want the onboarding page /welcome", path)
	}
	runAxe(ctx, t)

	// A first try with no name and a bad phone number: the form comes back
	// with its errors and with every box as it was ticked.
	ticked := []string{"#skill-repair", "#theme-food", "#lang-fr", "#avail-5-0", "#consent-newsletter", "#consent-sms_alerts"}
	selectOption(ctx, t, "select#field-district", "13")
	fillField(ctx, t, "#field-phone", "abc")
	for _, sel := range ticked {
		tick(ctx, t, sel)
	}
	tick(ctx, t, "#vis-community")
	if status := submit(ctx, t, `main form button.primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("onboarding with no name and a bad phone: status %d, want 422", status)
	}
	if path := pagePath(ctx, t); path != "/welcome" {
		t.Fatalf("after a refused onboarding the page is %s, want /welcome", path)
	}
	links := evalJS[[]string](ctx, t, `[...document.querySelectorAll(".error-summary a")].map(a => a.getAttribute("href"))`)
	for _, want := range []string{"#field-display_name", "#field-phone"} {
		if !slices.Contains(links, want) {
			t.Errorf("error summary links %q, want one to %s", links, want)
		}
	}
	if v := evalJS[string](ctx, t, `document.querySelector("#field-phone").value`); v != "abc" {
		t.Errorf("the phone field came back with %q, want what was typed (abc)", v)
	}
	if v := evalJS[string](ctx, t, `document.querySelector("select#field-district").value`); v != "13" {
		t.Errorf("the district came back as %q, want 13", v)
	}
	for _, sel := range append(ticked, "#vis-community") {
		if !isChecked(ctx, t, sel) {
			t.Errorf("%s is no longer ticked after the refused onboarding", sel)
		}
	}
	runAxe(ctx, t)

	// The good try. Boxes that came back unticked are ticked again, so that
	// the rest of the journey can go on whatever the check above found.
	const name = "Jeanne des jardins"
	fillField(ctx, t, "#field-display_name", name)
	fillField(ctx, t, "#field-phone", "06 12 34 56 78")
	for _, sel := range append(ticked, "#vis-community") {
		tick(ctx, t, sel)
	}
	if status := submit(ctx, t, `main form button.primary`); status != http.StatusOK {
		t.Errorf("good onboarding: status %d, want 200", status)
	}
	if path := pagePath(ctx, t); path != "/profile" {
		t.Fatalf("after onboarding the page is %s, want /profile (errors %q)", path, textOf(ctx, t, ".error-summary"))
	}
	if flash := textOf(ctx, t, ".flash"); flash != "Votre profil est enregistré." {
		t.Errorf(`flash after onboarding = %q, want "Votre profil est enregistré."`, flash)
	}
	if v := evalJS[string](ctx, t, `document.querySelector("#field-display_name").value`); v != name {
		t.Errorf("display name on /profile = %q, want %q", v, name)
	}
	runAxe(ctx, t)

	// Editing the profile: another district, the rest kept.
	selectOption(ctx, t, "select#field-district", "20")
	if status := submit(ctx, t, `main form button.primary`); status != http.StatusOK {
		t.Errorf("saving the profile: status %d, want 200", status)
	}
	if path := pagePath(ctx, t); path != "/profile" {
		t.Fatalf("after saving the profile the page is %s, want /profile", path)
	}
	if flash := textOf(ctx, t, ".flash"); flash != "Votre profil est enregistré." {
		t.Errorf(`flash after saving the profile = %q, want "Votre profil est enregistré."`, flash)
	}
	navigate(ctx, t, base+"/profile") // a fresh load shows what was stored
	if v := evalJS[string](ctx, t, `document.querySelector("select#field-district").value`); v != "20" {
		t.Errorf("district after the edit = %q, want 20", v)
	}
	for _, sel := range []string{"#skill-repair", "#theme-food", "#lang-fr", "#avail-5-0", "#vis-community"} {
		if !isChecked(ctx, t, sel) {
			t.Errorf("%s lost after editing the district", sel)
		}
	}
	if v := evalJS[string](ctx, t, `document.querySelector("#field-phone").value`); !strings.Contains(strings.ReplaceAll(v, " ", ""), "612345678") {
		t.Errorf("phone after the edit = %q, want the number given at onboarding", v)
	}

	// Withdrawing the newsletter consent takes effect at once.
	withdraw := `#consents form:has(input[name=purpose][value=newsletter]) button`
	if n := evalJS[int](ctx, t, `document.querySelectorAll("#consents form:has(input[name=purpose][value=newsletter]):has(input[name=grant][value='0'])").length`); n != 1 {
		t.Fatalf("%d forms to withdraw the newsletter consent on /profile, want 1 (was it granted at onboarding?)", n)
	}
	submit(ctx, t, withdraw)
	if path := pagePath(ctx, t); path != "/profile" {
		t.Errorf("after withdrawing the page is %s, want /profile", path)
	}
	if flash := textOf(ctx, t, ".flash"); flash != "Votre accord est retiré, dès maintenant." {
		t.Errorf(`flash after withdrawing = %q, want "Votre accord est retiré, dès maintenant."`, flash)
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("#consents form:has(input[name=purpose][value=newsletter]):has(input[name=grant][value='1'])").length`); n != 1 {
		t.Error("after withdrawing, /profile does not offer to give the newsletter consent again")
	}
	if n := evalJS[int](ctx, t, `document.querySelectorAll("#consents form:has(input[name=purpose][value=sms_alerts]):has(input[name=grant][value='0'])").length`); n != 1 {
		t.Error("withdrawing the newsletter consent changed the SMS alerts consent")
	}
	runAxe(ctx, t)

	// My data: the page, then the JSON file as the download link fetches it.
	if status := navigate(ctx, t, base+"/profile/data"); status != http.StatusOK {
		t.Fatalf("GET /profile/data: status %d", status)
	}
	if href := evalJS[string](ctx, t, `document.querySelector("main a[download]")?.getAttribute("href") ?? ""`); href != "/profile/data.json" {
		t.Errorf("download link on /profile/data = %q, want /profile/data.json", href)
	}
	runAxe(ctx, t)
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch("/profile/data.json", {credentials: "same-origin"})
		.then(r => r.ok ? r.text() : Promise.reject(new Error("status " + r.status)))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetching /profile/data.json: %v", err)
	}
	checkExport(t, raw, email, name)

	// Deleting the account: a wrong address first changes nothing.
	if status := navigate(ctx, t, base+"/profile/delete"); status != http.StatusOK {
		t.Fatalf("GET /profile/delete: status %d", status)
	}
	runAxe(ctx, t)
	fillField(ctx, t, "#field-confirm_email", "quelquun.dautre@example.org")
	if status := submit(ctx, t, `main form button[type=submit]`); status != http.StatusUnprocessableEntity {
		t.Errorf("deletion with a wrong address: status %d, want 422", status)
	}
	if path := pagePath(ctx, t); path != "/profile/delete" {
		t.Errorf("after a wrong address the page is %s, want /profile/delete", path)
	}
	if summary := textOf(ctx, t, ".error-summary"); !strings.Contains(summary, "rien n'a été supprimé") {
		t.Errorf(`error summary after a wrong address = %q, want "… rien n'a été supprimé."`, summary)
	}
	runAxe(ctx, t)
	navigate(ctx, t, base+"/account")
	if path := pagePath(ctx, t); path != "/account" {
		t.Fatalf("after a refused deletion GET /account ends on %s: the volunteer was signed out", path)
	}

	navigate(ctx, t, base+"/profile/delete")
	fillField(ctx, t, "#field-confirm_email", strings.ToUpper(email[:1])+email[1:])
	if status := submit(ctx, t, `main form button[type=submit]`); status != http.StatusOK {
		t.Errorf("deletion: status %d, want 200 after the redirect", status)
	}
	if path := pagePath(ctx, t); path != "/" {
		t.Errorf("after deleting the account the page is %s, want /", path)
	}
	if flash := textOf(ctx, t, ".flash"); !strings.HasPrefix(flash, "Votre compte est supprimé") {
		t.Errorf(`flash after deleting = %q, want "Votre compte est supprimé…"`, flash)
	}
	runAxe(ctx, t)
	navigate(ctx, t, base+"/account")
	if path := pagePath(ctx, t); path != "/signin" {
		t.Errorf("GET /account after deletion ends on %s, want /signin", path)
	}

	// The old password opens nothing any more.
	navigate(ctx, t, base+"/signin")
	fillField(ctx, t, "#field-email", email)
	fillField(ctx, t, "#field-password", pw)
	if status := submit(ctx, t, `main button.primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("signing in to the deleted account: status %d, want 422", status)
	}
	if path := pagePath(ctx, t); path != "/signin" {
		t.Errorf("signing in to the deleted account ended on %s, want /signin", path)
	}
	if textOf(ctx, t, ".error-summary") == "" {
		t.Error("signing in to the deleted account shows no error")
	}
	// Chromium logs the 422 answers of the refused forms, which are expected.
	assertNoConsoleErrors(ctx, t, base+"/welcome", base+"/profile/delete", base+"/signin")
}

// checkExport checks the JSON of "download my data": the address, the
// display name, and the consent history with the newsletter withdrawn.
func checkExport(t *testing.T, raw, email, name string) {
	t.Helper()
	var export map[string]any
	if err := json.Unmarshal([]byte(raw), &export); err != nil {
		t.Fatalf("/profile/data.json is not JSON: %v\n%s", err, raw)
	}
	account, _ := key(export, "account").(map[string]any)
	if got, _ := key(account, "email").(string); got != email {
		t.Errorf("data.json account email = %q, want %s", got, email)
	}
	profile, _ := key(export, "profile").(map[string]any)
	if got, _ := key(profile, "display_name", "DisplayName").(string); got != name {
		t.Errorf("data.json profile display name = %q, want %q", got, name)
	}
	consents, _ := key(export, "consents").([]any)
	withdrawn := map[string]bool{}
	seen := map[string]bool{}
	for _, c := range consents {
		m, _ := c.(map[string]any)
		purpose, _ := key(m, "purpose", "Purpose").(string)
		seen[purpose] = true
		if w := key(m, "withdrawn_at", "WithdrawnAt"); w != nil && w != "" {
			withdrawn[purpose] = true
		}
	}
	if !seen["newsletter"] || !seen["sms_alerts"] {
		t.Errorf("data.json consents name %v, want newsletter and sms_alerts\n%s", seen, raw)
	}
	if !withdrawn["newsletter"] {
		t.Errorf("data.json has no withdrawal date on the newsletter consent\n%s", raw)
	}
	if withdrawn["sms_alerts"] {
		t.Errorf("data.json shows the SMS alerts consent withdrawn, which it was not\n%s", raw)
	}
	if strings.Contains(strings.ToLower(raw), "password") {
		t.Errorf("data.json mentions the password:\n%s", raw)
	}
}

// key is the first of names that m holds: the export's field names are
// compared as the person reading the file would, whatever their case style.
func key(m map[string]any, names ...string) any {
	for _, n := range names {
		if v, ok := m[n]; ok {
			return v
		}
	}
	return nil
}

// TestCoordinatorDirectoryAndMessage has a coordinator filter the directory
// over the demo volunteers, then write to a district; a real volunteer of
// that district gets the mail (through the SMTP server of the test) and
// reads the message in their inbox.
func TestCoordinatorDirectoryAndMessage(t *testing.T) {
	requireTools(t)
	const coordEmail, coordPW = "coord@example.org", "les berges du canal saint-martin 2033"
	dataDir := t.TempDir()
	out := runCommand(t, coordPW+"\n", "user", "create", "--email", coordEmail, "--role", "coordinator", "--data-dir", dataDir)
	if !strings.Contains(out, coordEmail) {
		t.Errorf("user create said %q, want it to name %s", out, coordEmail)
	}
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServerIn(t, dataDir, "--smtp-url", mail.URL("noreply@example.org"))
	coord := newBrowser(t)
	vol := newTab(t, coord, chromedp.WithNewBrowserContext())

	// A real volunteer of the 13th, who accepts the coordinators' mails.
	volEmail := fmt.Sprintf("paul.%d@example.org", time.Now().UnixNano())
	const volPW = "des vélos cargos pour tout le quartier"
	const volName = "Paul du 13e"
	signUpVerified(vol, t, base, mail, volEmail, volPW)
	signIn(vol, t, volEmail, volPW)
	if path := pagePath(vol, t); path != "/welcome" {
		t.Fatalf("the volunteer's first sign-in ended on %s, want /welcome", path)
	}
	fillField(vol, t, "#field-display_name", volName)
	selectOption(vol, t, "select#field-district", "13")
	for _, sel := range []string{"#skill-repair", "#lang-fr", "#consent-newsletter", "#vis-community"} {
		tick(vol, t, sel)
	}
	submit(vol, t, `main form button.primary`)
	if path := pagePath(vol, t); path != "/profile" {
		t.Fatalf("the volunteer's onboarding ended on %s, want /profile (errors %q)", path, textOf(vol, t, ".error-summary"))
	}

	// The coordinator's directory: everyone first, then the 13th's repairers.
	navigate(coord, t, base+"/signin")
	signIn(coord, t, coordEmail, coordPW)
	if status := navigate(coord, t, base+"/coordination/directory"); status != http.StatusOK {
		t.Fatalf("GET /coordination/directory as coordinator: status %d", status)
	}
	all := glanceCount(coord, t)
	if all < 3000 {
		t.Errorf("the unfiltered directory counts %d volunteers, want at least the 3,000 of the demo", all)
	}
	runAxe(coord, t)
	selectOption(coord, t, "select#field-district", "13")
	selectOption(coord, t, "select#field-skill", "repair")
	if status := submit(coord, t, `form[role=search] button.primary`); status != http.StatusOK {
		t.Errorf("filtering the directory: status %d, want 200", status)
	}
	query, err := url.ParseQuery(strings.TrimPrefix(evalJS[string](coord, t, `location.search`), "?"))
	if err != nil || query.Get("district") != "13" || query.Get("skill") != "repair" {
		t.Errorf("the filtered directory's URL has the query %v (%v), want district=13 and skill=repair", query, err)
	}
	if path := pagePath(coord, t); path != "/coordination/directory" {
		t.Errorf("filtering ended on %s, want /coordination/directory", path)
	}
	filtered := glanceCount(coord, t)
	if filtered < 1 || filtered >= all {
		t.Errorf("the filtered directory counts %d volunteers, want between 1 and %d", filtered, all-1)
	}
	byDistrict := evalJS[[]string](coord, t, `[...document.querySelectorAll("#by-district ~ tbody th")].map(th => th.textContent.trim())`)
	if len(byDistrict) == 0 || slices.ContainsFunc(byDistrict, func(s string) bool { return s != "Gobelins" }) {
		t.Errorf("counts by district of the filtered directory name %q, want only Gobelins", byDistrict)
	}
	rows := evalJS[[][]string](coord, t, `[...document.querySelectorAll("table:has(#list-caption) tbody tr")].map(tr => [...tr.cells].map(c => c.textContent.trim()))`)
	if len(rows) == 0 {
		t.Error("the filtered directory lists no volunteer")
	}
	for _, r := range rows {
		if len(r) < 3 || r[1] != "Gobelins" || !strings.Contains(r[2], "Réparation") {
			t.Errorf("filtered directory row %q is not a repairer of the 13th", r)
		}
	}
	if !slices.ContainsFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == volName }) {
		t.Errorf("the filtered directory does not list %q, a community profile of the 13th with repair", volName)
	}
	runAxe(coord, t)

	// A message to the 13th: preview, then send.
	if status := navigate(coord, t, base+"/coordination/messages/new"); status != http.StatusOK {
		t.Fatalf("GET /coordination/messages/new: status %d", status)
	}
	runAxe(coord, t)
	subject := fmt.Sprintf("Atelier réparation samedi au 13e (%d)", time.Now().Unix())
	const body = "Bonjour à toutes et à tous, rendez-vous samedi à 10 h à la maison des associations."
	selectOption(coord, t, "select#field-district", "13")
	fillField(coord, t, "#field-subject", subject)
	fillField(coord, t, "#field-body", body)
	if status := submit(coord, t, `button[name=preview]`); status != http.StatusOK {
		t.Errorf("preview: status %d, want 200", status)
	}
	if n := evalJS[int](coord, t, `document.querySelectorAll("section#preview").length`); n != 1 {
		t.Fatalf("no preview section after pressing the preview button (errors %q)", textOf(coord, t, ".error-summary"))
	}
	preview := textOf(coord, t, "section#preview")
	recipients := firstNumberAfter(preview, "Volontaires concernés :")
	if recipients < 1 {
		t.Errorf("the preview shows no count of volunteers concerned:\n%s", preview)
	}
	if emails := firstNumberAfter(preview, "Aussi par e-mail :"); emails < 1 || emails > recipients {
		t.Errorf("the preview shows %d mails for %d volunteers, want between 1 and %d", emails, recipients, recipients)
	}
	if got := textOf(coord, t, "section#preview .message-subject"); got != subject {
		t.Errorf("the preview's subject = %q, want %q", got, subject)
	}
	runAxe(coord, t)
	if status := submit(coord, t, `button[name=send]`); status != http.StatusOK {
		t.Errorf("send: status %d, want 200 after the redirect", status)
	}
	if path := pagePath(coord, t); path != "/coordination/messages" {
		t.Errorf("after sending the page is %s, want /coordination/messages", path)
	}
	if flash := textOf(coord, t, ".flash"); !strings.HasPrefix(flash, "Message envoyé.") {
		t.Errorf(`flash after sending = %q, want "Message envoyé. …"`, flash)
	}
	if main := textOf(coord, t, "main"); !strings.Contains(main, subject) {
		t.Errorf("the list of sent messages does not show %q", subject)
	}
	runAxe(coord, t)

	// The mail reaches the real volunteer.
	msg := waitForMail(t, mail, volEmail, func(m smtptest.Message) bool { return m.Subject == subject }, 30*time.Second)
	if !strings.Contains(msg.Text, body) {
		t.Errorf("the mail's text does not hold the message body:\n%s", msg.Text)
	}
	if !strings.Contains(msg.Text, "Bonjour "+volName) {
		t.Errorf("the mail does not greet %q:\n%s", volName, msg.Text)
	}
	inboxLink := regexp.MustCompile(regexp.QuoteMeta(base+"/inbox/") + `\d+`).FindString(msg.Text)
	if inboxLink == "" {
		t.Errorf("no %s/inbox/… link in the mail:\n%s", base, msg.Text)
	}
	if !strings.Contains(msg.HTML, body) {
		t.Errorf("the mail's HTML part does not hold the message body:\n%s", msg.HTML)
	}

	// And waits in their inbox.
	if status := navigate(vol, t, base+"/inbox"); status != http.StatusOK {
		t.Fatalf("GET /inbox as the volunteer: status %d", status)
	}
	runAxe(vol, t)
	href := evalJS[string](vol, t, fmt.Sprintf(`[...document.querySelectorAll("ul.inbox a")].find(a => a.textContent.trim() === %q)?.getAttribute("href") ?? ""`, subject))
	if href == "" {
		t.Fatalf("the volunteer's inbox does not list %q:\n%s", subject, textOf(vol, t, "main"))
	}
	if inboxLink != "" && base+href != inboxLink {
		t.Errorf("the inbox links the message as %s, the mail as %s", href, inboxLink)
	}
	if status := submit(vol, t, fmt.Sprintf(`ul.inbox a[href=%q]`, href)); status != http.StatusOK {
		t.Errorf("opening the message: status %d", status)
	}
	if h1 := h1Text(vol, t); h1 != subject {
		t.Errorf("the message page's h1 = %q, want %q", h1, subject)
	}
	if got := textOf(vol, t, ".message-body"); got != body {
		t.Errorf("the message page's body = %q, want %q", got, body)
	}
	runAxe(vol, t)

	assertNoConsoleErrors(coord, t)
	assertNoConsoleErrors(vol, t)
}

// signUpVerified signs up with email and pw on the current tab, confirms the
// address through the link of the verification mail, and leaves the tab on
// /signin.
func signUpVerified(ctx context.Context, t *testing.T, base string, mail *smtptest.Server, email, pw string) {
	t.Helper()
	if status := navigate(ctx, t, base+"/signup"); status != http.StatusOK {
		t.Fatalf("GET /signup: status %d", status)
	}
	fillField(ctx, t, "#field-email", email)
	fillField(ctx, t, "#field-password", pw)
	fillField(ctx, t, "#field-password_confirm", pw)
	if status := submit(ctx, t, `button[type=submit].primary`); status != http.StatusOK {
		t.Fatalf("sign-up of %s: status %d, want 200 (errors %q)", email, status, textOf(ctx, t, ".error-summary"))
	}
	msg := waitForMail(t, mail, email, func(m smtptest.Message) bool { return strings.Contains(m.Text, "/verify?token=") }, 15*time.Second)
	link := regexp.MustCompile(regexp.QuoteMeta(base+"/verify?token=") + `\S+`).FindString(msg.Text)
	if link == "" {
		t.Fatalf("no %s/verify?token=… link in the mail %q:\n%s", base, msg.Subject, msg.Text)
	}
	if status := navigate(ctx, t, link); status != http.StatusOK {
		t.Fatalf("GET the verification link: status %d", status)
	}
	submit(ctx, t, `main button.primary`)
	if path := pagePath(ctx, t); path != "/signin" {
		t.Fatalf("after confirming %s the page is %s, want /signin", email, path)
	}
}

// waitForMail waits for a mail to addr that match accepts, among all those
// the server received (other people may get mails at the same time).
func waitForMail(t *testing.T, srv *smtptest.Server, addr string, match func(smtptest.Message) bool, timeout time.Duration) smtptest.Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := srv.Messages()
		for _, m := range msgs {
			if slices.Contains(m.To, addr) && match(m) {
				return m
			}
		}
		if time.Now().After(deadline) {
			var mine []string
			for _, m := range msgs {
				if slices.Contains(m.To, addr) {
					mine = append(mine, m.Subject)
				}
			}
			t.Fatalf("no matching mail to %s after %s; %d mails in all, to %s: %q", addr, timeout, len(msgs), addr, mine)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// selectOption chooses the option of value in the select sel, as picking it
// in the list would (the change event included).
func selectOption(ctx context.Context, t *testing.T, sel, value string) {
	t.Helper()
	ok := evalJS[bool](ctx, t, fmt.Sprintf(`(el => {
		if (!el || ![...el.options].some(o => o.value === %[2]q)) return false;
		el.value = %[2]q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})(document.querySelector(%[1]q))`, sel, value))
	if !ok {
		t.Fatalf("no %s with an option %q on %s", sel, value, pagePath(ctx, t))
	}
}

// tick clicks the checkbox or radio button sel unless it is already checked.
func tick(ctx context.Context, t *testing.T, sel string) {
	t.Helper()
	if isChecked(ctx, t, sel) {
		return
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
	if !isChecked(ctx, t, sel) {
		t.Fatalf("%s is not checked after clicking it", sel)
	}
}

// isChecked reports whether the input sel is checked; it fails the test when
// the page has no such input.
func isChecked(ctx context.Context, t *testing.T, sel string) bool {
	t.Helper()
	state := evalJS[string](ctx, t, fmt.Sprintf(`(el => el ? String(el.checked) : "missing")(document.querySelector(%q))`, sel))
	if state == "missing" {
		t.Fatalf("no %s on %s", sel, pagePath(ctx, t))
	}
	return state == "true"
}

// glanceCount reads the directory's "N volontaire(s) correspondent".
func glanceCount(ctx context.Context, t *testing.T) int {
	t.Helper()
	h := textOf(ctx, t, "h2#glance")
	n := firstNumberAfter(h, "")
	if n < 0 || !strings.Contains(h, "volontaire(s) correspondent") {
		t.Fatalf(`the directory's counts heading is %q, want "N volontaire(s) correspondent"`, h)
	}
	return n
}

// numberRE is an integer as the pages print it, with a space (plain, thin
// or no-break) between groups of thousands.
var numberRE = regexp.MustCompile(`\d+(?:[ \x{202F}\x{00A0}]\d{3})*`)

// firstNumberAfter is the first integer in s after the text label, or -1.
func firstNumberAfter(s, label string) int {
	i := strings.Index(s, label)
	if i < 0 {
		return -1
	}
	m := numberRE.FindString(s[i+len(label):])
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, m)
	n, err := strconv.Atoi(digits)
	if err != nil {
		return -1
	}
	return n
}
