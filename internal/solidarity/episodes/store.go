package episodes

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/db"
)

// The part's SQL. Reads take a querier: the database's read pool, or the
// write transaction when what is read decides a change.

type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

type scanner interface{ Scan(dest ...any) error }

// Episode is an episode and the districts it covers or covered.
type Episode struct {
	ID        int64
	Hazard    alerts.Hazard
	StartedAt time.Time
	EndedAt   *time.Time
	Districts []EpisodeDistrict
}

// Open reports whether the episode is still running.
func (e Episode) Open() bool { return e.EndedAt == nil }

// EpisodeDistrict is a district of an episode.
type EpisodeDistrict struct {
	Code      string
	Level     int
	AddedAt   time.Time
	RemovedAt *time.Time
}

// Assignment is one person of an episode and who calls them.
type Assignment struct {
	ID                int64
	EpisodeID         int64
	Hazard            alerts.Hazard
	EpisodeOpen       bool
	PersonID          int64 // 0 once the registration is erased
	District          string
	Level             int // the district's level in the episode
	VolunteerID       int64
	FormerVolunteerID int64 // their volunteer before the last move, 0 if none
	UnmatchedReason   string
	Kept              bool
	Meters            int64
	Active            bool
	Calls             int
	LastOutcome       string
	LastCallAt        *time.Time
	NextDueAt         time.Time
	AssignedAt        time.Time // when the person came into the episode's calls (or back); a move keeps it
	Version           int
}

// Due reports whether the person should be called now: never called yet,
// not reached at the last try, or the level's interval since the last
// answer has passed.
func (a Assignment) Due(now time.Time) bool {
	return a.LastCallAt == nil || a.LastOutcome == OutcomeNotReached || !now.Before(a.NextDueAt)
}

const assignmentColumns = `a.id, a.episode_id, e.hazard, e.ended_at IS NULL, COALESCE(a.person_id, 0), a.district_code,
	COALESCE(d.level, 3), COALESCE(a.volunteer_id, 0), COALESCE(a.previous_volunteer_id, 0), a.unmatched_reason, a.kept, a.meters, a.active, a.calls,
	a.last_outcome, a.last_call_at, a.next_due_at, a.assigned_at, a.version`

const assignmentFrom = ` FROM solidarity_assignments a JOIN solidarity_episodes e ON e.id = a.episode_id
	LEFT JOIN solidarity_episode_districts d ON d.episode_id = a.episode_id AND d.district_code = a.district_code`

func scanAssignment(s scanner) (Assignment, error) {
	var a Assignment
	var hazard string
	var open, kept, active bool
	var last sql.NullTime
	err := s.Scan(&a.ID, &a.EpisodeID, &hazard, &open, &a.PersonID, &a.District, &a.Level, &a.VolunteerID, &a.FormerVolunteerID,
		&a.UnmatchedReason, &kept, &a.Meters, &active, &a.Calls, &a.LastOutcome, &last, &a.NextDueAt, &a.AssignedAt, &a.Version)
	a.Hazard, a.EpisodeOpen, a.Kept, a.Active = alerts.Hazard(hazard), open, kept, active
	if last.Valid {
		t := last.Time.UTC()
		a.LastCallAt = &t
	}
	a.NextDueAt, a.AssignedAt = a.NextDueAt.UTC(), a.AssignedAt.UTC()
	return a, err
}

