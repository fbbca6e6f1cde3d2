package app_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/events"
)

var calendarTokenRe = regexp.MustCompile(`/events/my\.ics\?token=([A-Za-z0-9_-]+)`)

// The calendars, the private address and the API through the whole app, and
// reminders mailed through the outbox.
func TestEventCalendarsThroughTheApp(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		ctx := t.Context()
		vol, volID := a.ClientAs(t, auth.RoleVolunteer)
		visitor := a.Client(t)
		start := time.Date(2030, 6, 10, 15, 0, 0, 0, events.Paris)
		now := db.Now()
		var id int64
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRow(ctx, `INSERT INTO events (title, summary, theme, owner_kind, district_code, address, starts_at, ends_at,
				capacity, confirmed, status, created_at, updated_at, published_at) VALUES ('Plantation; rue, Oberkampf', 'Planter', 'greening', 'city', '11',
				'12 rue Oberkampf', ?, ?, 20, 1, 'published', ?, ?, ?) RETURNING id`, start.UTC(), start.Add(2*time.Hour).UTC(), now, now, now).Scan(&id); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
				VALUES (?, ?, 'confirmed', 'calAppTicket0001', ?, ?)`, id, volID, now.Add(-time.Hour), now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		sid := strconv.FormatInt(id, 10)

		resp, body := a.Get(t, visitor, "/events/"+sid+"/event.ics")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" ||
			!strings.Contains(resp.Header.Get("Content-Disposition"), "event-"+sid+".ics") ||
			!strings.Contains(body, "\r\nSUMMARY:Plantation\\; rue\\, Oberkampf\r\n") ||
			!strings.Contains(body, "\r\nDTSTART;TZID=Europe/Paris:20300610T150000\r\n") {
			t.Fatalf("event.ics: %d %v\n%s", resp.StatusCode, resp.Header, body)
		}
		if resp, body := a.Get(t, visitor, "/events/calendar.ics?district=11&theme=greening"); resp.StatusCode != 200 || !strings.Contains(body, "UID:event-"+sid+"@") {
			t.Errorf("feed: %d", resp.StatusCode)
		}
		if resp, body := a.Get(t, visitor, "/events/calendar.ics?district=12"); resp.StatusCode != 200 || strings.Contains(body, "UID:event-"+sid+"@") {
			t.Errorf("feed of the 12th: %d", resp.StatusCode)
		}
		if resp, body := a.Get(t, visitor, "/events/calendar.ics?theme=weather"); resp.StatusCode != 400 || !strings.Contains(body, `href="/events/calendar.ics?theme=energy"`) {
			t.Errorf("unknown theme: %d", resp.StatusCode)
		}

		// The private address: shown once, after a reset.
		if resp, body := a.Get(t, vol, "/events/my/calendar"); resp.StatusCode != 200 || calendarTokenRe.MatchString(body) {
			t.Fatalf("my calendar page: %d", resp.StatusCode)
		}
		resp, body = a.PostForm(t, vol, "/events/my/calendar/reset", "")
		m := calendarTokenRe.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "webcal://") {
			t.Fatalf("reset: %d %v %v\n%s", resp.StatusCode, m, resp.Header, body)
		}
		resp, body = a.Get(t, visitor, "/events/my.ics?token="+m[1])
		if resp.StatusCode != 200 || !strings.Contains(body, "UID:event-"+sid+"@") || resp.Header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("my.ics: %d\n%s", resp.StatusCode, body)
		}
		a.PostForm(t, vol, "/events/my/calendar/reset", "")
		if resp, _ := a.Get(t, visitor, "/events/my.ics?token="+m[1]); resp.StatusCode != 404 {
			t.Errorf("old address after a reset: %d", resp.StatusCode)
		}

		// The API.
		if resp, body := a.Get(t, visitor, "/api/v1/events?district=11&from=2030-06-10&to=2030-06-10"); resp.StatusCode != 200 ||
			!strings.Contains(body, `"starts_at": "2030-06-10T15:00:00+02:00"`) || !strings.Contains(body, `"places_left": 19`) {
			t.Errorf("API: %d %s", resp.StatusCode, body)
		}

		// Reminders, through the outbox, once.
		day := time.Date(2030, 6, 9, 10, 0, 0, 0, events.Paris)
		for i, want := range []int{1, 0} {
			if n, err := a.Events.SendReminders(ctx, day); err != nil || n != want {
				t.Fatalf("reminders run %d: %d, %v", i+1, n, err)
			}
		}
		found := false
		for _, mail := range a.Mails(t) {
			if strings.Contains(mail.Text, "/tickets/calAppTicket0001") && strings.Contains(mail.Text, "/events/"+sid) {
				found = true
			}
		}
		if !found {
			t.Errorf("no reminder with the ticket link in the outbox")
		}
	})
}
