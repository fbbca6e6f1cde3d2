package registry

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/i18n"
)

// The season's end: registrants are asked to renew RenewalWindow before it,
// and entries left expired for PurgeGrace are erased.

const (
	reminderBatch    = 200
	defaultPurgeTick = time.Hour
)

// renewalMail fills templates/mail/renewal.*: no personal data of the
// registered person, only the entry's number, its end and where to renew.
type renewalMail struct {
	Name string // the registrant's own name
	ID   int64
	Ends string
	Link string
}

type reminderDue struct {
	id, user int64
	ends     time.Time
}

// SendRenewalReminders mails the registrants of entries entering their
// renewal window, once per entry and season (the mark is cleared by a
// renewal; the outbox key stops a second mail if a mark is lost). Entries
// coordinators took on the phone have no registrant to mail: the
// coordinators' list shows them as expiring. It returns how many mails
// were queued.
func (s *Service) SendRenewalReminders(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC()
	sent := 0
	var after int64
	for {
		due, err := s.remindersDue(ctx, now, after)
		if err != nil || len(due) == 0 {
			return sent, err
		}
		n, err := s.remindBatch(ctx, now, due)
		sent += n
		if err != nil || len(due) < reminderBatch {
			return sent, err
		}
		after = due[len(due)-1].id
	}
}

func (s *Service) remindersDue(ctx context.Context, now time.Time, after int64) ([]reminderDue, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, registered_by, season_ends_at FROM registry_people
		WHERE reminded_at IS NULL AND season_ends_at > ? AND season_ends_at <= ? AND registered_by IS NOT NULL
		AND registered_as <> ? AND id > ? ORDER BY id LIMIT ?`,
		now, now.Add(RenewalWindow), RelationStaff, after, reminderBatch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reminderDue
	for rows.Next() {
		var d reminderDue
		if err := rows.Scan(&d.id, &d.user, &d.ends); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// remindBatch renders outside the write transaction, which marks each
// entry if it still ends when it was read (a renewal meanwhile moved the
// end and rearmed the reminder) and queues the mails of those it marked.
func (s *Service) remindBatch(ctx context.Context, now time.Time, due []reminderDue) (int, error) {
	users := make([]int64, 0, len(due))
	for _, d := range due {
		users = append(users, d.user)
	}
	var contacts []volunteers.Contact
	if s.People != nil {
		var err error
		if contacts, err = s.People.Contacts(ctx, users); err != nil {
			return 0, err
		}
	}
	byUser := make(map[int64]volunteers.Contact, len(contacts))
	for _, c := range contacts {
		byUser[c.UserID] = c
	}
	mails := make(map[int64]outbox.Job, len(due))
	for _, d := range due {
		c, ok := byUser[d.user]
		if !ok || c.Email == "" {
			continue // suspended or deleted: the entry is marked all the same
		}
		id := strconv.FormatInt(d.id, 10)
		m, err := s.mails.Render("renewal", c.Lang, renewalMail{Name: c.Name, ID: d.id,
			Ends: i18n.FormatDateTime(c.Lang, d.ends, Paris), Link: s.BaseURL + "/my/registry/" + id})
		if err != nil {
			return 0, err
		}
		m.To = c.Email
		mails[d.id] = outbox.Job{Kind: outbox.KindEmail, Payload: m,
			Key: "registry-renewal:" + id + ":" + strconv.FormatInt(d.ends.Unix(), 10)}
	}
	created := 0
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var jobs []outbox.Job
		for _, d := range due {
			res, err := tx.Exec(ctx, "UPDATE registry_people SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL AND season_ends_at = ?",
				now, d.id, d.ends)
			if err != nil {
				return err
			}
			marked, err := res.RowsAffected()
			if err != nil {
				return err
			}
			if job, ok := mails[d.id]; ok && marked > 0 {
				jobs = append(jobs, job)
			}
		}
		if len(jobs) == 0 {
			return nil
		}
		n, err := outbox.EnqueueMany(ctx, tx, jobs)
		if err != nil {
			return err
		}
		created = n
		if n > 0 && s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return nil
	})
	return created, err
}

// Purge erases the entries expired for more than PurgeGrace at now (with
// OnErase, as a withdrawal does) and records how many in the audit log
// (nothing when there were none). It returns the count.
func (s *Service) Purge(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.UTC().Add(-PurgeGrace)
	var n int
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		ids, err := expiredIDs(ctx, tx, cutoff)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := s.erase(ctx, tx, ids); err != nil {
			return err
		}
		n = len(ids)
		return audit.Record(ctx, tx, audit.Entry{Action: audit.ActionRegistryPurged, TargetType: "registry_person",
			Detail: fmt.Sprintf("%d entries expired before %s erased", n, cutoff.In(Paris).Format("2006-01-02 15:04"))})
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// RunPurge sends renewal reminders and purges expired entries now and then
// every period (an hour when 0) until ctx ends. Errors are logged and
// retried at the next tick; the log never names people.
func (s *Service) RunPurge(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = defaultPurgeTick
	}
	s.Log.Info("registry season jobs started", "every", every.String())
	defer s.Log.Info("registry season jobs stopped")
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		now := s.now()
		if n, err := s.SendRenewalReminders(ctx, now); err != nil && ctx.Err() == nil {
			s.Log.Error("registry renewal reminders failed", "err", err, "queued", n)
		} else if n > 0 {
			s.Log.Info("registry renewal reminders queued", "mails", n)
		}
		if n, err := s.Purge(ctx, now); err != nil && ctx.Err() == nil {
			s.Log.Error("registry purge failed", "err", err)
		} else if n > 0 {
			s.Log.Info("registry entries purged", "count", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
