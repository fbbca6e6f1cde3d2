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

// TestEventJourney: a coordinator creates a day with workshops, two
// volunteers register for its single place, the first cancels, the second
// is promoted and mailed, and the coordinator checks them in by name.
func TestEventJourney(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	stamp := time.Now().UnixNano()
	coordEmail := fmt.Sprintf("coord.%d@example.org", stamp)
	volEmails := []string{fmt.Sprintf("alice.%d@example.org", stamp), fmt.Sprintf("bruno.%d@example.org", stamp)}
	const pw = "une journée de fresques du climat 2030"
	runCommand(t, pw+"\n", "user", "create", "--email", coordEmail, "--role", "coordinator", "--data-dir", dataDir)
	for _, e := range volEmails {
		runCommand(t, pw+"\n", "user", "create", "--email", e, "--role", "volunteer", "--data-dir", dataDir)
	}
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServerIn(t, dataDir, "--smtp-url", mail.URL("noreply@example.org"))
	coord := newBrowser(t)
	vols := []context.Context{newTab(t, coord, chromedp.WithNewBrowserContext()), newTab(t, coord, chromedp.WithNewBrowserContext())}
	names := []string{"Alice Lavoisier", "Bruno Pasteur"}
	navigate(coord, t, base+"/signin")
	signIn(coord, t, coordEmail, pw)
	for i, v := range vols {
		navigate(v, t, base+"/signin")
		signIn(v, t, volEmails[i], pw)
		fillField(v, t, "#field-display_name", names[i])
		selectOption(v, t, "select#field-district", "11")
		submit(v, t, `main form button.primary`)
	}

	// The day, in ten days' time, with one place and two workshops.
	day := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	const title = "Journée des ateliers du 11e"
	navigate(coord, t, base+"/events/new")
	runAxe(coord, t)
	fillField(coord, t, "#field-title", title)
	fillField(coord, t, "#field-summary", "Une journée d'ateliers pratiques pour le climat.")
	selectOption(coord, t, "select#field-theme", "awareness")
	evalJS[bool](coord, t, `(el => (el.checked = true))(document.querySelector('input[name=owner][value=city]'))`)
	selectOption(coord, t, "select#field-district", "11")
	fillField(coord, t, "#field-address", "Mairie du 11e, place Léon-Blum")
	setValue(coord, t, "#field-starts_at", day+"T09:00")
	setValue(coord, t, "#field-ends_at", day+"T08:00") // before the start: refused
	fillField(coord, t, "#field-capacity", "1")
	if status := submit(coord, t, `main form button.primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("an end before the start: status %d, want 422", status)
	}
	if v := evalJS[string](coord, t, `document.querySelector("#field-title").value`); v != title {
		t.Errorf("the refused form lost the title: %q", v)
	}
	runAxe(coord, t)
	setValue(coord, t, "#field-ends_at", day+"T17:00")
	if status := submit(coord, t, `main form button.primary`); status != http.StatusOK {
		t.Fatalf("creating the event: %d (%q)", status, textOf(coord, t, ".error-summary"))
	}
	path := pagePath(coord, t)
	for i, w := range []struct{ title, from, to string }{{"Réparer son vélo", "10:00", "12:00"}, {"Cuisiner les restes", "14:00", "16:00"}} {
		fillField(coord, t, "#field-session_title", w.title)
		setValue(coord, t, "#field-session_starts_at", day+"T"+w.from)
		setValue(coord, t, "#field-session_ends_at", day+"T"+w.to)
		fillField(coord, t, "#field-session_capacity", "5")
		if status := submit(coord, t, `form[action$="/sessions"] button.primary`); status != http.StatusOK {
			t.Fatalf("workshop %d: status %d (%q)", i, status, textOf(coord, t, ".error-summary"))
		}
	}
	submit(coord, t, `form[action$="/publish"] button`)
	runAxe(coord, t)

	// Alice takes the place, Bruno is waitlisted.
	for i, v := range vols {
		navigate(v, t, base+path)
		evalJS[bool](v, t, `(el => (el.checked = true))(document.querySelector('input[name=session]'))`)
		if status := submit(v, t, `form[action$="/register"] button.primary`); status != http.StatusOK {
			t.Fatalf("%s registering: %d", names[i], status)
		}
		runAxe(v, t)
	}
	if !evalJS[bool](vols[1], t, `!!document.querySelector('form[action$="/cancel-registration"]')`) {
		t.Fatalf("Bruno is not registered: %q", textOf(vols[1], t, "#registration"))
	}

	// Alice cancels: Bruno gets the place and a mail.
	navigate(vols[0], t, base+path)
	submit(vols[0], t, `form[action$="/cancel-registration"] button`)
	waitForMail(t, mail, volEmails[1], func(m smtptest.Message) bool { return strings.Contains(m.Subject, "place s'est libérée") }, 10*time.Second)

	// The coordinator checks Bruno in by name.
	navigate(coord, t, base+path+"/checkin")
	runAxe(coord, t)
	fillField(coord, t, "#checkin-q", "bruno")
	submit(coord, t, `form[role=search] button`)
	submit(coord, t, `form[action$="/checkin"] input[name=registration] ~ button.primary`)
	if !strings.Contains(textOf(coord, t, "main"), names[1]) || !evalJS[bool](coord, t, `!!document.querySelector('form[action$="/undo"]')`) {
		t.Errorf("the desk does not show Bruno checked in: %q", textOf(coord, t, "main"))
	}
	runAxe(coord, t)
	assertNoConsoleErrors(coord, t, base+"/events/new")
}

// setValue sets an input's value as a picker would (datetime-local fields
// take no typed keys reliably).
func setValue(ctx context.Context, t *testing.T, sel, value string) {
	t.Helper()
	ok := evalJS[bool](ctx, t, fmt.Sprintf(`(el => {
		if (!el) return false;
		el.value = %[2]q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true}));
		return el.value === %[2]q;
	})(document.querySelector(%[1]q))`, sel, value))
	if !ok {
		t.Fatalf("could not set %s to %q on %s", sel, value, pagePath(ctx, t))
	}
}
