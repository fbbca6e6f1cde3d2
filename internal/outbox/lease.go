package outbox

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/db"
)

// claimQuery takes up to Batch due jobs of the worker's kinds. On PostgreSQL
// SKIP LOCKED lets concurrent workers each take different rows; on SQLite
// the single writer connection already serialises claims. The due rows are
// chosen once, in a materialised CTE: as a plain "id IN (subquery)",
// PostgreSQL may run the subquery again for each row, and each run skips the
// rows just updated and picks new ones, far past the LIMIT. The outer WHERE
// repeats the lease test so that a row is never taken twice.
func claimQuery(e db.Engine, kinds int) string {
	lock := ""
	if e == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	return `WITH due AS MATERIALIZED (
			SELECT id FROM outbox_jobs
			WHERE status = 'pending' AND run_at <= ? AND (locked_until IS NULL OR locked_until < ?)
			AND kind IN (` + placeholders(kinds) + `)
			ORDER BY run_at, id LIMIT ?` + lock + `)
		UPDATE outbox_jobs SET locked_by = ?, locked_until = ?, updated_at = ?
		WHERE id IN (SELECT id FROM due) AND status = 'pending' AND (locked_until IS NULL OR locked_until < ?)
		RETURNING id, kind, idempotency_key, payload, attempts, max_attempts, run_at, created_at`
}

// dbContext bounds the worker's own bookkeeping writes. They run even after
// a stop request: a finished send must be recorded, or it would be repeated.
func dbContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
}

