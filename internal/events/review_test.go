package events

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// Deleting an account frees its place for the first on the waitlist.
func TestWithdrawAllFreesPlaces(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, _ := regEvent(t, s, 1, nil)
		p := regUsers(t, d, "volunteer", 2)
		for _, a := range p {
			if _, err := s.Register(ctx, a, id, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return s.WithdrawAll(ctx, tx, p[0].UserID) }); err != nil {
			t.Fatal(err)
		}
		if c, w := regCounts(t, d, id); c != 1 || w != 0 {
			t.Errorf("after the deletion: %d confirmed, %d waitlisted", c, w)
		}
		if r, _, _ := s.store.Registration(ctx, id, p[1].UserID); r.Status != RegConfirmed {
			t.Errorf("the waitlisted person was not promoted: %s", r.Status)
		}
	})
}

// A person who cancels and registers again gets a new registration whose
// mail is queued: ids are never reused, so outbox keys never collide.
func TestReRegistrationIsMailed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, _ := regEvent(t, s, 10, nil)
		a := regUser(t, d)
		if _, err := s.Register(ctx, a, id, nil); err != nil {
			t.Fatal(err)
		}
		if err := s.CancelRegistration(ctx, a, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Register(ctx, a, id, nil); err != nil {
			t.Fatal(err)
		}
		confirmations := 0
		for _, m := range regMailsTo(t, d, a) {
			if strings.Contains(m.Subject, "Inscription confirmée") {
				confirmations++
			}
		}
		if confirmations != 2 {
			t.Errorf("%d confirmation mails, want one per registration (2)", confirmations)
		}
	})
}

// Undoing the check-in of someone who cancelled since must not lower the
// count a second time.
func TestUndoAfterCancellationKeepsTheCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, admin := regEvent(t, s, 10, nil)
		p := regUsers(t, d, "volunteer", 2)
		var regs []Registration
		for _, a := range p {
			r, err := s.Register(ctx, a, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.CheckIn(ctx, admin, id, r.Ticket, 0); err != nil {
				t.Fatal(err)
			}
			regs = append(regs, r)
		}
		if err := s.CancelRegistration(ctx, p[0], id); err != nil {
			t.Fatal(err)
		}
		if undone, err := s.UndoCheckIn(ctx, admin, id, regs[0].ID); err != nil || undone {
			t.Errorf("undo after cancelling: %v %v", undone, err)
		}
		e, _ := s.store.Get(ctx, id)
		if e.CheckedIn != 1 {
			t.Errorf("checked in = %d, want 1 (the second person)", e.CheckedIn)
		}
	})
}

// Moving an event so that a workshop falls outside it is refused; a
// registration window opening after the end is refused.
func TestEditsKeepWorkshopsInside(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, admin := regEvent(t, s, 10, nil)
		regSession(t, s, admin, id, "Atelier compost", 6, 1, 5)
		e, _ := s.store.Get(ctx, id)
		in := Input{Title: e.Title, Summary: e.Summary, Theme: e.Theme, DistrictCode: e.DistrictCode, Address: e.Address,
			StartsAt: FormatLocal(e.StartsAt), EndsAt: FormatLocal(e.StartsAt.Add(4 * time.Hour)), Capacity: "10", Version: e.Version}
		errs, err := s.Update(ctx, admin, id, in)
		if err != nil || len(errs) != 1 || errs[0].Key != "events.error.sessions_outside" {
			t.Errorf("shortening the event past a workshop: %v %v", errs, err)
		}
		in.EndsAt = FormatLocal(e.EndsAt)
		in.OpensAt = FormatLocal(e.EndsAt.Add(time.Hour))
		if errs, _ := s.Update(ctx, admin, id, in); len(errs) != 1 || errs[0].Field != "opens_at" {
			t.Errorf("registration opening after the end: %v", errs)
		}
	})
}

// Many people choosing the same workshop at once: its capacity holds.
func TestConcurrentWorkshopChoicesKeepCapacity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, admin := regEvent(t, s, 0, nil)
		sid := regSession(t, s, admin, id, "Réparer son vélo", 1, 2, 10)
		people := regUsers(t, d, "volunteer", 60)
		var wg sync.WaitGroup
		errs := make(chan error, len(people))
		for _, a := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Register(ctx, a, id, []int64{sid}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		var confirmed, waitlisted, rows int
		if err := d.QueryRow(ctx, "SELECT confirmed, waitlisted FROM event_sessions WHERE id = ?", sid).Scan(&confirmed, &waitlisted); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM event_session_choices WHERE session_id = ? AND status = ?", sid, RegConfirmed).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if confirmed != 10 || rows != 10 || waitlisted != 50 {
			t.Errorf("workshop: %d confirmed (%d rows), %d waitlisted; want 10 and 50", confirmed, rows, waitlisted)
		}
	})
}
