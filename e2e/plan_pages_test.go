package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPlanPagesAccessible walks every page of the Climate Plan that the
// journey does not, as a visitor, City staff and a moderator, with axe on
// each; on the way, two staff tabs rename the same theme (the second is told
// and keeps its typing) and a moderator hides then restores a question.
func TestPlanPagesAccessible(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	stamp := time.Now().UnixNano()
	staffEmail := fmt.Sprintf("agent.%d@example.org", stamp)
	modEmail := fmt.Sprintf("moderation.%d@example.org", stamp)
	const pw = "un plan se lit, se suit et se discute en public"
	runCommand(t, pw+"\n", "user", "create", "--email", staffEmail, "--role", "coordinator", "--data-dir", dataDir)
	runCommand(t, pw+"\n", "user", "create", "--email", modEmail, "--role", "moderator", "--data-dir", dataDir)
	base := startServerIn(t, dataDir)

	visitor := newBrowserWithin(t, 3*time.Minute)
	staff := newTab(t, visitor, chromedp.WithNewBrowserContext())
	staff2 := newTab(t, staff) // the same account in a second tab
	mod := newTab(t, visitor, chromedp.WithNewBrowserContext())
	navigate(staff, t, base+"/signin")
	signIn(staff, t, staffEmail, pw)
	navigate(mod, t, base+"/signin")
	signIn(mod, t, modEmail, pw)

	check := func(ctx context.Context, path string) {
		t.Helper()
		if status := navigate(ctx, t, base+path); status != http.StatusOK {
			t.Errorf("%s: status %d", path, status)
			return
		}
		runAxe(ctx, t)
	}
	public := []string{"/plan", "/plan/actions", "/plan/actions?flag=late", "/plan/indicators", "/plan/history",
		"/plan/questions", "/plan/committees"}
	for _, p := range public {
		check(visitor, p)
	}
	action := firstLink(visitor, t, base+"/plan/actions", "/plan/actions/")
	indicator := firstLink(visitor, t, base+"/plan/indicators", "/plan/indicators/")
	committee := firstLink(visitor, t, base+"/plan/committees", "/plan/committees/")
	question := firstLink(visitor, t, base+"/plan/questions", "/plan/questions/")
	for _, p := range []string{action, action + "/questions", indicator, committee, question} {
		check(visitor, p)
	}

	staffPages := []string{"/plan/manage", "/plan/manage/themes", "/plan/manage/actions/new", "/plan/manage/import",
		"/plan/manage/indicators", "/plan/manage/indicators/new", "/plan/manage/indicators/import",
		"/plan/manage/questions", "/plan/manage/committees",
		"/plan/manage/actions/" + strings.TrimPrefix(action, "/plan/actions/"),
		"/plan/manage/actions/" + strings.TrimPrefix(action, "/plan/actions/") + "/edit",
		"/plan/manage/indicators/" + strings.TrimPrefix(indicator, "/plan/indicators/"),
		"/plan/manage/indicators/" + strings.TrimPrefix(indicator, "/plan/indicators/") + "/edit",
		firstLink(staff, t, base+"/plan/manage/committees", "/plan/manage/committees/")}
	for _, p := range staffPages {
		check(staff, p)
	}

	// Two tabs open the themes page; the second renames a theme first.
	navigate(staff, t, base+"/plan/manage/themes")
	navigate(staff2, t, base+"/plan/manage/themes")
	theme := evalJS[string](staff, t, `[...document.querySelectorAll("details form")].map(f => f.getAttribute("action")).find(a => /\/themes\/\d+$/.test(a)) ?? ""`)
	if theme == "" {
		t.Fatal("no theme edit form")
	}
	id := strings.TrimPrefix(theme, "/plan/manage/themes/")
	rename := func(ctx context.Context, name string) int64 {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#theme-"+id+" summary"))); err != nil {
			t.Fatal(err)
		}
		fillField(ctx, t, "#name-"+id, name)
		return submit(ctx, t, `form[action="`+theme+`"] button[type="submit"]`)
	}
	if status := rename(staff2, "Mobilités actives"); status != http.StatusOK {
		t.Fatalf("first rename: %d", status)
	}
	if status := rename(staff, "Déplacements"); status != http.StatusConflict {
		t.Fatalf("stale rename: %d, want 409", status)
	}
	runAxe(staff, t)
	if msg := textOf(staff, t, "#field-version"); !strings.Contains(msg, "Quelqu’un a modifié ce thème") {
		t.Errorf("conflict message: %q", msg)
	}
	if kept := evalJS[string](staff, t, `document.querySelector("#field-name")?.value ?? ""`); kept != "Déplacements" {
		t.Errorf("the typed name is not kept: %q", kept)
	}
	if status := submit(staff, t, `form.narrow button.primary`); status != http.StatusOK {
		t.Fatalf("saving again: %d", status)
	}
	check(visitor, "/plan/history?kind=theme")
	if timeline := textOf(visitor, t, "main"); !strings.Contains(timeline, "Mobilités actives") || !strings.Contains(timeline, "Déplacements") {
		t.Errorf("the themes' history lacks the two renames:\n%.1000s", timeline)
	}

	// The moderator hides a question, then makes it public again.
	navigate(mod, t, base+question)
	runAxe(mod, t)
	fillField(mod, t, "#field-reason", "Vérification d’un propos signalé")
	if status := submit(mod, t, `main form[action$="/hide"] button`); status != http.StatusOK {
		t.Fatalf("hiding: %d", status)
	}
	runAxe(mod, t)
	if status := navigate(visitor, t, base+question); status != http.StatusNotFound {
		t.Errorf("hidden question for a visitor: %d", status)
	}
	if status := submit(mod, t, `main form[action$="/restore"] button`); status != http.StatusOK {
		t.Fatalf("restoring: %d", status)
	}
	check(visitor, question)
	assertNoConsoleErrors(staff, t, base+theme)
	assertNoConsoleErrors(visitor, t, base+question)
}

// firstLink opens page and returns the first link in main whose path starts
// with prefix and goes further.
func firstLink(ctx context.Context, t *testing.T, page, prefix string) string {
	t.Helper()
	navigate(ctx, t, page)
	path := evalJS[string](ctx, t, fmt.Sprintf(`([...document.querySelectorAll("main a")].map(a => a.getAttribute("href") ?? "").find(h => h.startsWith(%q) && h.length > %d && !h.includes("?")) ?? "")`, prefix, len(prefix)))
	if path == "" {
		t.Fatalf("no link to %s… on %s", prefix, page)
	}
	return path
}
