package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
)

// epiJoin makes a volunteer a trained member of the network covering
// districts 11 and 12, through the network's pages.
func epiJoin(t *testing.T, a *apptest.App, c *http.Client, name, capacity, lat, lon string, profile url.Values) {
	t.Helper()
	p := url.Values{"display_name": {name}, "district": {"11"}, "visibility": {"community"}, "languages": {"fr"}}
	for k, v := range profile {
		p[k] = v
	}
	for _, step := range []struct{ path, form string }{
		{"/welcome", p.Encode()},
		{"/solidarity/training", quizForm().Encode()},
		{"/solidarity/network", url.Values{"version": {"0"}, "consent": {"1"}, "capacity": {capacity}, "district": {"11"},
			"also": {"12"}, "languages": {"fr"}, "lat": {lat}, "lon": {lon}}.Encode()},
	} {
		if resp, body := a.PostForm(t, c, step.path, step.form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s for %s: %d\n%s", step.path, name, resp.StatusCode, body)
		}
	}
}

// epiNoDemoRegistry empties the demo's registry, so that the test knows
// whom its volunteers are given.
func epiNoDemoRegistry(t *testing.T, a *apptest.App) {
	t.Helper()
	if _, err := a.DB.Exec(t.Context(), "DELETE FROM registry_people"); err != nil {
		t.Fatal(err)
	}
}

func epiRegister(t *testing.T, a *apptest.App, c *http.Client, name, phone string) {
	t.Helper()
	f := regForm()
	f.Set("name", name)
	f.Set("phone", phone)
	f.Set("emergency_phone", "06 55 44 33 22")
	if resp, body := a.PostForm(t, c, "/registry/new", f.Encode()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("registration of %s: %d\n%s", name, resp.StatusCode, body)
	}
}

var epiCallLink = regexp.MustCompile(`href="/my/calls/(\d+)"`)
var epiVersion = regexp.MustCompile(`name="version" value="(\d+)"`)

// epiOutcome posts an outcome with the version read from the call page.
func epiOutcome(t *testing.T, a *apptest.App, c *http.Client, id, outcome, help string) (*http.Response, string) {
	t.Helper()
	_, page := a.Get(t, c, "/my/calls/"+id)
	m := epiVersion.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no version on the call page\n%s", page)
	}
	return a.PostForm(t, c, "/my/calls/"+id, url.Values{"outcome": {outcome}, "help": {help}, "version": {m[1]}}.Encode())
}

func epiAudits(t *testing.T, a *apptest.App, action, target string, actor int64) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ? AND actor_id = ?",
		action, target, actor).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// The journey: a coordinator raises level 3, volunteers get their lists by
