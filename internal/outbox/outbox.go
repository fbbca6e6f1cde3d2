// Package outbox makes everything that leaves the platform (mails today,
// SMS, pushes and webhooks later) durable: a job is written in the same
// transaction as the change that caused it, under an idempotency key, and
// workers deliver it with a lease, retries with backoff and a final "dead"
// state shown to admins. A restart loses nothing; a graceful stop sends
// nothing twice.
package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Job statuses, as stored in outbox_jobs.status.
const (
	StatusPending = "pending"
	StatusDone    = "done"
	StatusDead    = "dead"
)

// DefaultMaxAttempts is how many times a job is tried before it is dead.
// With the default backoff the last try comes about two hours after the first.
const DefaultMaxAttempts = 8

// Job is work to do once the surrounding transaction commits.
type Job struct {
	Kind string // selects the handler, e.g. "email"
	// Key identifies the job for ever: a second Enqueue with the same key is
	// a no-op, so a retried request or a replayed event cannot send twice.
	// It must not hold secrets (admins see it).
	Key         string
	Payload     any       // stored as JSON
	MaxAttempts int       // DefaultMaxAttempts when zero
	RunAt       time.Time // not before; now when zero
}

// Enqueue writes j in the caller's transaction. created is false (and id the
// existing job's) when a job with the same key was already there.
func Enqueue(ctx context.Context, tx *db.Tx, j Job) (id int64, created bool, err error) {
	row, err := rowArgs(j, db.Now())
	if err != nil {
		return 0, false, err
	}
	err = tx.QueryRow(ctx, `INSERT INTO outbox_jobs
		(kind, payload, idempotency_key, max_attempts, run_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`, row...).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("outbox: enqueue %s: %w", j.Kind, err)
	}
	// The key exists: DO NOTHING returned no row.
	err = tx.QueryRow(ctx, "SELECT id FROM outbox_jobs WHERE idempotency_key = ?", j.Key).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("outbox: enqueue %s: %w", j.Kind, err)
	}
	return id, false, nil
}

// manyChunk bounds the rows of one INSERT: 7 parameters a row stays far
// below both engines' limits on parameters per statement.
const manyChunk = 500

// EnqueueMany writes jobs in the caller's transaction with multi-row
// INSERTs (a message to a whole segment), skipping keys already queued. It
// returns how many were new.
func EnqueueMany(ctx context.Context, tx *db.Tx, jobs []Job) (created int, err error) {
	now := db.Now()
	for start := 0; start < len(jobs); start += manyChunk {
		chunk := jobs[start:min(start+manyChunk, len(jobs))]
		args := make([]any, 0, 7*len(chunk))
		for _, j := range chunk {
			row, err := rowArgs(j, now)
			if err != nil {
				return created, err
			}
			args = append(args, row...)
		}
		res, err := tx.Exec(ctx, `INSERT INTO outbox_jobs
			(kind, payload, idempotency_key, max_attempts, run_at, created_at, updated_at) VALUES `+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", len(chunk)), ", ")+
			` ON CONFLICT (idempotency_key) DO NOTHING`, args...)
		if err != nil {
			return created, fmt.Errorf("outbox: enqueue %d jobs: %w", len(chunk), err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return created, err
		}
		created += int(n)
	}
	return created, nil
}

// rowArgs validates j and gives its column values, defaults applied.
func rowArgs(j Job, now time.Time) ([]any, error) {
	if j.Kind == "" || j.Key == "" {
		return nil, errors.New("outbox: a job needs a kind and a key")
	}
	payload, err := json.Marshal(j.Payload)
	if err != nil {
		return nil, fmt.Errorf("outbox: payload of %s: %w", j.Kind, err)
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	runAt := now
	if !j.RunAt.IsZero() {
		// Same form as db.Now so SQLite's text timestamps compare correctly.
		runAt = j.RunAt.UTC().Truncate(time.Microsecond)
	}
	return []any{j.Kind, string(payload), j.Key, j.MaxAttempts, runAt, now, now}, nil
}

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps a handler error so the job goes straight to dead (a
// rejected recipient, a payload that cannot be decoded) instead of being
// retried for hours.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}
