package registry

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

func TestRenewal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		id := e.create(t, owner, ScopeMine, person(1))
		end27 := time.Date(2027, 9, 15, 23, 59, 59, 0, Paris)

		// Months before the end: nothing to renew yet.
		if _, err := e.svc.Renew(ctx, owner, ScopeMine, id, true); !errors.Is(err, ErrNotDue) {
			t.Fatalf("renewal in November: %v", err)
		}
		e.clock.set(time.Date(2027, 8, 20, 9, 0, 0, 0, Paris))
		if errs, err := e.svc.Renew(ctx, owner, ScopeMine, id, false); err != nil || !hasField(errs, "renew_consent", "registry.error.consent") {
			t.Fatalf("renewal without consent: %v %v", errs, err)
		}
		got, _ := e.svc.Facts(ctx, owner, ScopeMine, id)
		if !got.SeasonEndsAt.Equal(end27) {
			t.Fatalf("a refused renewal moved the end to %v", got.SeasonEndsAt)
		}
		if errs, err := e.svc.Renew(ctx, owner, ScopeMine, id, true); err != nil || len(errs) > 0 {
			t.Fatalf("renewal: %v %v", errs, err)
		}
		got, _ = e.svc.Facts(ctx, owner, ScopeMine, id)
		if want := time.Date(2028, 9, 15, 23, 59, 59, 0, Paris); !got.SeasonEndsAt.Equal(want) || got.Version != 2 ||
			!got.ConsentAt.Equal(e.clock.now()) || got.StatusAt(e.clock.now()) != Active {
			t.Errorf("after renewal: ends %v, v%d, consent %v", got.SeasonEndsAt, got.Version, got.ConsentAt)
		}
		// A second click is not a second year.
		if _, err := e.svc.Renew(ctx, owner, ScopeMine, id, true); !errors.Is(err, ErrNotDue) {
			t.Errorf("second renewal: %v", err)
		}
		if n := e.audits(t, audit.ActionRegistryRenewed); n != 1 {
			t.Errorf("%d renewals audited", n)
		}
		// An expired entry may still be renewed, until the purge.
		e.setEnd(t, id, e.clock.now().Add(-24*time.Hour))
		if errs, err := e.svc.Renew(ctx, owner, ScopeMine, id, true); err != nil || len(errs) > 0 {
			t.Fatalf("late renewal: %v %v", errs, err)
		}
	})
}

func TestRenewalReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, coord := e.user(t, "volunteer"), e.user(t, "coordinator")
		soon := e.create(t, owner, ScopeMine, person(1))
		later := e.create(t, owner, ScopeMine, person(2))
		byPhone := e.create(t, coord, ScopeStaff, person(3))
		e.setEnd(t, soon, start.Add(20*24*time.Hour))
		e.setEnd(t, byPhone, start.Add(20*24*time.Hour))
		e.setEnd(t, later, start.Add(40*24*time.Hour))

		n, err := e.svc.SendRenewalReminders(ctx, start)
		if err != nil || n != 1 {
			t.Fatalf("reminders: %d, %v", n, err)
		}
		if n, err := e.svc.SendRenewalReminders(ctx, start.Add(time.Hour)); err != nil || n != 0 {
			t.Errorf("second run: %d, %v", n, err)
		}
		jobs, err := outbox.List(ctx, d, "", 10, 0)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("%d jobs, %v", len(jobs), err)
		}
		m, ok := jobs[0].Email()
		if !ok || m.To != "user"+strconv.FormatInt(owner.UserID, 10)+"@example.org" {
			t.Fatalf("mail %+v", m)
		}
		if !strings.Contains(m.Text, "https://example.org/my/registry/"+strconv.FormatInt(soon, 10)) || !strings.Contains(m.Subject, strconv.FormatInt(soon, 10)) {
			t.Errorf("mail without its link:\n%s", m.Text)
		}
		for _, personal := range []string{"Lefebvre", "Cascades", "01 99", "+33", "Infirmière", "Paul"} {
			if strings.Contains(m.Subject+m.Text, personal) {
				t.Errorf("%q in the renewal mail", personal)
			}
		}
		// 40 days out, it comes once the window opens; a renewal rearms it.
		if n, _ := e.svc.SendRenewalReminders(ctx, start.Add(11*24*time.Hour)); n != 1 {
			t.Errorf("later entry: %d mails", n)
		}
		e.clock.set(start.Add(11 * 24 * time.Hour))
		if _, err := e.svc.Renew(ctx, owner, ScopeMine, soon, true); err != nil {
			t.Fatal(err)
		}
		var reminded *time.Time
		if err := d.QueryRow(ctx, "SELECT reminded_at FROM registry_people WHERE id = ?", soon).Scan(&reminded); err != nil || reminded != nil {
			t.Errorf("renewal left the reminder mark: %v %v", reminded, err)
		}
	})
}

