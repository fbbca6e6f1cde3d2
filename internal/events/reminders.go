package events

import (
	"context"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/i18n"
)

// Reminders: two mails to each confirmed participant of a published event,
// told in the city's time zone.
//
//   - "day before": on the calendar day before the event's day, from 09:00
//     (Paris) until midnight;
//   - "day of": on the event's day, from 07:00 (Paris) until the start.
//
// A window that opened before the person registered is skipped: they have
// just had their confirmation. Each mail is queued under the key
// "event-reminder:<registration>:<day-before|day-of>", which the outbox
// takes once only, so reruns, crashes and several instances running at the
// same time never send a reminder twice. Waitlisted and cancelled
// registrations, and cancelled events, get none.
const (
	ReminderDayBefore = "day-before"
	ReminderDayOf     = "day-of"

	reminderDayBeforeHour = 9
	reminderDayOfHour     = 7
	reminderBatch         = 200 // registrations per write transaction
	defaultReminderGap    = 10 * time.Minute
)

// reminderWindow is one kind of reminder due at some moment: the events
// starting in [from, to) and after now, for registrations made before
// opened.
type reminderWindow struct {
	kind         string
	from, to     time.Time
	opened, now  time.Time
	templateName string
}

// reminderWindows gives the windows open at now.
func reminderWindows(now time.Time) []reminderWindow {
	l := now.In(Paris)
	y, m, d := l.Date()
	day := func(offset, hour int) time.Time { return time.Date(y, m, d+offset, hour, 0, 0, 0, Paris).UTC() }
	var out []reminderWindow
	if opened := day(0, reminderDayBeforeHour); !now.Before(opened) {
		out = append(out, reminderWindow{kind: ReminderDayBefore, from: day(1, 0), to: day(2, 0), opened: opened, now: now,
			templateName: "reminder_day_before"})
	}
	if opened := day(0, reminderDayOfHour); !now.Before(opened) {
		out = append(out, reminderWindow{kind: ReminderDayOf, from: day(0, 0), to: day(1, 0), opened: opened, now: now,
			templateName: "reminder_day_of"})
	}
	return out
}

// reminderDue is a registration to remind.
type reminderDue struct {
	reg, user, event int64
	ticket           string
}

// reminderMail fills templates/mail/reminder_*.
type reminderMail struct {
	Name, Title, When, Where string
	Online                   bool
	OnlineURL                string
	Workshops                []reminderWorkshop
	TicketLink, EventLink    string
	Accessibility            string
}

type reminderWorkshop struct{ When, Title string }

// SendReminders queues the reminders due at now and returns how many were
// new.
func (s *Service) SendReminders(ctx context.Context, now time.Time) (int, error) {
	sent := 0
	for _, w := range reminderWindows(now.UTC().Truncate(time.Microsecond)) {
		var after int64
		for {
			due, err := s.remindersDue(ctx, w, after)
			if err != nil {
				return sent, err
			}
			if len(due) == 0 {
				break
			}
			n, err := s.remindBatch(ctx, w, due)
			sent += n
			if err != nil {
				return sent, err
			}
			if len(due) < reminderBatch {
				break
			}
			after = due[len(due)-1].reg
		}
	}
	return sent, nil
}