// getAssignment reads one assignment; lock holds its row on PostgreSQL
// (SQLite's single writer already serialises).
func getAssignment(ctx context.Context, q querier, id int64, lock bool) (Assignment, error) {
	query := "SELECT " + assignmentColumns + assignmentFrom + " WHERE a.id = ?"
	if tx, ok := q.(*db.Tx); ok && lock && tx.Engine() == db.Postgres {
		query += " FOR UPDATE OF a"
	}
	a, err := scanAssignment(q.QueryRow(ctx, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	return a, err
}

func collectAssignments(ctx context.Context, q querier, where string, args ...any) ([]Assignment, error) {
	rows, err := q.Query(ctx, "SELECT "+assignmentColumns+assignmentFrom+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// callableWhere selects the assignments a volunteer may see: theirs,
// active, of a registered person, in an open episode.
const callableWhere = "a.volunteer_id = ? AND a.active = 1 AND a.person_id IS NOT NULL AND e.ended_at IS NULL"

// lockAssignments serialises the changes that move people between
// volunteers on PostgreSQL (SQLite's single writer already does): the
// capacity read under it stays true until the commit.
func lockAssignments(ctx context.Context, tx *db.Tx) error {
	if tx.Engine() != db.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(assignLockKey))
	return err
}

const assignLockKey = 7210351

// openEpisodes lists the running episodes with their districts.
func openEpisodes(ctx context.Context, q querier) ([]Episode, error) {
	return episodesWhere(ctx, q, "ended_at IS NULL ORDER BY started_at, id")
}

func episodesWhere(ctx context.Context, q querier, where string, args ...any) ([]Episode, error) {
	rows, err := q.Query(ctx, "SELECT id, hazard, started_at, ended_at FROM solidarity_episodes WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	var out []Episode
	for rows.Next() {
		var e Episode
		var hazard string
		var ended sql.NullTime
		if err := rows.Scan(&e.ID, &hazard, &e.StartedAt, &ended); err != nil {
			rows.Close()
			return nil, err
		}
		e.Hazard, e.StartedAt = alerts.Hazard(hazard), e.StartedAt.UTC()
		if ended.Valid {
			t := ended.Time.UTC()
			e.EndedAt = &t
		}
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Districts, err = episodeDistricts(ctx, q, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func episodeDistricts(ctx context.Context, q querier, episodeID int64) ([]EpisodeDistrict, error) {
	rows, err := q.Query(ctx, `SELECT district_code, level, added_at, removed_at FROM solidarity_episode_districts
		WHERE episode_id = ? ORDER BY district_code`, episodeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EpisodeDistrict
	for rows.Next() {
		var d EpisodeDistrict
		var removed sql.NullTime
		if err := rows.Scan(&d.Code, &d.Level, &d.AddedAt, &removed); err != nil {
			return nil, err
		}
		d.AddedAt = d.AddedAt.UTC()
		if removed.Valid {
			t := removed.Time.UTC()
			d.RemovedAt = &t
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// intervals reads the call interval of each level.
func intervals(ctx context.Context, q querier) (map[int]time.Duration, error) {
	rows, err := q.Query(ctx, "SELECT level, hours FROM solidarity_call_intervals")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var level, hours int
		if err := rows.Scan(&level, &hours); err != nil {
			return nil, err
		}
		out[level] = time.Duration(hours) * time.Hour
	}
	return out, rows.Err()
}

// interval is the level's interval, 48 hours when none is set.
func interval(iv map[int]time.Duration, level int) time.Duration {
	if d, ok := iv[level]; ok && d > 0 {
		return d
	}
	return 48 * time.Hour
}

// usedCapacity counts, per volunteer, the people they call in every open
// episode: a person they call in a heat and a flood episode counts once.
func usedCapacity(ctx context.Context, q querier) (map[int64]int, error) {
	rows, err := q.Query(ctx, `SELECT a.volunteer_id, COUNT(DISTINCT a.person_id) FROM solidarity_assignments a
		JOIN solidarity_episodes e ON e.id = a.episode_id
		WHERE a.active = 1 AND a.volunteer_id IS NOT NULL AND e.ended_at IS NULL GROUP BY a.volunteer_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// rescheduleDistrict sets the next call due of the district's active
// assignments at every after their last answered call, or after they were
// assigned when that is later (an unanswered call does not move it).
func rescheduleDistrict(ctx context.Context, tx *db.Tx, episodeID int64, district string, every time.Duration) error {
	// Timestamps are read as columns, not through MAX or COALESCE: SQLite
	// types an expression's result by value, and would give text.
	rows, err := tx.Query(ctx, `SELECT a.id, a.assigned_at, c.called_at FROM solidarity_assignments a
		LEFT JOIN solidarity_calls c ON c.assignment_id = a.id AND c.outcome <> ?
		WHERE a.episode_id = ? AND a.district_code = ? AND a.active = 1 ORDER BY a.id`, OutcomeNotReached, episodeID, district)
	if err != nil {
		return err
	}
	var ids []int64
	from := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var assigned time.Time
		var answered sql.NullTime
		if err := rows.Scan(&id, &assigned, &answered); err != nil {
			rows.Close()
			return err
		}
		if _, seen := from[id]; !seen {
			ids = append(ids, id)
		}
		for _, t := range []time.Time{assigned, answered.Time} {
			if t.After(from[id]) {
				from[id] = t
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := tx.Exec(ctx, "UPDATE solidarity_assignments SET next_due_at = ? WHERE id = ?",
			from[id].UTC().Add(every), id); err != nil {
			return err
		}
	}
	return nil
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// idList writes ids for an IN list: they are numbers, so they go in the
// text, which keeps statements under both engines' parameter limits.
func idList(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// chunks cuts ids into slices of at most n.
func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
