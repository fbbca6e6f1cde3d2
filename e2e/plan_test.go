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

// TestPlanJourney: a staff member updates an action's status and progress
// (refused first out of 0–100) and adds a value to the carbon footprint
// (refused first without its source); the public dashboard, the indicator's
// trajectory chart and the history timeline show both; a volunteer asks a
// question on the action, the department answers officially, and the
// volunteer is mailed and reads the answer. axe runs on every page.
func TestPlanJourney(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	stamp := time.Now().UnixNano()
	staffEmail := fmt.Sprintf("agent.%d@example.org", stamp)
	volEmail := fmt.Sprintf("lea.%d@example.org", stamp)
	const pw = "le plan climat se suit en public, ligne à ligne"
	runCommand(t, pw+"\n", "user", "create", "--email", staffEmail, "--role", "coordinator", "--data-dir", dataDir)
	runCommand(t, pw+"\n", "user", "create", "--email", volEmail, "--role", "volunteer", "--data-dir", dataDir)
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServerIn(t, dataDir, "--smtp-url", mail.URL("noreply@example.org"))

	staff := newBrowserWithin(t, 3*time.Minute)
	vol := newTab(t, staff, chromedp.WithNewBrowserContext())
	navigate(staff, t, base+"/signin")
	signIn(staff, t, staffEmail, pw)

	// The staff member finds action MOB-03 and marks it late at 65 %.
	actionPath := linkTo(staff, t, base+"/plan/actions?q=MOB-03", "MOB-03")
	actionID := strings.TrimPrefix(actionPath, "/plan/actions/")
	navigate(staff, t, base+"/plan/manage/actions/"+actionID)
	runAxe(staff, t)
	selectOption(staff, t, "select#field-status", "late")
	fillField(staff, t, "#field-progress", "150")
	if status := submit(staff, t, `main form[action$="/status"] button.primary`); status != http.StatusUnprocessableEntity {
		t.Fatalf("progress 150: %d, want 422", status)
	}
	runAxe(staff, t)
	if msg := textOf(staff, t, "#error-progress"); msg == "" {
		t.Errorf("no message for progress 150 on %s", pagePath(staff, t))
	}
	selectOption(staff, t, "select#field-status", "late")
	fillField(staff, t, "#field-progress", "65")
	if status := submit(staff, t, `main form[action$="/status"] button.primary`); status != http.StatusOK {
		t.Fatalf("status and progress: %d", status)
	}
	if flash := textOf(staff, t, ".flash"); flash == "" {
		t.Errorf("no confirmation after saving the status")
	}

	// It adds the footprint's 2022 value, refused first without a source.
	indicatorPath := linkTo(staff, t, base+"/plan/indicators", "Empreinte carbone")
	indicatorID := strings.TrimPrefix(indicatorPath, "/plan/indicators/")
	navigate(staff, t, base+"/plan/manage/indicators/"+indicatorID)
	runAxe(staff, t)
	fillField(staff, t, "#field-year", "2022")
	fillField(staff, t, "#field-value", "21,4")
	if status := submit(staff, t, `main form[action$="/values"] button.primary`); status != http.StatusUnprocessableEntity {
		t.Fatalf("a value without its source: %d, want 422", status)
	}
	runAxe(staff, t)
	if got := evalJS[string](staff, t, `document.querySelector("#field-value").value`); got != "21,4" {
		t.Errorf("the value typed was lost on the refusal: %q", got)
	}
	fillField(staff, t, "#field-source", "Bilan carbone de Paris 2022 (valeur de recette)")
	if status := submit(staff, t, `main form[action$="/values"] button.primary`); status != http.StatusOK {
		t.Fatalf("adding the value: %d", status)
	}

	// The public sees both, signed out.
	navigate(vol, t, base+"/plan")
	runAxe(vol, t)
	if late := textOf(vol, t, "main"); !strings.Contains(late, "MOB-03") {
		t.Errorf("the dashboard does not flag MOB-03 as late")
	}
	if !tableHas(vol, t, "2022", "21,4") {
		t.Errorf("the dashboard's footprint table has no 2022 row with 21,4")
	}
	navigate(vol, t, base+indicatorPath)
	runAxe(vol, t)
	if n := evalJS[int](vol, t, `document.querySelectorAll("main svg").length`); n == 0 {
		t.Errorf("no chart on %s", indicatorPath)
	}
	if chart := evalJS[string](vol, t, `document.querySelector("main svg")?.textContent ?? ""`); !strings.Contains(chart, "2022") {
		t.Errorf("the trajectory chart does not show the 2022 value: %q", chart)
	}
	if !tableHas(vol, t, "2022", "21,4") {
		t.Errorf("the indicator's data table has no 2022 row with 21,4")
	}
	navigate(vol, t, base+"/plan/history")
	runAxe(vol, t)
	timeline := textOf(vol, t, "ol.plan-timeline")
	for _, want := range []string{"MOB-03", "65", "Empreinte carbone", "21,4"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("the history timeline lacks %q:\n%.1500s", want, timeline)
		}
	}
	navigate(vol, t, base+actionPath)
	runAxe(vol, t)
	if body := textOf(vol, t, "main"); !strings.Contains(body, "65") {
		t.Errorf("the action's page does not show 65 %%")
	}

	// The volunteer asks a question on the action, refused first empty.
	navigate(vol, t, base+"/signin")
	signIn(vol, t, volEmail, pw)
	navigate(vol, t, base+actionPath+"/questions")
	runAxe(vol, t)
	if status := submit(vol, t, `main form[action$="/questions"] button.primary`); status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty question: %d, want 422", status)
	}
	runAxe(vol, t)
	fillField(vol, t, "#field-title", "Quand la zone à trafic limité sera-t-elle étendue ?")
	fillField(vol, t, "#field-body", "Le calendrier annoncé a-t-il changé depuis le retard signalé ?")
	if status := submit(vol, t, `main form[action$="/questions"] button.primary`); status != http.StatusOK {
		t.Fatalf("asking: %d", status)
	}
	questionPath := pagePath(vol, t)
	if !strings.HasPrefix(questionPath, "/plan/questions/") {
		t.Fatalf("after asking, the page is %s", questionPath)
	}

	// The department answers officially.
	navigate(staff, t, base+questionPath)
	runAxe(staff, t)
	fillField(staff, t, "#field-answer", "Le périmètre sera étendu au printemps ; les travaux de signalisation commencent en mars.")
	if status := submit(staff, t, `main form[action$="/answer"] button.primary`); status != http.StatusOK {
		t.Fatalf("answering: %d", status)
	}
	waitForMail(t, mail, volEmail, func(m smtptest.Message) bool {
		return strings.Contains(m.Subject, "Réponse officielle") && strings.Contains(m.Text, questionPath)
	}, 30*time.Second)
	navigate(vol, t, base+questionPath)
	runAxe(vol, t)
	if official := textOf(vol, t, ".q-official"); !strings.Contains(official, "Réponse officielle") {
		t.Errorf("no official answer mark: %q", official)
	}
	if body := textOf(vol, t, "main"); !strings.Contains(body, "travaux de signalisation") {
		t.Errorf("the volunteer does not read the answer")
	}
	// The refusals above answer 422 on purpose.
	assertNoConsoleErrors(staff, t, base+"/plan/manage/actions/"+actionID+"/status", base+"/plan/manage/indicators/"+indicatorID+"/values")
	assertNoConsoleErrors(vol, t, base+actionPath+"/questions")
}

// linkTo opens page and returns the path of the first link in main whose
// text contains text.
func linkTo(ctx context.Context, t *testing.T, page, text string) string {
	t.Helper()
	navigate(ctx, t, page)
	path := evalJS[string](ctx, t, fmt.Sprintf(`([...document.querySelectorAll("main a")].find(a => a.textContent.includes(%q))?.getAttribute("href") ?? "")`, text))
	if path == "" {
		t.Fatalf("no link to %q on %s", text, page)
	}
	return path
}

// tableHas says whether a table row in main holds both texts.
func tableHas(ctx context.Context, t *testing.T, a, b string) bool {
	t.Helper()
	return evalJS[bool](ctx, t, fmt.Sprintf(`[...document.querySelectorAll("main tr")].some(r => r.textContent.includes(%q) && r.textContent.includes(%q))`, a, b))
}
