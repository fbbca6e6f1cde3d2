package events

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/web/webtest"
)

func TestCalendarFeeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := calSetup(t, d)
		site := calSite(t, s)
		soon := db.Now().Add(72 * time.Hour).Truncate(time.Hour)
		garden := calEvent(t, d, calEv{Title: "Jardin partagé, semis", District: "11", Address: "12 rue Oberkampf", Theme: "greening", Start: soon})
		energy := calEvent(t, d, calEv{Title: "Fresque de l'énergie", District: "20", Theme: "energy", Start: soon.Add(24 * time.Hour)})
		off := calEvent(t, d, calEv{Title: "Annulé", District: "11", Theme: "greening", Status: Cancelled, Start: soon.Add(48 * time.Hour)})
		draft := calEvent(t, d, calEv{Title: "Brouillon", District: "11", Status: Draft, Start: soon})
		old := calEvent(t, d, calEv{Title: "Il y a longtemps", District: "11", Start: db.Now().Add(-60 * 24 * time.Hour)})
		ws := calSession(t, d, garden, "Semis", soon, soon.Add(time.Hour), 10)

		// One event, with its workshop.
		w := webtest.Do(t, site, "GET", "/events/"+strconv.FormatInt(garden, 10)+"/event.ics", nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/calendar; charset=utf-8" ||
			!strings.Contains(w.Header().Get("Content-Disposition"), `filename="event-`+strconv.FormatInt(garden, 10)+`.ics"`) {
			t.Fatalf("event.ics: %d %v", w.Code, w.Header())
		}
		evs := calEvents(calParse(t, w.Body.String()))
		if len(evs) != 2 || evs[0]["UID"].Value != "event-"+strconv.FormatInt(garden, 10)+"@volontaires.example" ||
			evs[1]["UID"].Value != "session-"+strconv.FormatInt(ws, 10)+"@volontaires.example" {
			t.Fatalf("event.ics events: %v", evs)
		}
		ev := evs[0]
		for name, want := range map[string]string{"SUMMARY": `Jardin partagé\, semis`, "STATUS": "CONFIRMED", "SEQUENCE": "1",
			"URL": "https://volontaires.example/events/" + strconv.FormatInt(garden, 10), "CATEGORIES": "Végétalisation et biodiversité",
			"LOCATION": "12 rue Oberkampf (Popincourt)"} {
			if ev[name].Value != want {
				t.Errorf("%s = %q, want %q", name, ev[name].Value, want)
			}
		}
		if ev["DTSTART"].Params["TZID"] != "Europe/Paris" || ev["DTSTART"].Value != soon.In(Paris).Format("20060102T150405") {
			t.Errorf("DTSTART %v", ev["DTSTART"])
		}
		calDecode(t, w.Body.String(), 2)
		if w := webtest.Do(t, site, "GET", "/events/"+strconv.FormatInt(draft, 10)+"/event.ics", nil); w.Code != 404 {
			t.Errorf("a draft's event.ics: %d", w.Code)
		}
		if w := webtest.Do(t, site, "GET", "/events/"+strconv.FormatInt(off, 10)+"/event.ics", nil); w.Code != 200 ||
			!strings.Contains(w.Body.String(), "STATUS:CANCELLED") {
			t.Errorf("a cancelled event's event.ics: %d", w.Code)
		}

		feed := func(query string) []string {
			t.Helper()
			w := webtest.Do(t, site, "GET", "/events/calendar.ics"+query, nil)
			if w.Code != 200 || w.Header().Get("Content-Type") != "text/calendar; charset=utf-8" {
				t.Fatalf("calendar.ics%s: %d", query, w.Code)
			}
			calDecode(t, w.Body.String(), -1)
			var uids []string
			for _, e := range calEvents(calParse(t, w.Body.String())) {
				uids = append(uids, strings.TrimSuffix(e["UID"].Value, "@volontaires.example"))
			}
			return uids
		}
		id := func(p string, n int64) string { return p + "-" + strconv.FormatInt(n, 10) }
		calSame(t, "all", feed(""), id("event", garden), id("session", ws), id("event", energy), id("event", off))
		calSame(t, "district 20", feed("?district=20"), id("event", energy))
		calSame(t, "greening", feed("?theme=greening"), id("event", garden), id("session", ws), id("event", off))
		calSame(t, "both", feed("?theme=energy&district=11"))
		_ = old
		for _, q := range []string{"?theme=weather", "?district=99"} {
			w := webtest.Do(t, site, "GET", "/events/calendar.ics"+q, nil)
			if w.Code != 400 || !strings.Contains(w.Body.String(), "/events/calendar.ics?district=11") {
				t.Errorf("calendar.ics%s: %d", q, w.Code)
			}
		}
	})
}

// calDecode has go-ical read body; want events, or any number when -1.
func calDecode(t *testing.T, body string, want int) *goical.Calendar {
	t.Helper()
	cal, err := goical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read it: %v", err)
	}
	evs := cal.Events()
	if want >= 0 && len(evs) != want {
		t.Errorf("go-ical reads %d events, want %d", len(evs), want)
	}
	for _, e := range evs {
		if _, err := e.DateTimeStart(nil); err != nil {
			t.Errorf("DTSTART: %v", err)
		}
	}
	return cal
}

func calSame(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
}