// mail (and text message with the consent), one records "needs help" and
// the coordinators are mailed; a stranger is refused and audited; the
// coordinator reassigns in one step; "not reached" three times escalates;
// stale forms conflict; the end of the episode closes access.
func TestSolidarityEpisodeJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		ctx := context.Background()
		epiNoDemoRegistry(t, a)
		relative, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiRegister(t, a, relative, "Odette Marchal", "01 99 00 42 42")
		epiRegister(t, a, relative, "Marcel Petit", "01 99 00 43 43")
		staff, staffID := a.ClientAs(t, auth.RoleCoordinator)
		first, firstID := a.ClientAs(t, auth.RoleVolunteer)
		second, secondID := a.ClientAs(t, auth.RoleVolunteer)
		stranger, strangerID := a.ClientAs(t, auth.RoleVolunteer)
		// Both join the network; the second agreed to text messages and gave a number.
		epiJoin(t, a, first, "Alix Premier", "1", "48.8595", "2.3790", nil)
		epiJoin(t, a, second, "Bea Second", "2", "48.8650", "2.3850", url.Values{"phone": {"06 12 34 56 78"}, "consents": {"sms_alerts"}})

		// Before any alert: nobody to call.
		if resp, body := a.Get(t, first, "/my/calls"); resp.StatusCode != 200 || strings.Contains(body, "Odette") {
			t.Fatalf("my calls before the alert: %d", resp.StatusCode)
		}
		// Raising the alert activates the episode.
		if resp, body := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"},
			"district": {"11", "12", "20"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("alert: %d\n%s", resp.StatusCode, body)
		}

		// Each volunteer was told: a mail with the link, a text message for
		// the one who agreed; nothing about the people in them.
		jobs, err := outbox.List(ctx, a.DB, "", 1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		var texts int
		for _, j := range jobs {
			if !strings.HasPrefix(j.Key, "solidarity-calls:") {
				continue
			}
			if strings.Contains(j.Payload, "Odette") || strings.Contains(j.Payload, "Marcel") || strings.Contains(j.Payload, "99 00") {
				t.Fatalf("job %s carries a person's data", j.Key)
			}
			if j.Kind == outbox.KindSMS {
				texts++
				var m outbox.SMS
				json.Unmarshal([]byte(j.Payload), &m)
				if m.To == "" || !strings.Contains(m.Text, "/my/calls") {
					t.Errorf("text message %+v", m)
				}
			}
		}
		if texts != 1 {
			t.Fatalf("%d text messages, want 1 (the consenting volunteer)", texts)
		}
		told := 0
		for _, m := range a.Mails(t) {
			if strings.Contains(m.Text, "/my/calls\n") && strings.Contains(m.Subject, "à appeler") {
				told++
			}
		}
		if told != 2 {
			t.Fatalf("%d volunteers mailed their list, want 2", told)
		}

		// The first volunteer's list: a phone-friendly card with a tel:
		// link, the cool places and the call script.
		resp, body := a.Get(t, first, "/my/calls")
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Fatalf("my calls: %d", resp.StatusCode)
		}
		for _, want := range []string{`href="tel:&#43;33199`, "01 99 00 ", "Guide d’appel", "15 (SAMU)", "Lieux frais ouverts les plus proches", "À appeler"} {
			if !strings.Contains(body, want) {
				t.Errorf("my calls lacks %q", want)
			}
		}
		m := epiCallLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no call link\n%s", body)
		}
		callID := m[1]
		if strings.Contains(body, " style=") || strings.Contains(body, "<script>") {
			t.Error("inline style or script")
		}

		// A stranger is refused with a 404, and the attempt is audited.
		for _, try := range []func() *http.Response{
			func() *http.Response { r, _ := a.Get(t, stranger, "/my/calls/"+callID); return r },
			func() *http.Response {
				r, _ := a.PostForm(t, stranger, "/my/calls/"+callID, "outcome=fine&version=1")
				return r
			},
			func() *http.Response { r, _ := a.Get(t, staff, "/my/calls/"+callID); return r },
		} {
			if r := try(); r.StatusCode != 404 {
				t.Fatalf("someone else's call: %d", r.StatusCode)
			}
		}
		if n := epiAudits(t, a, audit.ActionSolidarityAccessDenied, callID, strangerID); n != 2 {
			t.Fatalf("%d refusals audited for the stranger", n)
		}

		// "Needs help" without saying what: refused, choice kept, summary links to the field.
		resp, body = epiOutcome(t, a, first, callID, "needs_help", "")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-help"`) ||
			!strings.Contains(body, `value="needs_help" id="outcome-needs_help" checked`) {
			t.Fatalf("needs help without help: %d\n%s", resp.StatusCode, body)
		}
		mailsBefore := len(a.Mails(t))
		resp, _ = epiOutcome(t, a, first, callID, "needs_help", "Plus de médicaments, pharmacie fermée")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/calls" {
			t.Fatalf("needs help: %d", resp.StatusCode)
		}
		var toStaff bool
		for _, m := range a.Mails(t)[mailsBefore:] {
			if strings.Contains(m.Text, "/coordination/solidarity/escalations/") {
				toStaff = true
			}
			if strings.Contains(m.Text, "médicaments") || strings.Contains(m.Text, "Odette") || strings.Contains(m.Text, "Marcel") {
				t.Fatal("a staff mail carries the person's data")
			}
		}
		if !toStaff {
			t.Fatal("coordinators not mailed")
		}
		// A form read before that call: 409, with what was typed kept.
		resp, body = a.PostForm(t, first, "/my/calls/"+callID, "outcome=fine&help=&version=1")
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `value="fine" id="field-outcome" checked`) {
			t.Fatalf("stale call form: %d", resp.StatusCode)
		}

		// The coordinator sees it first in the waiting list, opens it (the
		// card and the help text), and hands the person to the second volunteer.
		resp, body = a.Get(t, staff, "/coordination/solidarity/escalations")
		if resp.StatusCode != 200 || !strings.Contains(body, "A besoin d’aide") || !strings.Contains(body, "Popincourt") {
			t.Fatalf("waiting list: %d\n%s", resp.StatusCode, body)
		}
		esc := regexp.MustCompile(`href="/coordination/solidarity/escalations/(\d+)"`).FindStringSubmatch(body)
		if esc == nil {
			t.Fatal("no escalation link")
		}
		resp, body = a.Get(t, staff, "/coordination/solidarity/escalations/"+esc[1])
		if resp.StatusCode != 200 || !strings.Contains(body, "Plus de médicaments, pharmacie fermée") ||
			!strings.Contains(body, fmt.Sprintf(`<option value="%d"`, secondID)) {
			t.Fatalf("escalation page: %d\n%s", resp.StatusCode, body)
		}
		resp, body = a.PostForm(t, staff, "/coordination/solidarity/escalations/"+esc[1]+"/reassign", "volunteer=999999")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-volunteer"`) {
			t.Fatalf("reassign to a stranger: %d", resp.StatusCode)
		}
		_, formPage := a.Get(t, first, "/my/calls/"+callID) // open in another tab
		resp, _ = a.PostForm(t, staff, "/coordination/solidarity/escalations/"+esc[1]+"/reassign", fmt.Sprintf("volunteer=%d", secondID))
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("reassign: %d", resp.StatusCode)
		}
		if r, _ := a.Get(t, first, "/my/calls/"+callID); r.StatusCode != 404 {
			t.Fatalf("the former volunteer still sees the person: %d", r.StatusCode)
		}
		// A form they opened before: their list says so, and it is no intrusion.
		refused := epiAudits(t, a, audit.ActionSolidarityAccessDenied, callID, firstID)
		resp, body = a.PostForm(t, first, "/my/calls/"+callID, "outcome=fine&help=&version="+epiVersion.FindStringSubmatch(formPage)[1])
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "confiée à un·e autre volontaire") ||
			epiAudits(t, a, audit.ActionSolidarityAccessDenied, callID, firstID) != refused {
			t.Fatalf("a call after the reassignment: %d\n%s", resp.StatusCode, body)
		}
		if epiAudits(t, a, audit.ActionSolidarityReassigned, callID, staffID) != 1 {
			t.Fatal("reassignment not audited")
		}
		resp, _ = a.PostForm(t, staff, "/coordination/solidarity/escalations/"+esc[1]+"/reassign", fmt.Sprintf("volunteer=%d", secondID))
		if resp.StatusCode != http.StatusConflict {
			t.Fatalf("reassigning twice: %d", resp.StatusCode)
		}

		// The second volunteer tries the other person three times: escalated.
		_, body = a.Get(t, second, "/my/calls")
		var other string
		for _, x := range epiCallLink.FindAllStringSubmatch(body, -1) {
			if x[1] != callID {
				other = x[1]
			}
		}
		if other == "" {
			t.Fatalf("the second volunteer has one person only\n%s", body)
		}
		for range 3 {
			if resp, _ := epiOutcome(t, a, second, other, "not_reached", ""); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("not reached: %d", resp.StatusCode)
			}
		}
		_, body = a.Get(t, staff, "/coordination/solidarity/escalations")
		if !strings.Contains(body, "Injoignable (3 essais en 24 h)") {
			t.Fatal("three unanswered calls not escalated")
		}

		// Call intervals: refused input kept (422), saved (303), stale (409).
		resp, body = a.PostForm(t, staff, "/coordination/solidarity/intervals", "hours3=0&hours4=24&was3=48&was4=24")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-hours3"`) {
			t.Fatalf("bad interval: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := a.PostForm(t, staff, "/coordination/solidarity/intervals", "hours3=36&hours4=24&was3=48&was4=24"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("intervals: %d", resp.StatusCode)
		}
		resp, body = a.PostForm(t, staff, "/coordination/solidarity/intervals", "hours3=12&hours4=24&was3=48&was4=24")
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `value="12"`) || !strings.Contains(body, `name="was3" value="36"`) {
			t.Fatalf("stale intervals: %d\n%s", resp.StatusCode, body)
		}

		// The overview, then the end of the episode closes every card.
		resp, body = a.Get(t, staff, "/coordination/solidarity")
		if resp.StatusCode != 200 || !strings.Contains(body, "Canicule") || !strings.Contains(body, "niveau 3") {
			t.Fatalf("overview: %d\n%s", resp.StatusCode, body)
		}
		ep := regexp.MustCompile(`action="/coordination/solidarity/episodes/(\d+)/end"`).FindStringSubmatch(body)
		if ep == nil {
			t.Fatal("no end button")
		}
		if resp, _ := a.PostForm(t, staff, "/coordination/solidarity/episodes/"+ep[1]+"/end", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("end: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, staff, "/coordination/solidarity/episodes/"+ep[1]+"/end", ""); resp.StatusCode != http.StatusConflict {
			t.Fatalf("ending twice: %d", resp.StatusCode)
		}
		if r, _ := a.Get(t, second, "/my/calls/"+other); r.StatusCode != 404 {
			t.Fatalf("a call after the episode: %d", r.StatusCode)
		}
		if epiAudits(t, a, audit.ActionSolidarityAccessDenied, other, secondID) != 1 {
			t.Fatal("the refusal after the end is not audited")
		}
	})
}

