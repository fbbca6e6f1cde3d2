package e2e

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"

	"climatevolunteers/internal/outbox/smtptest"
	"climatevolunteers/internal/solidarity/network"
)

// registered is a person the coordinator takes into the registry on the
// phone, and the volunteer who lives at the same place: with capacity 1 the
// optimal assignment pairs them whatever the demo's people and members
// around.
type registered struct {
	name, phone, district, lat, lon string
	volunteer                       string // the volunteer's display name
}

// TestSolidarityJourney: two volunteers pass the heatwave training and join
// the network, a coordinator registers two people and raises level 3 for
// three districts; the volunteers receive their lists; one records "needs
// help" and the coordinators' dashboard shows it live; the other records
// "not reached" three times and the person is escalated. axe runs on every
// page.
func TestSolidarityJourney(t *testing.T) {
	requireTools(t)
	dataDir := t.TempDir()
	stamp := time.Now().UnixNano()
	coordEmail := fmt.Sprintf("coord.%d@example.org", stamp)
	volEmails := []string{fmt.Sprintf("claire.%d@example.org", stamp), fmt.Sprintf("david.%d@example.org", stamp)}
	const pw = "un été caniculaire sous les toits de Paris"
	runCommand(t, pw+"\n", "user", "create", "--email", coordEmail, "--role", "coordinator", "--data-dir", dataDir)
	for _, e := range volEmails {
		runCommand(t, pw+"\n", "user", "create", "--email", e, "--role", "volunteer", "--data-dir", dataDir)
	}
	mail := smtptest.Start(t, smtptest.Options{})
	base := startServerIn(t, dataDir, "--smtp-url", mail.URL("noreply@example.org"))

	people := []registered{
		{"Odette Lemaire", "01 99 00 12 34", "11", "48.85912", "2.37931", "Claire Vasseur"},
		{"Marcel Dupuis", "01 99 00 56 78", "12", "48.84021", "2.39457", "David Nguyen"},
	}
	coord := newBrowserWithin(t, 3*time.Minute) // four people, a dozen pages each
	vols := []context.Context{newTab(t, coord, chromedp.WithNewBrowserContext()), newTab(t, coord, chromedp.WithNewBrowserContext())}
	// Claire does everything on a small phone.
	if err := chromedp.Do(vols[0], chromedp.Emulate(device.IPhoneSE)); err != nil {
		t.Fatalf("emulating a phone: %v", err)
	}
	navigate(coord, t, base+"/signin")
	signIn(coord, t, coordEmail, pw)

	// Each volunteer: profile, training (the first fails it once), then the
	// network, located where "their" person lives.
	for i, v := range vols {
		p := people[i]
		navigate(v, t, base+"/signin")
		signIn(v, t, volEmails[i], pw)
		fillField(v, t, "#field-display_name", p.volunteer)
		selectOption(v, t, "select#field-district", p.district)
		submit(v, t, `main form button.primary`)
		joinNetwork(v, t, base, p, i == 0)
	}

	// The coordinator takes both people into the registry on the phone.
	for _, p := range people {
		registerByPhone(coord, t, base, p)
	}

	// Level 3 for three districts.
	navigate(coord, t, base+"/coordination/alerts")
	runAxe(coord, t)
	tick(coord, t, `input[name=hazard][value=heat]`)
	tick(coord, t, `input[name=level][value="3"]`)
	tick(coord, t, `input[name=scope][value=districts]`)
	for _, code := range []string{"11", "12", "20"} {
		tick(coord, t, fmt.Sprintf(`input[name=district][value=%q]`, code))
	}
	fillField(coord, t, "#field-advice", "Buvez souvent, fermez les volets le jour, rendez-vous dans un lieu frais.")
	if status := submit(coord, t, `main form button.primary`); status != http.StatusOK {
		t.Fatalf("raising level 3: %d", status)
	}
	if flash := textOf(coord, t, ".flash"); !strings.Contains(flash, "niveau d’alerte est fixé") {
		t.Fatalf("after raising level 3: %q", flash)
	}
	if banner := textOf(coord, t, ".notice-alert-3"); !strings.Contains(banner, "Alerte canicule (niveau 3)") || !strings.Contains(banner, "Popincourt") {
		t.Errorf("banner: %q", banner)
	}

	// Each volunteer is mailed and finds their person on "my calls".
	for i, p := range people {
		waitForMail(t, mail, volEmails[i], func(m smtptest.Message) bool {
			return strings.Contains(m.Subject, "appeler") && !strings.Contains(m.Text, p.name) && !strings.Contains(m.Text, "12 34")
		}, 30*time.Second)
		navigate(vols[i], t, base+"/")
		if notice := textOf(vols[i], t, ".notice-info"); !strings.Contains(notice, "attendent votre appel") {
			t.Errorf("volunteer %d: no in-app notice (%q)", i, notice)
		}
		navigate(vols[i], t, base+"/my/calls")
		runAxe(vols[i], t)
		if body := textOf(vols[i], t, "main"); !strings.Contains(body, p.name) || !strings.Contains(body, p.phone) {
			t.Fatalf("volunteer %d's calls do not show %s:\n%s", i, p.name, body)
		}
		if evalJS[bool](vols[i], t, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
			t.Errorf("volunteer %d: my calls is wider than the screen", i)
		}
	}

	// The coordinators' dashboard, open before the call is recorded.
	navigate(coord, t, base+"/coordination/solidarity/live")
	runAxe(coord, t)
	total := `tr[data-district="total"] [data-k="needs_help"]`
	before := textOf(coord, t, total)
	if before == "" {
		t.Fatalf("no total row on the dashboard:\n%s", textOf(coord, t, "main"))
	}
	waitText(coord, t, "#live-status", "en direct", 20*time.Second) // the stream is connected

	// Claire reaches Odette, who needs help.
	claireCall := openFirstCall(vols[0], t)
	runAxe(vols[0], t)
	tick(vols[0], t, "#outcome-needs_help")
	if status := submit(vols[0], t, `main form button.primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("needs help without saying what help: %d, want 422", status)
	}
	runAxe(vols[0], t)
	if evalJS[bool](vols[0], t, `document.documentElement.scrollWidth > document.documentElement.clientWidth`) {
		t.Error("a call's page is wider than a phone screen")
	}
	tick(vols[0], t, "#outcome-needs_help")
	fillField(vols[0], t, "#field-help", "Plus d'eau en bouteille, ne peut pas descendre les escaliers.")
	if status := submit(vols[0], t, `main form button.primary`); status != http.StatusOK {
		t.Fatalf("recording needs help: %d", status)
	}
	// Live, without reloading: the needs-help figure moves up by one.
	want := fmt.Sprint(atoi(t, before) + 1)
	waitText(coord, t, total, want, 20*time.Second)
	if got := textOf(coord, t, `tr[data-district="11"] [data-k="needs_help"]`); got == "0" || got == "" {
		t.Errorf("Popincourt's needs-help figure: %q", got)
	}

	// David does not reach Marcel three times: Marcel is escalated.
	for range 3 {
		openFirstCall(vols[1], t)
		tick(vols[1], t, "#outcome-not_reached")
		if status := submit(vols[1], t, `main form button.primary`); status != http.StatusOK {
			t.Fatalf("recording not reached: %d", status)
		}
	}
	navigate(coord, t, base+"/coordination/solidarity/escalations")
	runAxe(coord, t)
	page := textOf(coord, t, "main")
	if !strings.Contains(page, "Reuilly") || !strings.Contains(page, "Popincourt") {
		t.Fatalf("escalations waiting do not show both districts:\n%s", page)
	}
	// Opening Marcel's escalation shows his card to the coordinator (an audited read).
	link := evalJS[string](coord, t, `[...document.querySelectorAll("main a[href*='/coordination/solidarity/escalations/']")].map(a => a.getAttribute("href")).join(" ")`)
	found := false
	for _, href := range strings.Fields(link) {
		navigate(coord, t, base+href)
		if strings.Contains(textOf(coord, t, "main"), people[1].name) {
			found = true
			runAxe(coord, t)
			break
		}
	}
	if !found {
		t.Errorf("no escalation page shows %s", people[1].name)
	}

	// A volunteer opening someone else's call gets 404.
	if status := navigate(vols[1], t, base+claireCall); status != http.StatusNotFound {
		t.Errorf("David opens Claire's call %s: %d, want 404", claireCall, status)
	}
	// The refusals above answered 422 and 404 on purpose.
	assertNoConsoleErrors(vols[0], t, base+"/solidarity/network", base+claireCall)
	assertNoConsoleErrors(vols[1], t, base+"/solidarity/network", base+claireCall)
	assertNoConsoleErrors(coord, t)
}

// joinNetwork passes the training (after a failed first attempt when
// failFirst) and joins the network at the person's place, capacity 1.
func joinNetwork(ctx context.Context, t *testing.T, base string, p registered, failFirst bool) {
	t.Helper()
	navigate(ctx, t, base+"/solidarity/network")
	runAxe(ctx, t)
	navigate(ctx, t, base+"/solidarity/training")
	runAxe(ctx, t)
	answer := func(wrong int) {
		for i, q := range network.Heatwave.Questions {
			choice := q.Answer
			if i < wrong {
				for _, o := range q.Options {
					if o != q.Answer {
						choice = o
						break
					}
				}
			}
			tick(ctx, t, fmt.Sprintf("#q-%s-%s", q.ID, choice))
		}
	}
	if failFirst {
		answer(2)
		submit(ctx, t, `form[action="/solidarity/training"] button[type=submit]`)
		if path := pagePath(ctx, t); path != "/solidarity/training" {
			t.Fatalf("two wrong answers passed the quiz (now on %s)", path)
		}
		runAxe(ctx, t)
	}
	answer(0)
	if status := submit(ctx, t, `form[action="/solidarity/training"] button[type=submit]`); status != http.StatusOK || pagePath(ctx, t) != "/solidarity/network" {
		t.Fatalf("passing the quiz: %d on %s", status, pagePath(ctx, t))
	}
	tick(ctx, t, "#capacity-1")
	tick(ctx, t, "#lang-fr")
	selectOption(ctx, t, "select#field-district", p.district)
	fillField(ctx, t, "#field-lat", p.lat)
	fillField(ctx, t, "#field-lon", p.lon)
	// Without the consent ticked, joining is refused and the form kept.
	if status := submit(ctx, t, `main form button.primary`); status != http.StatusUnprocessableEntity {
		t.Errorf("joining without consent: %d, want 422", status)
	}
	runAxe(ctx, t)
	if v := evalJS[string](ctx, t, `document.querySelector("#field-lat").value`); v != p.lat {
		t.Errorf("the refused form lost the location: %q", v)
	}
	tick(ctx, t, "#consent-box")
	if status := submit(ctx, t, `main form button.primary`); status != http.StatusOK {
		t.Fatalf("joining the network: %d (%q)", status, textOf(ctx, t, ".error-summary"))
	}
}

// registerByPhone fills the coordinators' registry form for p.
func registerByPhone(ctx context.Context, t *testing.T, base string, p registered) {
	t.Helper()
	navigate(ctx, t, base+"/coordination/registry/new")
	runAxe(ctx, t)
	fillField(ctx, t, "#field-name", p.name)
	fillField(ctx, t, "#field-phone", p.phone)
	fillField(ctx, t, "#field-address", "Adresse fictive, Paris")
	selectOption(ctx, t, "select#field-district", p.district)
	fillField(ctx, t, "#field-lat", p.lat)
	fillField(ctx, t, "#field-lon", p.lon)
	tick(ctx, t, "#lang-fr")
	tick(ctx, t, "#alone-yes")
	fillField(ctx, t, "#field-call_times", "Le matin avant 11 h")
	fillField(ctx, t, "#field-emergency_name", "Une voisine")
	fillField(ctx, t, "#field-emergency_phone", "01 99 00 99 99")
	evalJS[bool](ctx, t, `(el => !el || (el.checked = true))(document.querySelector("input[name=relation]"))`)
	tick(ctx, t, "#field-consent")
	if status := submit(ctx, t, `main form button.primary`); status != http.StatusOK {
		t.Fatalf("registering %s: %d (%q)", p.name, status, textOf(ctx, t, ".error-summary"))
	}
}

var callLink = regexp.MustCompile(`^/my/calls/\d+$`)

// openFirstCall opens the first person on "my calls" and returns the
// page's path.
func openFirstCall(ctx context.Context, t *testing.T) string {
	t.Helper()
	href := evalJS[string](ctx, t, `(a => a ? a.getAttribute("href") : "")(document.querySelector("main a[href^='/my/calls/']"))`)
	if !callLink.MatchString(href) {
		navigate(ctx, t, strings.TrimSuffix(evalJS[string](ctx, t, `location.origin`), "/")+"/my/calls")
		href = evalJS[string](ctx, t, `(a => a ? a.getAttribute("href") : "")(document.querySelector("main a[href^='/my/calls/']"))`)
	}
	if !callLink.MatchString(href) {
		t.Fatalf("no call to open on %s", pagePath(ctx, t))
	}
	navigate(ctx, t, evalJS[string](ctx, t, `location.origin`)+href)
	return href
}

// waitText waits until the text of sel contains want, the page staying as
// it is (no reload): what a live page shows.
func waitText(ctx context.Context, t *testing.T, sel, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		got := textOf(ctx, t, sel)
		if strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still shows %q, want %q", sel, got, want)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(strings.ReplaceAll(s, "\u202f", ""), &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}