var calTokenURL = regexp.MustCompile(`https://volontaires\.example/events/my\.ics\?token=([A-Za-z0-9_-]+)`)

func TestMyCalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := calSetup(t, d)
		site := calSite(t, s)
		ann, bob := calUser(t, d), calUser(t, d)
		soon := db.Now().Add(72 * time.Hour).Truncate(time.Hour)
		day := calEvent(t, d, calEv{Title: "Journée climat", District: "11", Start: soon, End: soon.Add(8 * time.Hour)})
		morning := calSession(t, d, day, "Atelier du matin", soon, soon.Add(2*time.Hour), 20)
		noon := calSession(t, d, day, "Atelier de midi", soon.Add(3*time.Hour), soon.Add(4*time.Hour), 20)
		calSession(t, d, day, "Atelier du soir", soon.Add(5*time.Hour), soon.Add(6*time.Hour), 20)
		full := calEvent(t, d, calEv{Title: "Complet", District: "11", Start: soon.Add(24 * time.Hour)})
		left := calEvent(t, d, calEv{Title: "Quitté", District: "11", Start: soon.Add(48 * time.Hour)})
		other := calEvent(t, d, calEv{Title: "Celui de Bob", District: "11", Start: soon.Add(48 * time.Hour)})
		reg, _ := calRegister(t, d, day, ann, RegConfirmed, db.Now())
		calChoose(t, d, reg, morning, RegConfirmed)
		calChoose(t, d, reg, noon, RegWaitlisted)
		calRegister(t, d, full, ann, RegWaitlisted, db.Now())
		calRegister(t, d, left, ann, RegCancelled, db.Now())
		calRegister(t, d, other, bob, RegConfirmed, db.Now())

		as := func(user int64) []string { return []string{"X-Cal-User", strconv.FormatInt(user, 10)} }
		w := webtest.Do(t, site, "GET", "/events/my/calendar", nil, as(ann)...)
		if w.Code != 200 || calTokenURL.MatchString(w.Body.String()) || !strings.Contains(w.Body.String(), `action="/events/my/calendar/reset"`) {
			t.Fatalf("page before any address: %d", w.Code)
		}
		reset := func(user int64) string {
			t.Helper()
			w := webtest.Do(t, site, "POST", "/events/my/calendar/reset", nil, as(user)...)
			m := calTokenURL.FindStringSubmatch(w.Body.String())
			if w.Code != 200 || m == nil || w.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("reset: %d, %v", w.Code, w.Header())
			}
			return m[1]
		}
		token := reset(ann)
		bobToken := reset(bob)
		var stored string
		if err := d.QueryRow(ctx, "SELECT token_hash FROM event_calendar_tokens WHERE user_id = ?", ann).Scan(&stored); err != nil ||
			stored == token || stored != hashCalendarToken(token) {
			t.Errorf("stored %q for token %q (%v)", stored, token, err)
		}
		// The page no longer shows it.
		if w := webtest.Do(t, site, "GET", "/events/my/calendar", nil, as(ann)...); calTokenURL.MatchString(w.Body.String()) {
			t.Errorf("the address is shown again")
		}

		w = webtest.Do(t, site, "GET", "/events/my.ics?token="+url.QueryEscape(token), nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/calendar; charset=utf-8" ||
			!strings.HasPrefix(w.Header().Get("Cache-Control"), "private") {
			t.Fatalf("my.ics: %d %v", w.Code, w.Header())
		}
		calDecode(t, w.Body.String(), 4)
		evs := calEvents(calParse(t, w.Body.String()))
		var got []string
		for _, e := range evs {
			got = append(got, calUnescape(e["SUMMARY"].Value)+"|"+e["STATUS"].Value)
		}
		calSame(t, "ann's calendar", got, "Journée climat|CONFIRMED", "Atelier du matin · Journée climat|CONFIRMED",
			"Liste d'attente : Atelier de midi · Journée climat|TENTATIVE", "Liste d'attente : Complet|TENTATIVE")
		if strings.Contains(w.Body.String(), "Bob") || strings.Contains(w.Body.String(), "Quitté") || strings.Contains(w.Body.String(), "soir") {
			t.Errorf("ann's calendar shows what is not hers")
		}
		w = webtest.Do(t, site, "GET", "/events/my.ics?token="+url.QueryEscape(bobToken), nil)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "Celui de Bob") || strings.Contains(w.Body.String(), "Journée") {
			t.Errorf("bob's calendar: %d", w.Code)
		}
		for _, bad := range []string{"", "nope", strings.Repeat("A", 43), stored} {
			if w := webtest.Do(t, site, "GET", "/events/my.ics?token="+url.QueryEscape(bad), nil); w.Code != 404 {
				t.Errorf("token %q: %d", bad, w.Code)
			}
		}
		// A new address retires the old one.
		fresh := reset(ann)
		if w := webtest.Do(t, site, "GET", "/events/my.ics?token="+token, nil); w.Code != 404 {
			t.Errorf("old token after reset: %d", w.Code)
		}
		if w := webtest.Do(t, site, "GET", "/events/my.ics?token="+fresh, nil); w.Code != 200 {
			t.Errorf("new token: %d", w.Code)
		}
		if w := webtest.Do(t, site, "GET", "/events/my/calendar", nil); w.Code != http.StatusUnauthorized {
			t.Errorf("page for a visitor: %d", w.Code)
		}
	})
}
