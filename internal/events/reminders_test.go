package events

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// calReminders lists the queued reminders: key -> mail text.
func calReminders(t *testing.T, d *db.DB) map[string]string {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT idempotency_key, payload FROM outbox_jobs WHERE idempotency_key LIKE 'event-reminder:%'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var key, payload string
		if err := rows.Scan(&key, &payload); err != nil {
			t.Fatal(err)
		}
		var m struct{ To, Subject, Text string }
		if err := json.Unmarshal([]byte(payload), &m); err != nil {
			t.Fatal(err)
		}
		out[key] = m.Subject + "\n" + m.Text
	}
	return out
}

func calKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := calSetup(t, d)
		long := calParis(2027, 6, 1, 12, 0) // registrations made well before
		tomorrow := calEvent(t, d, calEv{Title: "Plantation", District: "11", Address: "Square Maurice-Gardette", Start: calParis(2027, 6, 10, 15, 0)})
		today := calEvent(t, d, calEv{Title: "Fresque", District: "20", Start: calParis(2027, 6, 9, 18, 0)})
		called := calEvent(t, d, calEv{Title: "Annulé", District: "11", Status: Cancelled, Start: calParis(2027, 6, 10, 10, 0)})
		later := calEvent(t, d, calEv{Title: "Plus tard", District: "11", Start: calParis(2027, 6, 12, 10, 0)})
		ws := calSession(t, d, tomorrow, "Atelier outils", calParis(2027, 6, 10, 15, 0), calParis(2027, 6, 10, 16, 0), 5)

		u := func() int64 { return calUser(t, d) }
		a, b, c, w, x, late, p := u(), u(), u(), u(), u(), u(), u()
		regA, ticketA := calRegister(t, d, tomorrow, a, RegConfirmed, long)
		calChoose(t, d, regA, ws, RegConfirmed)
		regB, _ := calRegister(t, d, today, b, RegConfirmed, long)
		calRegister(t, d, tomorrow, c, RegCancelled, long)
		calRegister(t, d, tomorrow, w, RegWaitlisted, long)
		calRegister(t, d, called, x, RegConfirmed, long)
		calRegister(t, d, later, p, RegConfirmed, long)
		// Registered at 09:30 on the day before: the confirmation was
		// enough, no "day before" reminder an hour later.
		calRegister(t, d, tomorrow, late, RegConfirmed, calParis(2027, 6, 9, 9, 30))

		key := func(reg int64, kind string) string {
			return "event-reminder:" + strconv.FormatInt(reg, 10) + ":" + kind
		}
		// 08:00 on the 9th: the "day of" window is open (from 07:00), the
		// "day before" one not yet (from 09:00).
		n, err := s.SendReminders(ctx, calParis(2027, 6, 9, 8, 0))
		if err != nil || n != 1 {
			t.Fatalf("08:00: %d, %v", n, err)
		}
		calSame(t, "08:00", calKeys(calReminders(t, d)), key(regB, ReminderDayOf))

		// 10:00: the day-before reminder for tomorrow; twice, still once.
		for i := range 2 {
			n, err := s.SendReminders(ctx, calParis(2027, 6, 9, 10, 0))
			want := 1
			if i == 1 {
				want = 0
			}
			if err != nil || n != want {
				t.Fatalf("10:00 run %d: %d, %v", i+1, n, err)
			}
		}
		mails := calReminders(t, d)
		calSame(t, "10:00", calKeys(mails), key(regA, ReminderDayBefore), key(regB, ReminderDayOf))
		text := mails[key(regA, ReminderDayBefore)]
		words := []string{"Demain : Plantation", "demain : 10 juin 2027, 15:00", "- 10 juin 2027, 15:00 : Atelier outils"}
		if a%2 == 0 { // calPeople: even ids read English
			words = []string{"Tomorrow: Plantation", "tomorrow: 10 Jun 2027, 15:00", "- 10 Jun 2027, 15:00: Atelier outils"}
		}
		for _, want := range append(words, "https://volontaires.example/tickets/"+ticketA,
			"https://volontaires.example/events/"+strconv.FormatInt(tomorrow, 10), "Square Maurice-Gardette (Popincourt)") {
			if !strings.Contains(text, want) {
				t.Errorf("day-before mail lacks %q:\n%s", want, text)
			}
		}

		// 18:30 on the 9th: the event of the day has started, nothing more.
		if n, err := s.SendReminders(ctx, calParis(2027, 6, 9, 18, 30)); err != nil || n != 0 {
			t.Errorf("18:30: %d, %v", n, err)
		}
		// 07:00 on the 10th: the day-of reminders of the 10th, including
		// the late registrant's; never for waitlisted, cancelled people or
		// cancelled events.
		if n, err := s.SendReminders(ctx, calParis(2027, 6, 10, 7, 0)); err != nil || n != 2 {
			t.Errorf("07:00 on the 10th: %d, %v", n, err)
		}
		if n, err := s.SendReminders(ctx, calParis(2027, 6, 10, 7, 10)); err != nil || n != 0 {
			t.Errorf("rerun: %d, %v", n, err)
		}
		got := calKeys(calReminders(t, d))
		if len(got) != 4 {
			t.Errorf("reminders: %v", got)
		}
		for _, k := range got {
			if strings.HasSuffix(k, ":"+ReminderDayBefore) && k != key(regA, ReminderDayBefore) {
				t.Errorf("unexpected %s", k)
			}
		}
		var bad int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM outbox_jobs j WHERE j.idempotency_key LIKE 'event-reminder:%' AND j.payload LIKE '%Annulé%'`).Scan(&bad)
		if bad != 0 {
			t.Errorf("a cancelled event was reminded")
		}
	})
}

// Reminder windows are days in Paris, whatever the offset of the day.
func TestReminderWindows(t *testing.T) {
	// 10:00 on 27 March 2027 (CET); the event day is the 28th, 23 hours
	// long.
	ws := reminderWindows(calParis(2027, 3, 27, 10, 0))
	if len(ws) != 2 || ws[0].kind != ReminderDayBefore {
		t.Fatalf("%v", ws)
	}
	if ws[0].from != calParis(2027, 3, 28, 0, 0) || ws[0].to != calParis(2027, 3, 29, 0, 0) || ws[0].to.Sub(ws[0].from) != 23*time.Hour {
		t.Errorf("day before: %v to %v", ws[0].from, ws[0].to)
	}
	if len(reminderWindows(calParis(2027, 3, 27, 6, 59))) != 0 {
		t.Errorf("windows open before 07:00")
	}
}
