package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
)

// recorder is a handler that counts calls per key and fails as told.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	fail  func(key string, call int) error
}

func newRecorder(fail func(key string, call int) error) *recorder {
	return &recorder{calls: map[string]int{}, fail: fail}
}

func (r *recorder) Handle(_ context.Context, j outbox.Claimed) error {
	r.mu.Lock()
	r.calls[j.Key]++
	n := r.calls[j.Key]
	r.mu.Unlock()
	if r.fail != nil {
		return r.fail(j.Key, n)
	}
	return nil
}

func (r *recorder) count(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[key]
}

func runOnce(t *testing.T, w *outbox.Worker) int {
	t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWorkerDeliversAndMarksDone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, "ping", "a", "b", "c")
		rec := newRecorder(nil)
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{ID: "w1"})
		if n := runOnce(t, w); n != 3 {
			t.Fatalf("claimed %d, want 3", n)
		}
		for _, k := range []string{"a", "b", "c"} {
			j := job(t, d, k)
			if rec.count(k) != 1 || j.Status != outbox.StatusDone || j.Attempts != 1 || j.DoneAt == nil || j.LockedUntil != nil {
				t.Fatalf("job %s after delivery: calls %d, %+v", k, rec.count(k), j)
			}
		}
		if n := runOnce(t, w); n != 0 {
			t.Fatalf("done jobs claimed again: %d", n)
		}
	})
}

// A failure records the error, counts the attempt and waits the backoff;
// the job is delivered once it is due again.
func TestWorkerRetriesAfterBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, "ping", "a")
		rec := newRecorder(func(_ string, call int) error {
			if call < 3 {
				return fmt.Errorf("server busy (try %d) for bob@example.org", call)
			}
			return nil
		})
		var asked []int
		backoff := func(attempt int) time.Duration {
			asked = append(asked, attempt)
			return time.Hour
		}
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{Backoff: backoff})
		for try := 1; try <= 2; try++ {
			before := time.Now()
			if n := runOnce(t, w); n != 1 {
				t.Fatalf("try %d claimed %d", try, n)
			}
			j := job(t, d, "a")
			if j.Status != outbox.StatusPending || j.Attempts != try || j.LockedUntil != nil || j.LockedBy != "" {
				t.Fatalf("after failure %d: %+v", try, j)
			}
			if want := fmt.Sprintf("server busy (try %d) for <address>", try); j.LastError != want {
				t.Fatalf("last_error %q, want %q (address masked)", j.LastError, want)
			}
			if wait := j.RunAt.Sub(before); wait < 59*time.Minute || wait > 61*time.Minute {
				t.Fatalf("next run in %v, want the backoff (1 h)", wait)
			}
			// Not due yet: nothing to claim.
			if n := runOnce(t, w); n != 0 {
				t.Fatalf("claimed a job before its backoff ended")
			}
			// Let the hour pass.
			if _, err := d.Exec(context.Background(), "UPDATE outbox_jobs SET run_at = ?", db.Now().Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
		}
		runOnce(t, w)
		if j := job(t, d, "a"); j.Status != outbox.StatusDone || j.Attempts != 3 || rec.count("a") != 3 {
			t.Fatalf("after success: %+v, %d calls", j, rec.count("a"))
		}
		if fmt.Sprint(asked) != "[1 2]" {
			t.Fatalf("backoff asked for attempts %v", asked)
		}
	})
}

func TestWorkerGivesUpAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		err := d.Tx(context.Background(), func(tx *db.Tx) error {
			_, _, err := outbox.Enqueue(context.Background(), tx, outbox.Job{Kind: "ping", Key: "a", MaxAttempts: 3})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		rec := newRecorder(func(string, int) error { return errors.New("connection refused") })
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{Backoff: noBackoff})
		for range 5 {
			runOnce(t, w)
		}
		j := job(t, d, "a")
		if j.Status != outbox.StatusDead || j.Attempts != 3 || rec.count("a") != 3 || j.LastError != "connection refused" {
			t.Fatalf("after 5 rounds: %+v, %d calls", j, rec.count("a"))
		}
	})
}

func TestPermanentErrorKillsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, "ping", "a", "b")
		rec := newRecorder(func(key string, _ int) error {
			if key == "a" {
				return outbox.Permanent(errors.New("550 no such user"))
			}
			panic("handler bug")
		})
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{Backoff: noBackoff})
		runOnce(t, w)
		if j := job(t, d, "a"); j.Status != outbox.StatusDead || j.Attempts != 1 {
			t.Fatalf("permanent error: %+v", j)
		}
		// A panic is an ordinary failure: retried, and the worker lives on.
		if j := job(t, d, "b"); j.Status != outbox.StatusPending || j.Attempts != 1 || !strings.Contains(j.LastError, "handler bug") {
			t.Fatalf("panic: %+v", j)
		}
	})
}

// Jobs of kinds a worker has no handler for are left for other workers.
func TestWorkerClaimsOnlyItsKinds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, "sms", "s1")
		enqueue(t, d, "ping", "p1")
		rec := newRecorder(nil)
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{})
		if n := runOnce(t, w); n != 1 {
			t.Fatalf("claimed %d", n)
		}
		if j := job(t, d, "s1"); j.Status != outbox.StatusPending || j.LockedUntil != nil {
			t.Fatalf("foreign kind touched: %+v", j)
		}
	})
}

// A worker that died holding a lease delays its jobs only until the lease
// runs out.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, "ping", "held", "expired")
		now := db.Now()
		for key, until := range map[string]time.Time{"held": now.Add(time.Minute), "expired": now.Add(-time.Second)} {
			if _, err := d.Exec(context.Background(), "UPDATE outbox_jobs SET locked_by = 'crashed', locked_until = ? WHERE idempotency_key = ?", until, key); err != nil {
				t.Fatal(err)
			}
		}
		rec := newRecorder(nil)
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{})
		if n := runOnce(t, w); n != 1 || rec.count("expired") != 1 || rec.count("held") != 0 {
			t.Fatalf("claimed %d: %v", n, rec.calls)
		}
	})
}

// Stopping in the middle of a batch: the job being handled finishes with a
// live context and is recorded done; the claimed jobs not started are
// released at once (no lease left), untouched.
func TestStopFinishesCurrentJobAndReleasesTheRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		enqueue(t, d, "ping", "k0", "k1", "k2", "k3", "k4")
		ctx, cancel := context.WithCancel(context.Background())
		started, proceed := make(chan struct{}), make(chan struct{})
		var handlerCtxErr error
		h := outbox.HandlerFunc(func(hctx context.Context, j outbox.Claimed) error {
			if j.Key == "k0" {
				close(started)
				<-proceed
				handlerCtxErr = hctx.Err()
			}
			return nil
		})
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": h}, outbox.WorkerOptions{Batch: 5})
		done := make(chan error)
		go func() { _, err := w.RunOnce(ctx); done <- err }()
		<-started
		cancel()
		close(proceed)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if handlerCtxErr != nil {
			t.Fatalf("the send in progress saw its context cancelled: %v", handlerCtxErr)
		}
		if j := job(t, d, "k0"); j.Status != outbox.StatusDone {
			t.Fatalf("job in progress: %+v", j)
		}
		for _, k := range []string{"k1", "k2", "k3", "k4"} {
			if j := job(t, d, k); j.Status != outbox.StatusPending || j.Attempts != 0 || j.LockedUntil != nil || j.LockedBy != "" {
				t.Fatalf("unstarted job %s not released: %+v", k, j)
			}
		}
		// A stopped worker claims nothing.
		if n, _ := w.RunOnce(ctx); n != 0 {
			t.Fatalf("claimed %d after stop", n)
		}
	})
}