func (s *Service) remindersDue(ctx context.Context, w reminderWindow, after int64) ([]reminderDue, error) {
	rows, err := s.DB.Query(ctx, `SELECT r.id, r.user_id, r.event_id, r.ticket FROM event_registrations r JOIN events e ON e.id = r.event_id
		WHERE e.status = ? AND e.starts_at >= ? AND e.starts_at < ? AND e.starts_at > ?
		AND r.status = ? AND r.created_at < ? AND r.id > ? ORDER BY r.id LIMIT ?`,
		string(Published), w.from, w.to, w.now, RegConfirmed, w.opened, after, reminderBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reminderDue
	for rows.Next() {
		var d reminderDue
		if err := rows.Scan(&d.reg, &d.user, &d.event, &d.ticket); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// remindBatch renders outside the write transaction, which only queues.
func (s *Service) remindBatch(ctx context.Context, w reminderWindow, due []reminderDue) (int, error) {
	users := make([]int64, 0, len(due))
	regs := make([]any, 0, len(due)+1)
	events := map[int64]Event{}
	for _, d := range due {
		users = append(users, d.user)
		regs = append(regs, d.reg)
		if _, ok := events[d.event]; !ok {
			e, err := s.store.Get(ctx, d.event)
			if err != nil {
				return 0, err
			}
			events[d.event] = e
		}
	}
	contacts, err := s.People.Contacts(ctx, users)
	if err != nil {
		return 0, err
	}
	byUser := make(map[int64]volunteers.Contact, len(contacts))
	for _, c := range contacts {
		byUser[c.UserID] = c
	}
	// The workshops each person holds a place in.
	chosen := map[int64][]Session{}
	rows, err := s.DB.Query(ctx, `SELECT c.registration_id, s.title, s.starts_at FROM event_session_choices c
		JOIN event_sessions s ON s.id = c.session_id WHERE c.registration_id IN (`+calPlaceholders(len(regs))+`) AND c.status = ?
		ORDER BY s.starts_at, s.position, s.id`, append(regs, RegConfirmed)...)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var reg int64
		var x Session
		if err := rows.Scan(&reg, &x.Title, &x.StartsAt); err != nil {
			rows.Close()
			return 0, err
		}
		chosen[reg] = append(chosen[reg], x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return 0, err
	}
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	jobs := make([]outbox.Job, 0, len(due))
	for _, d := range due {
		c, ok := byUser[d.user]
		if !ok || c.Email == "" {
			continue // suspended or deleted: nothing to send
		}
		e := events[d.event]
		data := reminderMail{Name: c.Name, Title: e.Title, When: i18n.FormatDateTime(c.Lang, e.StartsAt, Paris),
			Where: placeText(e, names), Online: e.OnlineURL != "", OnlineURL: e.OnlineURL, Accessibility: e.Accessibility,
			TicketLink: s.BaseURL + "/tickets/" + d.ticket, EventLink: s.BaseURL + "/events/" + strconv.FormatInt(e.ID, 10)}
		for _, x := range chosen[d.reg] {
			data.Workshops = append(data.Workshops, reminderWorkshop{When: i18n.FormatDateTime(c.Lang, x.StartsAt, Paris), Title: x.Title})
		}
		m, err := s.mails.Render(w.templateName, c.Lang, data)
		if err != nil {
			return 0, err
		}
		m.To = c.Email
		jobs = append(jobs, outbox.Job{Kind: outbox.KindEmail, Payload: m,
			Key: "event-reminder:" + strconv.FormatInt(d.reg, 10) + ":" + w.kind})
	}
	if len(jobs) == 0 {
		return 0, nil
	}
	created := 0
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		n, err := outbox.EnqueueMany(ctx, tx, jobs)
		created = n
		if err == nil && n > 0 && s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return err
	})
	return created, err
}

// placeText is where an event happens, in words: its address and district.
func placeText(e Event, districtNames map[string]string) string {
	name := districtNames[e.DistrictCode]
	switch {
	case e.Address != "" && name != "":
		return e.Address + " (" + name + ")"
	case e.Address != "":
		return e.Address
	}
	return name
}

// RunReminders sends reminders now and then every period until ctx ends.
// Errors are logged and retried at the next tick; the log never names
// people.
func (s *Service) RunReminders(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = defaultReminderGap
	}
	s.Log.Info("event reminders started", "every", every.String())
	defer s.Log.Info("event reminders stopped")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.SendReminders(ctx, time.Now())
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			s.Log.Error("event reminders failed", "err", err, "queued", n)
		} else if n > 0 {
			s.Log.Info("event reminders queued", "mails", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