func TestPurgeErasesExpiredEntries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		old := e.create(t, owner, ScopeMine, person(1))
		recent := e.create(t, owner, ScopeMine, person(2))
		valid := e.create(t, owner, ScopeMine, person(3))
		e.setEnd(t, old, start.Add(-PurgeGrace-time.Hour))
		e.setEnd(t, recent, start.Add(-PurgeGrace+time.Hour))

		n, err := e.svc.Purge(ctx, start)
		if err != nil || n != 1 {
			t.Fatalf("purge: %d, %v", n, err)
		}
		var left []int64
		rows, _ := d.Query(ctx, "SELECT id FROM registry_people ORDER BY id")
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			left = append(left, id)
		}
		rows.Close()
		if len(left) != 2 || left[0] != recent || left[1] != valid {
			t.Errorf("left after the purge: %v", left)
		}
		var detail string
		if err := d.QueryRow(ctx, "SELECT detail FROM audit_log WHERE action = ?", audit.ActionRegistryPurged).Scan(&detail); err != nil ||
			!strings.HasPrefix(detail, "1 entries") {
			t.Errorf("purge audit: %q %v", detail, err)
		}
		if n, err := e.svc.Purge(ctx, start); err != nil || n != 0 || e.audits(t, audit.ActionRegistryPurged) != 1 {
			t.Errorf("empty purge: %d %v, %d audit rows", n, err, e.audits(t, audit.ActionRegistryPurged))
		}
	})
}

