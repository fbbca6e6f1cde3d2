package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
)

// A second enqueue under the same key, in another transaction, changes
// nothing and names the existing job.
func TestEnqueueIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var first, second int64
		var created1, created2 bool
		for i, dst := range []*int64{&first, &second} {
			err := d.Tx(ctx, func(tx *db.Tx) error {
				var err error
				c := &created1
				if i == 1 {
					c = &created2
				}
				*dst, *c, err = outbox.EnqueueEmail(ctx, tx, "welcome:user:1", outbox.Email{To: "ada@example.org", Subject: fmt.Sprint("try ", i), Lang: "fr"})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if !created1 || created2 || first != second || first == 0 {
			t.Fatalf("enqueue twice: ids %d %d, created %v %v", first, second, created1, created2)
		}
		j := job(t, d, "welcome:user:1")
		e, ok := j.Email()
		if !ok || e.Subject != "try 0" {
			t.Fatalf("the second enqueue replaced the first: %+v", e)
		}
		if j.Status != outbox.StatusPending || j.Attempts != 0 || j.MaxAttempts != outbox.DefaultMaxAttempts {
			t.Fatalf("new job: %+v", j)
		}
		if age := time.Since(j.RunAt); age < 0 || age > time.Minute {
			t.Fatalf("run_at %v is not now", j.RunAt)
		}
	})
}

// A job enqueued in a transaction that rolls back does not exist.
func TestEnqueueRollsBackWithItsTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("the change failed")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, _, err := outbox.Enqueue(ctx, tx, outbox.Job{Kind: "x", Key: "k1"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if n := countStatus(t, d, outbox.StatusPending); n != 0 {
			t.Fatalf("%d jobs survived a rollback", n)
		}
	})
}

func TestEnqueueRefusesIncompleteJobs(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	for _, j := range []outbox.Job{{Kind: "x"}, {Key: "k"}, {Kind: "x", Key: "k", Payload: func() {}}} {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			_, _, err := outbox.Enqueue(ctx, tx, j)
			return err
		})
		if err == nil {
			t.Errorf("Enqueue(%+v) accepted", j)
		}
	}
	err := d.Tx(ctx, func(tx *db.Tx) error {
		_, _, err := outbox.EnqueueEmail(ctx, tx, "k", outbox.Email{Subject: "no recipient"})
		return err
	})
	if err == nil {
		t.Error("an email without recipient was accepted")
	}
}

func TestMessageIDIsStableAndDistinct(t *testing.T) {
	a, b := outbox.MessageID("verify:1", "example.org"), outbox.MessageID("verify:2", "example.org")
	if a != outbox.MessageID("verify:1", "example.org") || a == b {
		t.Fatalf("ids %s %s", a, b)
	}
	if len(a) != len("<>@example.org")+32 || a[0] != '<' {
		t.Fatalf("id %q is not <32 hex@domain>", a)
	}
	if got := outbox.MessageID("k", ""); got[len(got)-len("@climatevolunteers>"):] != "@climatevolunteers>" {
		t.Fatalf("default domain: %s", got)
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("550 no such user")
	p := outbox.Permanent(fmt.Errorf("send: %w", base))
	if !outbox.IsPermanent(p) || !outbox.IsPermanent(fmt.Errorf("wrapped: %w", p)) || !errors.Is(p, base) {
		t.Fatal("Permanent is not recognised through wrapping")
	}
	if outbox.IsPermanent(base) || outbox.Permanent(nil) != nil {
		t.Fatal("plain errors are not permanent")
	}
}

func TestDefaultBackoffGrowsWithJitterAndCap(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 5: 8 * time.Minute, 8: time.Hour, 30: time.Hour} {
		for range 50 {
			got := outbox.DefaultBackoff(attempt)
			if got < want/2 || got > want {
				t.Fatalf("attempt %d: %v not in [%v, %v]", attempt, got, want/2, want)
			}
		}
	}
}

// EnqueueMany queues a segment in chunks, skipping keys already there (in
// the table or earlier in the same call).
func TestEnqueueMany(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		enqueue(t, d, outbox.KindEmail, "seg-5")
		jobs := make([]outbox.Job, 1203)
		for i := range jobs {
			jobs[i] = outbox.Job{Kind: outbox.KindEmail, Key: fmt.Sprint("seg-", i%1200), Payload: outbox.Email{To: "x@example.org"}}
		}
		var created int
		err := d.Tx(ctx, func(tx *db.Tx) error {
			var err error
			created, err = outbox.EnqueueMany(ctx, tx, jobs)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if created != 1199 || countStatus(t, d, outbox.StatusPending) != 1200 {
			t.Fatalf("created %d, %d pending", created, countStatus(t, d, outbox.StatusPending))
		}
		if j := job(t, d, "seg-1199"); j.MaxAttempts != outbox.DefaultMaxAttempts || j.Attempts != 0 || time.Since(j.RunAt) > time.Minute {
			t.Fatalf("defaults: %+v", j)
		}
		err = d.Tx(ctx, func(tx *db.Tx) error {
			_, err := outbox.EnqueueMany(ctx, tx, []outbox.Job{{Kind: "x", Key: "ok"}, {Kind: "x"}})
			return err
		})
		if err == nil {
			t.Fatal("a job without key was accepted")
		}
	})
}
