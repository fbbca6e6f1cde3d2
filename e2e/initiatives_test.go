package e2e

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"climatevolunteers/internal/outbox/smtptest"
)

// TestInitiativeJourney: a volunteer proposes an initiative (a refused first
// try, then a good one), a moderator approves it, another volunteer finds it
// by search and on the map, joins it, and receives the organiser's update.
func TestInitiativeJourney(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	stamp := time.Now().UnixNano()
	accounts := map[string]string{ // role -> email
		"volunteer":   fmt.Sprintf("organiser.%d@example.org", stamp),
		"moderator":   fmt.Sprintf("moderator.%d@example.org", stamp),
		"participant": fmt.Sprintf("participant.%d@example.org", stamp),
	}
	const pw = "un composteur dans chaque cour 2031"
	for who, email := range accounts {
		role := who
		if who == "participant" {
			role = "volunteer"
		}
		runCommand(t, pw+"\n", "user", "create", "--email", email, "--role", role, "--data-dir", dataDir)
	}
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServerIn(t, dataDir, "--smtp-url", mail.URL("noreply@example.org"), "--digest-interval", "1s")
	organiser := newBrowser(t)
	moderator := newTab(t, organiser, chromedp.WithNewBrowserContext())
	participant := newTab(t, organiser, chromedp.WithNewBrowserContext())
	for who, ctx := range map[string]context.Context{"volunteer": organiser, "moderator": moderator, "participant": participant} {
		navigate(ctx, t, base+"/signin")
		signIn(ctx, t, accounts[who], pw)
	}

	// The proposal: first without a district and with a bad link.
	const title = "Compost collectif de la rue des Vignoles"
	navigate(organiser, t, base+"/initiatives/new")
	runAxe(organiser, t)
	fillField(organiser, t, "#field-title", title)
	fillField(organiser, t, "#field-summary", "Un bac à compost partagé pour les habitants de la rue, ouvert le samedi.")
	fillField(organiser, t, "#field-description", "Apportez vos **épluchures** le samedi matin.")
	selectOption(organiser, t, "select#field-theme", "waste")
	fillField(organiser, t, "#field-address", "30 rue des Vignoles")
	fillField(organiser, t, "#field-links", "javascript:alert(1)")
	tick(organiser, t, "#field-ongoing")
	if status := submit(organiser, t, `main form button.primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("a proposal without district: status %d, want 422", status)
	}
	if v := evalJS[string](organiser, t, `document.querySelector("#field-title").value`); v != title {
		t.Errorf("the refused form lost the title: %q", v)
	}
	runAxe(organiser, t)
	selectOption(organiser, t, "select#field-district", "20")
	fillField(organiser, t, "#field-links", "https://compost.example.org")
	if status := submit(organiser, t, `main form button.primary`); status != http.StatusOK {
		t.Fatalf("the proposal: status %d (errors %q)", status, textOf(organiser, t, ".error-summary"))
	}
	path := pagePath(organiser, t)
	if !strings.HasPrefix(path, "/initiatives/") || h1Text(organiser, t) != title {
		t.Fatalf("after the proposal the page is %s, %q", path, h1Text(organiser, t))
	}
	runAxe(organiser, t)
	submit(organiser, t, `form[action$="/status"] button.primary`)
	if !strings.Contains(textOf(organiser, t, ".flash"), "soumise") {
		t.Errorf("no confirmation of the submission: %q", textOf(organiser, t, ".flash"))
	}

	// The moderator approves it from the queue.
	navigate(moderator, t, base+"/moderation/initiatives")
	runAxe(moderator, t)
	id := strings.TrimPrefix(path, "/initiatives/")
	tick(moderator, t, "#decision-"+id+"-approve")
	submit(moderator, t, `form[action="/moderation`+path+`"] button.primary`)
	if !strings.Contains(textOf(moderator, t, ".flash"), "Décision enregistrée") {
		t.Errorf("no confirmation of the decision: %q", textOf(moderator, t, ".flash"))
	}
	waitForMail(t, mail, accounts["volunteer"], func(m smtptest.Message) bool { return strings.Contains(m.Subject, "publiée") }, 10*time.Second)

	initiativeJourneyContinues(t, base, path, title, organiser, participant, mail, accounts["participant"])
	assertNoConsoleErrors(organiser, t, base+"/initiatives/new")
}

// initiativeJourneyContinues is the participant's side: search, map, join,
// and the organiser's update, in the app and in the digest mail.
func initiativeJourneyContinues(t *testing.T, base, path, title string, organiser, participant context.Context, mail *smtptest.Server, participantEmail string) {
	t.Helper()
	navigate(participant, t, base+"/initiatives")
	runAxe(participant, t)
	// Plural and unaccented words find the singular title (French stemming).
	fillField(participant, t, "#field-q", "composts vignoles")
	if status := submit(participant, t, `form.filters button.primary`); status != http.StatusOK {
		t.Fatalf("the search: status %d", status)
	}
	card := fmt.Sprintf(`[...document.querySelectorAll("li.card")].find(li => li.querySelector('h3 a[href=%q]'))`, path)
	if !evalJS[bool](participant, t, "!!"+card) {
		t.Fatalf("the search for %q does not list %s; results: %q", "composts vignoles", path, textOf(participant, t, "main"))
	}
	// On the map: the card's number is one of the markers.
	number := evalJS[string](participant, t, `(`+card+`.querySelector("dl dd:last-of-type")?.textContent ?? "").trim()`)
	markers := evalJS[[]string](participant, t, `[...document.querySelectorAll("svg .map-markers circle title")].map(e => e.textContent)`)
	if number == "" || !slices.Contains(markers, number) {
		t.Errorf("the map's markers %q do not include the initiative's number %q", markers, number)
	}
	runAxe(participant, t)

	// Join it.
	if status := navigate(participant, t, base+path); status != http.StatusOK {
		t.Fatalf("the initiative's page: %d", status)
	}
	submit(participant, t, `form[action="`+path+`/join"] button`)
	if !evalJS[bool](participant, t, `!!document.querySelector('form[action="`+path+`/leave"]')`) {
		t.Fatalf("after joining there is no way to leave: %q", textOf(participant, t, ".flash"))
	}
	runAxe(participant, t)

	// The organiser posts news.
	const news = "Premier retournement du compost samedi à 10 h, venez avec des gants."
	navigate(organiser, t, base+path)
	fillField(organiser, t, "#field-body", news)
	submit(organiser, t, `form[action="`+path+`/updates"] button.primary`)
	if !strings.Contains(textOf(organiser, t, "main"), news) {
		t.Errorf("the organiser's page does not show the news")
	}
	runAxe(organiser, t)

	// The participant reads it in the app and in the digest.
	navigate(participant, t, base+"/my/updates")
	if !strings.Contains(textOf(participant, t, "main"), news) {
		t.Errorf("the participant's news page does not show the update")
	}
	runAxe(participant, t)
	m := waitForMail(t, mail, participantEmail, func(m smtptest.Message) bool { return strings.Contains(m.Text, "retournement du compost") }, 15*time.Second)
	if !strings.Contains(m.Text, title) {
		t.Errorf("the digest does not name the initiative:\n%s", m.Text)
	}
	assertNoConsoleErrors(participant, t)
}

// TestInitiativeCoordinationPages: the synergy board, an introduction, and
// the list's refusals, with axe on each page.
func TestInitiativeCoordinationPages(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	const email, pw = "coordination@example.org", "des ponts entre les jardins du 20e"
	runCommand(t, pw+"\n", "user", "create", "--email", email, "--role", "coordinator", "--data-dir", dataDir)
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServerIn(t, dataDir, "--smtp-url", mail.URL("noreply@example.org"))
	ctx := newBrowser(t)
	navigate(ctx, t, base+"/signin")
	signIn(ctx, t, email, pw)

	// A refused filter keeps the others and says why.
	if status := navigate(ctx, t, base+"/initiatives?theme=waste&radius=-3&near=11"); status != http.StatusBadRequest {
		t.Errorf("a negative radius: status %d, want 400", status)
	}
	if v := evalJS[string](ctx, t, `document.querySelector("select#field-theme").value`); v != "waste" {
		t.Errorf("the refused filter lost the theme: %q", v)
	}
	if textOf(ctx, t, ".error-summary") == "" {
		t.Errorf("no error summary for a negative radius")
	}
	runAxe(ctx, t)

	// The demo's first initiative suggests similar ones nearby.
	navigate(ctx, t, base+"/initiatives/1")
	runAxe(ctx, t)

	// The board lists groups; introduce the first group that can be.
	if status := navigate(ctx, t, base+"/coordination/synergy"); status != http.StatusOK {
		t.Fatalf("the synergy board: status %d", status)
	}
	runAxe(ctx, t)
	form := `[...document.querySelectorAll('form[action="/coordination/synergy/introduce"]')].find(f => f.querySelectorAll('input[type=checkbox]').length >= 2)`
	if !evalJS[bool](ctx, t, "!!"+form) {
		t.Fatalf("the demo board has no group with two initiatives to introduce")
	}
	evalJS[bool](ctx, t, `(f => { f.querySelectorAll('input[type=checkbox]').forEach(c => c.checked = true); f.setAttribute("id", "picked"); return true })(`+form+`)`)
	if status := submit(ctx, t, `#picked button.primary`); status != http.StatusOK {
		t.Fatalf("the introduction: status %d (%q)", status, textOf(ctx, t, ".error-summary"))
	}
	if textOf(ctx, t, ".flash") == "" {
		t.Errorf("no confirmation of the introduction")
	}
	runAxe(ctx, t)
	deadline := time.Now().Add(10 * time.Second)
	for len(mail.Messages()) == 0 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	if len(mail.Messages()) == 0 {
		t.Errorf("the introduction sent no mail")
	}
	assertNoConsoleErrors(ctx, t, base+"/initiatives?theme=waste&radius=-3&near=11")
}
