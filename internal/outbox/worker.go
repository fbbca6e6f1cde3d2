package outbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Claimed is a job a worker holds the lease of.
type Claimed struct {
	ID          int64
	Kind        string
	Key         string
	Payload     json.RawMessage
	Attempt     int // 1 on the first try
	MaxAttempts int
	CreatedAt   time.Time
	runAt       time.Time
}

// Decode unmarshals the payload; a payload that cannot be read will never
// become readable, so the error is permanent.
func (c Claimed) Decode(v any) error {
	if err := json.Unmarshal(c.Payload, v); err != nil {
		return Permanent(fmt.Errorf("decode %s payload: %w", c.Kind, err))
	}
	return nil
}

// Handler delivers one job. It must respect ctx's deadline: the lease is only
// safe until then. Errors are retried unless wrapped with Permanent.
type Handler interface {
	Handle(ctx context.Context, job Claimed) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job Claimed) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, job Claimed) error { return f(ctx, job) }

// WorkerOptions tune a worker; zero values take the defaults.
type WorkerOptions struct {
	ID          string                          // names the lease holder; host, pid and a random part by default
	Batch       int                             // jobs claimed at once: 10
	Lease       time.Duration                   // how long claimed jobs stay ours: 5 min
	Poll        time.Duration                   // look for due jobs this often: 1 s
	SendTimeout time.Duration                   // limit of one handler call: 30 s
	Backoff     func(attempt int) time.Duration // wait after the attempt-th failure: DefaultBackoff
	// Scrub, when set, rewrites a delivered job's payload (to drop secrets
	// such as the links in mails once they have left).
	Scrub func(j Claimed) (json.RawMessage, bool)
	Log   *slog.Logger
}

// Worker claims due jobs and hands them to the handler of their kind.
// Several workers, in one process or many, may share a queue.
type Worker struct {
	d        *db.DB
	handlers map[string]Handler
	opts     WorkerOptions
	kinds    []any
	claimSQL string
	wake     chan struct{}
}

// NewWorker prepares a worker for the kinds in handlers; jobs of other kinds
// are left for workers that know them.
func NewWorker(d *db.DB, handlers map[string]Handler, opts WorkerOptions) *Worker {
	if opts.ID == "" {
		opts.ID = defaultWorkerID()
	}
	if opts.Batch <= 0 {
		opts.Batch = 10
	}
	if opts.Lease <= 0 {
		opts.Lease = 5 * time.Minute
	}
	if opts.Poll <= 0 {
		opts.Poll = time.Second
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = 30 * time.Second
	}
	// A send must end well inside the lease, or another worker could take
	// the job while it is still being sent.
	if opts.SendTimeout > opts.Lease/2 {
		opts.SendTimeout = opts.Lease / 2
	}
	if opts.Backoff == nil {
		opts.Backoff = DefaultBackoff
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	w := &Worker{d: d, handlers: handlers, opts: opts, wake: make(chan struct{}, 1)}
	names := make([]string, 0, len(handlers))
	for k := range handlers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		w.kinds = append(w.kinds, k)
	}
	w.claimSQL = claimQuery(d.Engine, len(names))
	return w
}

// ID is the name this worker writes in locked_by.
func (w *Worker) ID() string { return w.opts.ID }

// Notify wakes the worker now rather than at the next poll; call it after
// committing a transaction that enqueued something. It never blocks.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run delivers jobs until ctx is cancelled, then finishes the job in hand,
// hands back the others and returns nil.
func (w *Worker) Run(ctx context.Context) error {
	if len(w.kinds) == 0 {
		return errors.New("outbox: worker has no handlers")
	}
	w.opts.Log.Info("outbox worker started", "worker", w.opts.ID, "batch", w.opts.Batch)
	defer w.opts.Log.Info("outbox worker stopped", "worker", w.opts.ID)
	pause := w.opts.Poll
	for {
		n, err := w.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case err != nil:
			// The database is away: try again, less and less often.
			w.opts.Log.Warn("outbox claim failed", "worker", w.opts.ID, "err", err)
			pause = min(pause*2, 30*time.Second)
		case n == w.opts.Batch:
			continue // a full batch: more are probably due
		default:
			pause = w.opts.Poll
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.wake:
			t.Stop()
		case <-t.C:
		}
	}
}

// RunOnce claims one batch and works through it, returning how many jobs
// were claimed. When ctx is cancelled midway, the job being sent is finished
// and the rest are released for another worker to take at once.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	if ctx.Err() != nil {
		return 0, nil
	}
	jobs, leaseEnd, err := w.claim(ctx)
	if err != nil {
		return 0, err
	}
	margin := min(5*time.Second, w.opts.Lease/4)
	for i := 0; i < len(jobs); i++ {
		if ctx.Err() != nil {
			w.release(ctx, jobs[i:])
			break
		}
		if time.Until(leaseEnd) < w.opts.SendTimeout+margin {
			jobs, leaseEnd, err = w.renew(ctx, jobs, i)
			if err != nil {
				w.opts.Log.Warn("outbox lease renewal failed", "worker", w.opts.ID, "err", err)
				break // the leases run out by themselves
			}
			if i >= len(jobs) {
				break
			}
		}
		w.process(ctx, jobs[i], leaseEnd.Add(-margin))
	}
	return len(jobs), nil
}

// process runs one job's handler and records the outcome. The send gets its
// own context: a stop request must not cut a mail in half, only the lease
// bounds it.
func (w *Worker) process(ctx context.Context, j Claimed, safeUntil time.Time) {
	deadline := time.Now().Add(w.opts.SendTimeout)
	if safeUntil.Before(deadline) {
		deadline = safeUntil
	}
	hctx, cancel := context.WithDeadline(context.WithoutCancel(ctx), deadline)
	err := w.call(hctx, j)
	cancel()
	if err == nil {
		w.markDone(ctx, j)
		return
	}
	w.markFailed(ctx, j, err)
}

// call runs the handler, turning a panic into an error so that one bad job
// cannot stop the worker.
func (w *Worker) call(ctx context.Context, j Claimed) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return w.handlers[j.Kind].Handle(ctx, j)
}

func defaultWorkerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// placeholders gives "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