// A volunteer who leaves the network during an episode: their person goes
// to another member at once (the network's hook), who sees them in "my
// calls", and coordinators are mailed.
func TestSolidarityWithdrawalReassigns(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		epiNoDemoRegistry(t, a)
		relative, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiRegister(t, a, relative, "Odette Marchal", "01 99 00 42 42")
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		leaving, _ := a.ClientAs(t, auth.RoleVolunteer)
		staying, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiJoin(t, a, leaving, "Alix Premier", "1", "48.8591", "2.3801", nil)
		epiJoin(t, a, staying, "Bea Second", "1", "48.8700", "2.3900", nil)
		if resp, body := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"},
			"district": {"11"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("alert: %d\n%s", resp.StatusCode, body)
		}
		_, body := a.Get(t, leaving, "/my/calls")
		m := epiCallLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the nearest member was not given the person\n%s", body)
		}
		mails := len(a.Mails(t))
		if resp, _ := a.PostForm(t, leaving, "/solidarity/network/withdraw", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", resp.StatusCode)
		}
		if r, _ := a.Get(t, leaving, "/my/calls/"+m[1]); r.StatusCode != 404 {
			t.Fatalf("the leaving volunteer still sees the person: %d", r.StatusCode)
		}
		if r, body := a.Get(t, staying, "/my/calls/"+m[1]); r.StatusCode != 200 || !strings.Contains(body, "Odette Marchal") {
			t.Fatalf("the other member: %d", r.StatusCode)
		}
		var told, staffTold bool
		for _, x := range a.Mails(t)[mails:] {
			told = told || strings.Contains(x.Subject, "à appeler")
			staffTold = staffTold || strings.Contains(x.Subject, "a quitté le réseau")
		}
		if !told || !staffTold {
			t.Fatalf("mails after the withdrawal: volunteer told %v, staff told %v", told, staffTold)
		}
	})
}

