package monitor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Store holds the part's SQL. It reads the episodes' tables and counts;
// it never selects a person's id or registry row.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Episode is an episode as the dashboard and reports show it.
type Episode struct {
	ID        int64
	Hazard    string
	StartedAt time.Time
	EndedAt   *time.Time
	Districts []EpisodeDistrict // in the city's display order
	People    int               // people in scope (all assignments); lists only
	Calls     int               // calls recorded; lists only
}

// EpisodeDistrict is a district an episode covers.
type EpisodeDistrict struct {
	Code, Name string
	Level      int
	RemovedAt  *time.Time // its level fell below 3 during the episode
}

type scanner interface{ Scan(dest ...any) error }

func scanEpisode(s scanner, extra ...any) (Episode, error) {
	var e Episode
	var ended sql.NullTime
	err := s.Scan(append([]any{&e.ID, &e.Hazard, &e.StartedAt, &ended}, extra...)...)
	e.StartedAt = e.StartedAt.UTC()
	if ended.Valid {
		t := ended.Time.UTC()
		e.EndedAt = &t
	}
	return e, err
}

// Episode reads one episode with its districts.
func (s *Store) Episode(ctx context.Context, id int64) (Episode, error) {
	e, err := scanEpisode(s.db.QueryRow(ctx, "SELECT id, hazard, started_at, ended_at FROM solidarity_episodes WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	if err != nil {
		return e, err
	}
	byEpisode, err := s.districtsOf(ctx, []int64{id})
	e.Districts = byEpisode[id]
	return e, err
}

// districtsOf reads the districts of several episodes at once.
func (s *Store) districtsOf(ctx context.Context, ids []int64) (map[int64][]EpisodeDistrict, error) {
	out := map[int64][]EpisodeDistrict{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.Query(ctx, `SELECT ed.episode_id, ed.district_code, d.name, ed.level, ed.removed_at
		FROM solidarity_episode_districts ed JOIN districts d ON d.code = ed.district_code
		WHERE ed.episode_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY d.position, d.code`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d EpisodeDistrict
		var removed sql.NullTime
		if err := rows.Scan(&id, &d.Code, &d.Name, &d.Level, &removed); err != nil {
			return nil, err
		}
		if removed.Valid {
			t := removed.Time.UTC()
			d.RemovedAt = &t
		}
		out[id] = append(out[id], d)
	}
	return out, rows.Err()
}

// OpenEpisodes lists the episodes in progress, the latest first.
func (s *Store) OpenEpisodes(ctx context.Context) ([]Episode, error) {
	rows, err := s.db.Query(ctx, `SELECT id, hazard, started_at, ended_at FROM solidarity_episodes
		WHERE ended_at IS NULL ORDER BY started_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Episode
	for rows.Next() {
		e, err := scanEpisode(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Episodes lists a page of episodes, the latest first, with their
// districts and sizes, and how many there are in all.
func (s *Store) Episodes(ctx context.Context, offset, limit int) ([]Episode, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM solidarity_episodes").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT e.id, e.hazard, e.started_at, e.ended_at,
		(SELECT COUNT(*) FROM solidarity_assignments a WHERE a.episode_id = e.id),
		(SELECT COUNT(*) FROM solidarity_calls c WHERE c.episode_id = e.id)
		FROM solidarity_episodes e ORDER BY e.started_at DESC, e.id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Episode
	var ids []int64
	for rows.Next() {
		var people, calls int
		e, err := scanEpisode(rows, &people, &calls)
		if err != nil {
			return nil, 0, err
		}
		e.People, e.Calls = people, calls
		out = append(out, e)
		ids = append(ids, e.ID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	byEpisode, err := s.districtsOf(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Districts = byEpisode[out[i].ID]
	}
	return out, total, nil
}

// districtCount is a count of something in one district.
type districtCount struct {
	Code  string
	Count int
}

// liveCounts are the raw figures of a snapshot.
type liveCounts struct {
	Districts   []districtLive // by district code
	Escalations []escalationCount
	// Distinct volunteers over the whole episode.
	TotalVolunteers, TotalCallers int
}

type districtLive struct {
	Code string
	Figures
}

type escalationCount struct {
	Code, Reason string
	Count        int
}

// activeScope selects an episode's active assignments. On SQLite it walks
// the rows' id range sequentially rather than 20,000 index lookups: an
// episode's people are inserted together, so the range is tight, and it
// halves a snapshot's time. PostgreSQL plans this well by itself.
func (s *Store) activeScope(ctx context.Context, episodeID int64) (string, []any, error) {
	if s.db.Engine == db.Postgres {
		return "FROM solidarity_assignments WHERE episode_id = ? AND active = 1", []any{episodeID}, nil
	}
	var lo, hi sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT MIN(id), MAX(id) FROM solidarity_assignments WHERE episode_id = ?",
		episodeID).Scan(&lo, &hi); err != nil {
		return "", nil, err
	}
	return "FROM solidarity_assignments NOT INDEXED WHERE id BETWEEN ? AND ? AND episode_id = ? AND active = 1",
		[]any{lo.Int64, hi.Int64, episodeID}, nil
}

// volunteerColumns are the main pass's last two columns: the distinct
// volunteers of a district and those of them whose people were called
// recently. PostgreSQL counts them, and a second query counts the
// episode's (a volunteer of two districts counts once). SQLite lists them
// instead, comma separated, and the episode's total is their union: a
// second pass costs more there than the lists.
func volunteerColumns(e db.Engine) string {
	if e == db.Postgres {
		return "COUNT(DISTINCT volunteer_id), COUNT(DISTINCT CASE WHEN last_call_at >= ? THEN volunteer_id END)"
	}
	return "GROUP_CONCAT(DISTINCT volunteer_id), GROUP_CONCAT(DISTINCT CASE WHEN last_call_at >= ? THEN volunteer_id END)"
}

// LiveCounts counts the people in an episode (active assignments) by
// district and last outcome, their volunteers and those of them whose
// people were called since callersSince, and the escalations waiting, by
// district and reason. One grouped pass over the episode's assignments
// (two on PostgreSQL) and one over its escalations: a snapshot stays a
// few tens of milliseconds at 20,000 people (BenchmarkSnapshot).
func (s *Store) LiveCounts(ctx context.Context, episodeID int64, now, callersSince time.Time) (liveCounts, error) {
	var c liveCounts
	scope, args, err := s.activeScope(ctx, episodeID)
	if err != nil {
		return c, err
	}
	e := s.db.Engine
	rows, err := s.db.Query(ctx, `SELECT district_code, COUNT(*),
		SUM(CASE WHEN volunteer_id IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN calls > 0 THEN 1 ELSE 0 END),
		SUM(CASE WHEN last_outcome = 'fine' THEN 1 ELSE 0 END),
		SUM(CASE WHEN last_outcome = 'needs_help' THEN 1 ELSE 0 END),
		SUM(CASE WHEN last_outcome = 'not_reached' THEN 1 ELSE 0 END),
		SUM(CASE WHEN last_outcome = '' THEN 1 ELSE 0 END),
		SUM(CASE WHEN next_due_at < ? AND volunteer_id IS NOT NULL THEN 1 ELSE 0 END),
		`+volunteerColumns(e)+` `+scope+` GROUP BY district_code ORDER BY district_code`,
		append([]any{now, callersSince}, args...)...)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	volunteers, callers := map[int64]bool{}, map[int64]bool{}
	for rows.Next() {
		var d districtLive
		var vols, calling sql.NullString // counts on PostgreSQL, lists on SQLite
		f := &d.Figures
		if err := rows.Scan(&d.Code, &f.People, &f.Matched, &f.Called, &f.Fine, &f.NeedsHelp, &f.NotReached,
			&f.NotCalled, &f.Overdue, &vols, &calling); err != nil {
			return c, err
		}
		f.Unmatched = f.People - f.Matched
		if e == db.Postgres {
			f.Volunteers, err = strconv.Atoi(vols.String)
			if err == nil {
				f.Callers, err = strconv.Atoi(calling.String)
			}
		} else {
			f.Volunteers, err = collectIDs(vols.String, volunteers)
			if err == nil {
				f.Callers, err = collectIDs(calling.String, callers)
			}
		}
		if err != nil {
			return c, err
		}
		c.Districts = append(c.Districts, d)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows.Close()
	c.TotalVolunteers, c.TotalCallers = len(volunteers), len(callers)
	if e == db.Postgres {
		if err := s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT volunteer_id),
			COUNT(DISTINCT CASE WHEN last_call_at >= ? THEN volunteer_id END) `+scope,
			append([]any{callersSince}, args...)...).Scan(&c.TotalVolunteers, &c.TotalCallers); err != nil {
			return c, err
		}
	}

	rows, err = s.db.Query(ctx, `SELECT district_code, reason, COUNT(*) FROM solidarity_escalations
		WHERE episode_id = ? AND resolved_at IS NULL GROUP BY district_code, reason ORDER BY district_code, reason`, episodeID)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var e escalationCount
		if err := rows.Scan(&e.Code, &e.Reason, &e.Count); err != nil {
			return c, err
		}
		c.Escalations = append(c.Escalations, e)
	}
	return c, rows.Err()
}

// collectIDs adds the ids of a comma-separated list to set and says how
// many the list holds.
func collectIDs(list string, set map[int64]bool) (int, error) {
	if list == "" {
		return 0, nil
	}
	n := 0
	for f := range strings.SplitSeq(list, ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("volunteer id %q: %w", f, err)
		}
		set[id] = true
		n++
	}
	return n, nil
}

// districtCounts runs a query of (district_code, count) rows.
func (s *Store) districtCounts(ctx context.Context, query string, args ...any) ([]districtCount, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []districtCount
	for rows.Next() {
		var d districtCount
		if err := rows.Scan(&d.Code, &d.Count); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