// Notify wakes a worker whose poll interval is far away.
func TestNotifyWakesTheWorker(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rec := newRecorder(nil)
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec}, outbox.WorkerOptions{Poll: time.Hour})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan error)
		go func() { stopped <- w.Run(ctx) }()
		// Let Run do its first (empty) round and go to sleep.
		time.Sleep(20 * time.Millisecond)
		enqueue(t, d, "ping", "a")
		w.Notify()
		eventually(t, 10*time.Second, "the woken worker to deliver", func() bool { return rec.count("a") == 1 })
		cancel()
		if err := <-stopped; err != nil {
			t.Fatal(err)
		}
	})
}

// openTwice gives two independent handles on one migrated database, as two
// app instances would have.
func openTwice(t *testing.T, e db.Engine) (*db.DB, *db.DB) {
	t.Helper()
	opts := db.Options{DataDir: t.TempDir()}
	if e == db.Postgres {
		opts = db.Options{DatabaseURL: dbtest.FreshSchema(t)}
	}
	var out [2]*db.DB
	for i := range out {
		d, err := db.Open(context.Background(), opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		out[i] = d
	}
	if _, err := out[0].Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out[0], out[1]
}

// Two instances on one queue share the work and never handle a job twice.
func TestTwoWorkersNeverHandleAJobTwice(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			d1, d2 := openTwice(t, e)
			const n = 400
			keys := make([]string, n)
			for i := range keys {
				keys[i] = fmt.Sprint("job-", i)
			}
			enqueue(t, d1, "ping", keys...)
			var mu sync.Mutex
			handledBy := map[string][]string{}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			for i, d := range []*db.DB{d1, d2} {
				name := fmt.Sprint("w", i)
				h := outbox.HandlerFunc(func(_ context.Context, j outbox.Claimed) error {
					mu.Lock()
					handledBy[j.Key] = append(handledBy[j.Key], name)
					mu.Unlock()
					time.Sleep(100 * time.Microsecond) // a send takes some time
					return nil
				})
				w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": h}, outbox.WorkerOptions{ID: name, Batch: 7, Poll: 5 * time.Millisecond})
				wg.Go(func() { w.Run(ctx) })
			}
			eventually(t, 60*time.Second, "all jobs done", func() bool { return countStatus(t, d1, outbox.StatusDone) == n })
			cancel()
			wg.Wait()
			per := map[string]int{}
			for _, k := range keys {
				if len(handledBy[k]) != 1 {
					t.Fatalf("job %s handled %d times: %v", k, len(handledBy[k]), handledBy[k])
				}
				per[handledBy[k][0]]++
			}
			t.Logf("%s: jobs per worker %v", e, per)
		})
	}
}

// A claim takes at most Batch jobs, the longest due first.
func TestClaimTakesABatchOldestFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.Now()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for i, ago := range []int{1, 5, 3, 9, 7, 2} {
				j := outbox.Job{Kind: "ping", Key: fmt.Sprint("k", i), RunAt: now.Add(-time.Duration(ago) * time.Minute)}
				if _, _, err := outbox.Enqueue(ctx, tx, j); err != nil {
					return err
				}
			}
			// Not due yet.
			_, _, err := outbox.Enqueue(ctx, tx, outbox.Job{Kind: "ping", Key: "later", RunAt: now.Add(time.Hour)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		h := outbox.HandlerFunc(func(_ context.Context, j outbox.Claimed) error {
			order = append(order, j.Key)
			return nil
		})
		w := outbox.NewWorker(d, map[string]outbox.Handler{"ping": h}, outbox.WorkerOptions{Batch: 4})
		if n := runOnce(t, w); n != 4 {
			t.Fatalf("claimed %d, want a batch of 4", n)
		}
		runOnce(t, w)
		if got := fmt.Sprint(order); got != "[k3 k4 k1 k2 k5 k0]" {
			t.Fatalf("handled in order %s", got)
		}
		if j := job(t, d, "later"); j.Status != outbox.StatusPending || j.Attempts != 0 {
			t.Fatalf("a job not yet due was run: %+v", j)
		}
	})
}