func (w *Worker) claim(ctx context.Context) ([]Claimed, time.Time, error) {
	now := db.Now()
	until := now.Add(w.opts.Lease)
	args := append([]any{now, now}, w.kinds...)
	args = append(args, w.opts.Batch, w.opts.ID, until, now, now)
	var jobs []Claimed
	cctx, cancel := dbContext(ctx)
	defer cancel()
	err := w.d.Tx(cctx, func(tx *db.Tx) error {
		rows, err := tx.Query(cctx, w.claimSQL, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var j Claimed
			var payload string
			if err := rows.Scan(&j.ID, &j.Kind, &j.Key, &payload, &j.Attempt, &j.MaxAttempts, &j.runAt, &j.CreatedAt); err != nil {
				return err
			}
			j.Payload = []byte(payload)
			j.Attempt++ // attempts counts past tries
			jobs = append(jobs, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("outbox: claim: %w", err)
	}
	// RETURNING gives no order: oldest first, as claimed.
	sort.Slice(jobs, func(a, b int) bool {
		if !jobs[a].runAt.Equal(jobs[b].runAt) {
			return jobs[a].runAt.Before(jobs[b].runAt)
		}
		return jobs[a].ID < jobs[b].ID
	})
	return jobs, until, nil
}

// renew extends the lease of jobs[from:] and returns those still ours (a
// lease that already ran out may have been taken by another worker).
func (w *Worker) renew(ctx context.Context, jobs []Claimed, from int) ([]Claimed, time.Time, error) {
	now := db.Now()
	until := now.Add(w.opts.Lease)
	rest := jobs[from:]
	args := []any{until, now, w.opts.ID}
	for _, j := range rest {
		args = append(args, j.ID)
	}
	ours := map[int64]bool{}
	cctx, cancel := dbContext(ctx)
	defer cancel()
	err := w.d.Tx(cctx, func(tx *db.Tx) error {
		rows, err := tx.Query(cctx, `UPDATE outbox_jobs SET locked_until = ?, updated_at = ?
			WHERE locked_by = ? AND status = 'pending' AND id IN (`+placeholders(len(rest))+`) RETURNING id`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ours[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	kept := jobs[:from:from]
	for _, j := range rest {
		if ours[j.ID] {
			kept = append(kept, j)
		}
	}
	return kept, until, nil
}

// release hands back jobs this worker claimed but did not start, so that
// another worker (or this one after a restart) takes them at once instead of
// waiting for the lease to run out.
func (w *Worker) release(ctx context.Context, jobs []Claimed) {
	if len(jobs) == 0 {
		return
	}
	args := []any{db.Now(), w.opts.ID}
	for _, j := range jobs {
		args = append(args, j.ID)
	}
	w.write(ctx, "release", `UPDATE outbox_jobs SET locked_by = NULL, locked_until = NULL, updated_at = ?
		WHERE locked_by = ? AND status = 'pending' AND id IN (`+placeholders(len(jobs))+`)`, args...)
}

func (w *Worker) markDone(ctx context.Context, j Claimed) {
	now := db.Now()
	payload := string(j.Payload)
	if w.opts.Scrub != nil {
		if p, ok := w.opts.Scrub(j); ok {
			payload = string(p)
		}
	}
	n := w.write(ctx, "done", `UPDATE outbox_jobs SET status = 'done', attempts = ?, locked_until = NULL,
		done_at = ?, updated_at = ?, payload = ? WHERE id = ? AND locked_by = ? AND status = 'pending'`,
		j.Attempt, now, now, payload, j.ID, w.opts.ID)
	if n == 0 {
		// Only possible if the send outlived the lease: another worker may
		// send it again, recognisable by its stable message id.
		w.opts.Log.Warn("outbox job done after its lease was lost", "job_id", j.ID, "kind", j.Kind, "worker", w.opts.ID)
	}
}

func (w *Worker) markFailed(ctx context.Context, j Claimed, herr error) {
	now := db.Now()
	status, next := StatusPending, now.Add(w.opts.Backoff(j.Attempt))
	if IsPermanent(herr) || j.Attempt >= j.MaxAttempts {
		status, next = StatusDead, now
	}
	msg := cleanError(herr)
	w.write(ctx, "fail", `UPDATE outbox_jobs SET status = ?, attempts = ?, last_error = ?, run_at = ?,
		locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ? AND locked_by = ? AND status = 'pending'`,
		status, j.Attempt, msg, next, now, j.ID, w.opts.ID)
	attrs := []any{"job_id", j.ID, "kind", j.Kind, "attempt", j.Attempt, "max_attempts", j.MaxAttempts, "err", msg}
	if status == StatusDead {
		w.opts.Log.Error("outbox job dead", attrs...)
		return
	}
	w.opts.Log.Warn("outbox job failed, will retry", append(attrs, "next_run", next)...)
}

// write runs one bookkeeping statement, retrying briefly: losing a "done"
// would send the job again once the lease runs out. It returns the rows
// changed (-1 when it failed).
func (w *Worker) write(ctx context.Context, what, query string, args ...any) int64 {
	cctx, cancel := dbContext(ctx)
	defer cancel()
	var err error
	for try := 0; try < 4; try++ {
		if try > 0 {
			time.Sleep(time.Duration(try) * 250 * time.Millisecond)
		}
		var res sql.Result
		if res, err = w.d.Exec(cctx, query, args...); err == nil {
			n, _ := res.RowsAffected()
			return n
		}
	}
	w.opts.Log.Error("outbox bookkeeping failed", "op", what, "worker", w.opts.ID, "err", err)
	return -1
}

// DefaultBackoff waits about 30 s after the first failure, doubling each
// time up to an hour, with jitter so that jobs failed together (a mail
// server down) do not all come back at the same instant.
func DefaultBackoff(attempt int) time.Duration {
	return Backoff(30*time.Second, time.Hour)(attempt)
}

// Backoff returns an exponential backoff from base, capped, with the second
// half of each wait random.
func Backoff(base, limit time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < limit; i++ {
			d *= 2
		}
		d = min(d, limit)
		half := d / 2
		return half + rand.N(half+1)
	}
}

var emailLike = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// maxErrorLen bounds last_error: enough to diagnose, not a dump.
const maxErrorLen = 500

// cleanError makes a handler error fit for the table and the logs: one
// line, addresses masked (the logs must not hold personal data; admins see
// the recipient on the job page anyway), and bounded.
func cleanError(err error) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	s = emailLike.ReplaceAllString(s, "<address>")
	if len(s) > maxErrorLen {
		cut := maxErrorLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
