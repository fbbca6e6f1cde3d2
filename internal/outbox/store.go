package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"climatevolunteers/internal/db"
)

// ErrNotFound means no job has that id.
var ErrNotFound = errors.New("outbox: no such job")

// JobInfo is a stored job as admins see it.
type JobInfo struct {
	ID          int64
	Kind        string
	Key         string
	Payload     string
	Status      string
	Attempts    int
	MaxAttempts int
	RunAt       time.Time
	LockedBy    string
	LockedUntil *time.Time
	LastError   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	DoneAt      *time.Time
}

// Email decodes the payload of an "email" job.
func (j JobInfo) Email() (Email, bool) {
	var e Email
	if j.Kind != KindEmail || json.Unmarshal([]byte(j.Payload), &e) != nil {
		return Email{}, false
	}
	return e, true
}

const jobColumns = `id, kind, idempotency_key, payload, status, attempts, max_attempts, run_at,
	locked_by, locked_until, last_error, created_at, updated_at, done_at`

func scanJob(sc interface{ Scan(...any) error }) (JobInfo, error) {
	var j JobInfo
	var lockedBy sql.NullString
	var lockedUntil, doneAt sql.NullTime
	err := sc.Scan(&j.ID, &j.Kind, &j.Key, &j.Payload, &j.Status, &j.Attempts, &j.MaxAttempts, &j.RunAt,
		&lockedBy, &lockedUntil, &j.LastError, &j.CreatedAt, &j.UpdatedAt, &doneAt)
	j.LockedBy = lockedBy.String
	if lockedUntil.Valid {
		j.LockedUntil = &lockedUntil.Time
	}
	if doneAt.Valid {
		j.DoneAt = &doneAt.Time
	}
	return j, err
}

// Counts gives the number of jobs in each status.
func Counts(ctx context.Context, d *db.DB) (map[string]int, error) {
	rows, err := d.Query(ctx, "SELECT status, COUNT(*) FROM outbox_jobs GROUP BY status")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{StatusPending: 0, StatusDone: 0, StatusDead: 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// List gives jobs newest first, all of them or those in status.
func List(ctx context.Context, d *db.DB, status string, limit, offset int) ([]JobInfo, error) {
	q := "SELECT " + jobColumns + " FROM outbox_jobs ORDER BY id DESC LIMIT ? OFFSET ?"
	args := []any{limit, offset}
	if status != "" {
		q = "SELECT " + jobColumns + " FROM outbox_jobs WHERE status = ? ORDER BY id DESC LIMIT ? OFFSET ?"
		args = []any{status, limit, offset}
	}
	rows, err := d.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobInfo
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// Get reads one job.
func Get(ctx context.Context, d *db.DB, id int64) (JobInfo, error) {
	j, err := scanJob(d.QueryRow(ctx, "SELECT "+jobColumns+" FROM outbox_jobs WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, ErrNotFound
	}
	return j, err
}

// Retry puts a dead job back in the queue with a fresh count of attempts;
// the last error stays until the next try replaces it. It reports false when
// the job is not dead.
func Retry(ctx context.Context, d *db.DB, id int64) (bool, error) {
	now := db.Now()
	res, err := d.Exec(ctx, `UPDATE outbox_jobs SET status = 'pending', attempts = 0, run_at = ?,
		locked_by = NULL, locked_until = NULL, updated_at = ? WHERE id = ? AND status = 'dead'`, now, now, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