// RunPurge stops with its context; one pass happens at once.
func TestRunPurgeStops(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite))
	owner := e.user(t, "volunteer")
	id := e.create(t, owner, ScopeMine, person(1))
	e.setEnd(t, id, start.Add(-PurgeGrace-time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.svc.RunPurge(ctx, time.Hour) }()
	// The first pass runs before the first tick; wait for its audit row. The
	// deadline only turns a hang into a failure: a pass takes milliseconds.
	deadline := time.After(30 * time.Second)
	for e.audits(t, audit.ActionRegistryPurged) == 0 {
		select {
		case <-deadline:
			t.Fatal("no purge pass within 30 s")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("RunPurge did not stop within 30 s of its context's end")
	}
}

// OnErase hears the ids being erased inside the deleting transaction, while
// their rows still exist; its error rolls the erasure back.
func TestOnEraseRunsInTheDeletingTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		withdrawn := e.create(t, owner, ScopeMine, person(1))
		old1 := e.create(t, owner, ScopeMine, person(2))
		old2 := e.create(t, owner, ScopeMine, person(3))
		kept := e.create(t, owner, ScopeMine, person(4))
		e.setEnd(t, old1, start.Add(-PurgeGrace-time.Hour))
		e.setEnd(t, old2, start.Add(-PurgeGrace-2*time.Hour))

		var heard [][]int64
		fail := errors.New("hook failed")
		var hookErr error
		e.svc.OnErase = func(ctx context.Context, tx *db.Tx, ids []int64) error {
			heard = append(heard, slices.Clone(ids))
			// The rows are still there, seen from the deleting transaction.
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM registry_people WHERE id IN ("+placeholders(len(ids))+")",
				int64Args(ids)...).Scan(&n); err != nil || n != len(ids) {
				t.Errorf("hook saw %d of %d rows: %v", n, len(ids), err)
			}
			// What the hook writes commits or rolls back with the erasure.
			if _, err := tx.Exec(ctx, "UPDATE registry_people SET languages = 'hook' WHERE id = ?", kept); err != nil {
				return err
			}
			return hookErr
		}
		marked := func() bool {
			return e.count(t, "SELECT COUNT(*) FROM registry_people WHERE id = ? AND languages = 'hook'", kept) == 1
		}

		hookErr = fail
		if err := e.svc.Withdraw(ctx, owner, ScopeMine, withdrawn); !errors.Is(err, fail) {
			t.Fatalf("withdrawal with a failing hook: %v", err)
		}
		if n, err := e.svc.Purge(ctx, start); !errors.Is(err, fail) || n != 0 {
			t.Fatalf("purge with a failing hook: %d %v", n, err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people"); n != 4 || marked() {
			t.Fatalf("a failing hook did not roll back: %d rows, hook write kept %v", n, marked())
		}
		if e.audits(t, audit.ActionRegistryWithdrawn)+e.audits(t, audit.ActionRegistryPurged) != 0 {
			t.Error("a rolled back erasure was audited")
		}

		hookErr, heard = nil, nil
		if err := e.svc.Withdraw(ctx, owner, ScopeMine, withdrawn); err != nil {
			t.Fatal(err)
		}
		if n, err := e.svc.Purge(ctx, start); err != nil || n != 2 {
			t.Fatalf("purge: %d %v", n, err)
		}
		if len(heard) != 2 || !slices.Equal(heard[0], []int64{withdrawn}) || !slices.Equal(heard[1], []int64{old1, old2}) {
			t.Errorf("hook heard %v, want [[%d] [%d %d]]", heard, withdrawn, old1, old2)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people"); n != 1 || !marked() {
			t.Errorf("after the erasures: %d rows, hook write kept %v", n, marked())
		}
	})
}

// renewingPeople renews an entry while the reminders are being written, as
// a registrant clicking at that moment would.
type renewingPeople struct {
	fakePeople
	renew func()
}

func (p renewingPeople) Contacts(ctx context.Context, ids []int64) ([]volunteers.Contact, error) {
	p.renew()
	return p.fakePeople.Contacts(ctx, ids)
}

// A renewal between the reminders' read and their mark keeps next season's
// reminder, and the mail about the old end is not sent.
func TestRenewalDuringRemindersKeepsNextReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		id := e.create(t, owner, ScopeMine, person(1))
		e.setEnd(t, id, start.Add(20*24*time.Hour))
		e.svc.People = renewingPeople{renew: func() {
			if _, err := e.svc.Renew(ctx, owner, ScopeMine, id, true); err != nil {
				t.Error(err)
			}
		}}
		if n, err := e.svc.SendRenewalReminders(ctx, start); err != nil || n != 0 {
			t.Fatalf("reminders: %d mails, %v; want none (renewed meanwhile)", n, err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM outbox_jobs"); n != 0 {
			t.Errorf("%d mails queued about the old end", n)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people WHERE id = ? AND reminded_at IS NULL", id); n != 1 {
			t.Fatal("the renewed entry is marked reminded: next season's reminder is lost")
		}
		// Next season, the reminder comes.
		e.svc.People = fakePeople{}
		next := time.Date(2027, 9, 5, 12, 0, 0, 0, Paris)
		if n, err := e.svc.SendRenewalReminders(ctx, next); err != nil || n != 1 {
			t.Errorf("next season's reminder: %d, %v", n, err)
		}
	})
}