// A page number far past the end of the escalations or the unmatched list
// is an empty page, not a 500 (PostgreSQL refuses a negative OFFSET).
func TestSolidarityEscalationsHugePage(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		for _, path := range []string{"/coordination/solidarity/escalations", "/coordination/solidarity/unmatched"} {
			for _, page := range []string{"9223372036854775807", "184467440737095518", "1099511627776"} {
				if resp, _ := a.Get(t, staff, path+"?page="+page); resp.StatusCode != http.StatusOK {
					t.Errorf("%s page %s: %d", path, page, resp.StatusCode)
				}
			}
		}
	})
}

// A volunteer no longer available in the network whose people were not
// handed over yet (the withdrawal's hook did not run): "my calls" explains
// and shows nobody, the card is a 404, and the next Sync hands the person
// to another member.
func TestSolidarityFormerMemberSeesNobody(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		epiNoDemoRegistry(t, a)
		relative, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiRegister(t, a, relative, "Odette Marchal", "01 99 00 42 42")
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		leaving, leavingID := a.ClientAs(t, auth.RoleVolunteer)
		staying, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiJoin(t, a, leaving, "Alix Premier", "1", "48.8591", "2.3801", nil)
		epiJoin(t, a, staying, "Bea Second", "1", "48.8700", "2.3900", nil)
		if resp, body := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"},
			"district": {"11"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("alert: %d\n%s", resp.StatusCode, body)
		}
		_, body := a.Get(t, leaving, "/my/calls")
		m := epiCallLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("the nearest member was not given the person\n%s", body)
		}
		if _, err := a.DB.Exec(t.Context(), "UPDATE solidarity_members SET withdrawn_at = ? WHERE user_id = ?", db.Now(), leavingID); err != nil {
			t.Fatal(err)
		}
		if resp, body := a.Get(t, leaving, "/my/calls"); resp.StatusCode != 200 || strings.Contains(body, "Odette") ||
			!strings.Contains(body, "Vous n’êtes plus membre disponible du réseau") {
			t.Fatalf("my calls of a former member: %d\n%s", resp.StatusCode, body)
		}
		if r, _ := a.Get(t, leaving, "/my/calls/"+m[1]); r.StatusCode != 404 {
			t.Fatalf("the former member's card: %d", r.StatusCode)
		}
		if epiAudits(t, a, audit.ActionSolidarityAccessDenied, m[1], leavingID) != 1 {
			t.Fatal("the refusal is not audited")
		}
		if resp, body := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"4"}, "scope": {"districts"},
			"district": {"11"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("alert: %d\n%s", resp.StatusCode, body)
		}
		if r, body := a.Get(t, staying, "/my/calls/"+m[1]); r.StatusCode != 200 || !strings.Contains(body, "Odette Marchal") {
			t.Fatalf("the other member after the next Sync: %d", r.StatusCode)
		}
	})
}
