package episodes

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Escalations: a person needing help, not reached, not called in time,
// unmatched, or left by their volunteer is put before coordinators. An
// assignment has at most one open escalation (a unique partial index); a
// more urgent reason replaces a less urgent one on it.

// raise opens an escalation for assignment a, or raises the reason of the
// open one when reason is more urgent, and returns the open escalation.
func raise(ctx context.Context, tx *db.Tx, a Assignment, reason string, now time.Time) (int64, error) {
	// The INSERT and the SELECT are two statements: on PostgreSQL the open
	// escalation the INSERT ran into may be closed before the SELECT
	// looks; then the INSERT is tried again.
	for range 3 {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`, a.ID, a.EpisodeID, a.District, reason, now).Scan(&id)
		if !errors.Is(err, sql.ErrNoRows) {
			return id, err
		}
		var cur string
		err = tx.QueryRow(ctx, "SELECT id, reason FROM solidarity_escalations WHERE assignment_id = ? AND resolved_at IS NULL",
			a.ID).Scan(&id, &cur)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil || reasonRank[reason] <= reasonRank[cur] {
			return id, err
		}
		_, err = tx.Exec(ctx, "UPDATE solidarity_escalations SET reason = ? WHERE id = ?", reason, id)
		return id, err
	}
	return 0, ErrBusy
}

// escalateUnmatched escalates these assignments, just left without a
// volunteer: 'withdrawn' when their volunteer left, 'unmatched' otherwise.
// An open 'overdue' escalation is raised to that reason; an escalation a
// coordinator closed earlier is not reopened for people nothing changed for.
func escalateUnmatched(ctx context.Context, tx *db.Tx, assignmentIDs []int64, now time.Time) error {
	reason := "CASE WHEN a.unmatched_reason = '" + UnmatchedVolunteerLeft + "' THEN '" + ReasonWithdrawn + "' ELSE '" + ReasonUnmatched + "' END"
	for _, c := range chunks(assignmentIDs, insertChunk) {
		in := idList(c)
		// Raised before the INSERT, which then adds what is missing, even
		// for an escalation closed in between.
		if _, err := tx.Exec(ctx, `UPDATE solidarity_escalations SET reason = (SELECT `+reason+` FROM solidarity_assignments a
			WHERE a.id = solidarity_escalations.assignment_id)
			WHERE resolved_at IS NULL AND reason = ? AND assignment_id IN (`+in+`)`, ReasonOverdue); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at)
			SELECT a.id, a.episode_id, a.district_code, `+reason+`, ? FROM solidarity_assignments a
			WHERE a.id IN (`+in+`) AND a.active = 1 AND a.volunteer_id IS NULL AND a.person_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM solidarity_escalations x WHERE x.assignment_id = a.id AND x.resolved_at IS NULL)
			ON CONFLICT DO NOTHING`, now); err != nil {
			return err
		}
	}
	return nil
}

// resolveOpen closes the open escalations of these assignments whose
// reason is one of reasons.
func resolveOpen(ctx context.Context, tx *db.Tx, assignmentIDs []int64, reasons []string, resolution string, by int64, now time.Time) error {
	if len(assignmentIDs) == 0 {
		return nil
	}
	in := "'" + strings.Join(reasons, "', '") + "'" // constants of this package
	for _, c := range chunks(assignmentIDs, insertChunk) {
		if _, err := tx.Exec(ctx, `UPDATE solidarity_escalations SET resolved_at = ?, resolved_by = ?, resolution = ?
			WHERE resolved_at IS NULL AND reason IN (`+in+`) AND assignment_id IN (`+idList(c)+`)`,
			now, nullID(by), resolution); err != nil {
			return err
		}
	}
	return nil
}

// CheckOverdue opens an 'overdue' escalation for each active assignment of
// an open episode whose next call was due before now (the level's interval
// passed since the assignment or the last answer) and has none open. It
// returns how many it opened. Several instances may run it at once: the
// unique index lets one escalation through.
func (s *Service) CheckOverdue(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var n int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at)
			SELECT a.id, a.episode_id, a.district_code, ?, ? FROM solidarity_assignments a
			JOIN solidarity_episodes e ON e.id = a.episode_id
			WHERE a.active = 1 AND a.next_due_at < ? AND e.ended_at IS NULL AND a.volunteer_id IS NOT NULL AND a.person_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM solidarity_escalations x WHERE x.assignment_id = a.id AND x.resolved_at IS NULL)
			ON CONFLICT DO NOTHING`, ReasonOverdue, now, now)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		eps, err := openEpisodes(ctx, tx)
		if err != nil {
			return err
		}
		ids := make([]int64, len(eps))
		for i, e := range eps {
			ids[i] = e.ID
		}
		s.changed(tx, ids...)
		return nil
	})
	return int(n), err
}

// DefaultEscalationCheck is how often RunEscalations looks for overdue
// calls when given no interval.
const DefaultEscalationCheck = 5 * time.Minute

// RunEscalations checks for overdue calls every interval until ctx ends.
// Failures are logged and retried at the next tick.
func (s *Service) RunEscalations(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = DefaultEscalationCheck
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.CheckOverdue(ctx, s.now()); err != nil && ctx.Err() == nil {
			s.Log.Error("solidarity overdue check", "err", err)
		} else if n > 0 {
			s.Log.Info("solidarity calls overdue", "escalations", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
