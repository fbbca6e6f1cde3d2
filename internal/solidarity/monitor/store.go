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

// activeScope selects an episode's active assignments, or all of them
// when all is set. On SQLite it walks the rows' id range sequentially
// rather than 20,000 index lookups: an episode's people are inserted
// together, so the range is tight, and it halves a snapshot's time.
// PostgreSQL plans this well by itself.
func (s *Store) activeScope(ctx context.Context, episodeID int64, all bool) (string, []any, error) {
	active := " AND active = 1"
	if all {
		active = ""
	}
	if s.db.Engine == db.Postgres {
		return "FROM solidarity_assignments WHERE episode_id = ?" + active, []any{episodeID}, nil
	}
	var lo, hi sql.NullInt64
	if err := s.db.QueryRow(ctx, "SELECT MIN(id), MAX(id) FROM solidarity_assignments WHERE episode_id = ?",
		episodeID).Scan(&lo, &hi); err != nil {
		return "", nil, err
	}
	return "FROM solidarity_assignments NOT INDEXED WHERE id BETWEEN ? AND ? AND episode_id = ?" + active,
		[]any{lo.Int64, hi.Int64, episodeID}, nil
}

// volunteersColumn is the main pass's last column: the distinct
// volunteers of a district. PostgreSQL counts them, and a second query
// counts the episode's (a volunteer of two districts counts once). SQLite
// lists them instead, comma separated, and the episode's total is their
// union: a second pass costs more there than the lists.
func volunteersColumn(e db.Engine) string {
	if e == db.Postgres {
		return "COUNT(DISTINCT volunteer_id)"
	}
	return "GROUP_CONCAT(DISTINCT volunteer_id)"
}

// recentCallers counts the volunteers who recorded a call since a time to
// a person of the episode's active assignments (all of them when all is
// set), whoever holds the person now: by district, and in all (each once).
// The query lists the calls' (volunteer, district) pairs in one string
// that Go counts: grouping them in SQL sorts them, which costs the engines
// twice as much. SQLite reads the calls sequentially from the first
// recent one (calls are inserted as they are made, so the range is about
// the recent ones) rather than through the index, again twice as fast.
func (s *Store) recentCallers(ctx context.Context, episodeID int64, since time.Time, all bool) (map[string]int, int, error) {
	q := `SELECT string_agg(c.volunteer_id || ':' || a.district_code, chr(30))
		FROM solidarity_calls c JOIN solidarity_assignments a ON a.id = c.assignment_id
		WHERE c.episode_id = ? AND c.called_at >= ?`
	args := []any{episodeID, since}
	if s.db.Engine != db.Postgres {
		q = `SELECT GROUP_CONCAT(c.volunteer_id || ':' || a.district_code, char(30))
			FROM solidarity_calls c NOT INDEXED JOIN solidarity_assignments a ON a.id = c.assignment_id
			WHERE c.id >= (SELECT MIN(id) FROM solidarity_calls WHERE episode_id = ? AND called_at >= ?)
			AND c.episode_id = ? AND c.called_at >= ?`
		args = append(args, episodeID, since)
	}
	if !all {
		q += " AND a.active = 1"
	}
	byDistrict := map[string]int{}
	var list sql.NullString
	if err := s.db.QueryRow(ctx, q, args...).Scan(&list); err != nil || list.String == "" {
		return byDistrict, 0, err
	}
	// Each pair is a number: the volunteer's id, shifted, plus the
	// district's index in codes (a few tens).
	index, codes := map[string]int64{}, []string{}
	pairs, volunteers := map[int64]bool{}, map[int64]bool{}
	for pair := range strings.SplitSeq(list.String, "\x1e") {
		id, code, _ := strings.Cut(pair, ":") // an id has no colon; a code may
		v, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("volunteer id %q: %w", id, err)
		}
		i, ok := index[code]
		if !ok {
			i = int64(len(codes))
			index[code] = i
			codes = append(codes, code)
		}
		pairs[v<<16|i] = true
		volunteers[v] = true
	}
	for p := range pairs {
		byDistrict[codes[p&0xffff]]++
	}
	return byDistrict, len(volunteers), nil
}

// LiveCounts counts the people in an episode (active assignments, or all
// of them when all is set) by district and last outcome, their volunteers, the volunteers who
// recorded a call since callersSince (whoever holds the person now), and
// the escalations waiting, by district and reason. One grouped pass over
// the episode's assignments (two on PostgreSQL), one over its recent calls
// (recentCallers) and one over its escalations: a snapshot stays a few
// tens of milliseconds at 20,000 people (BenchmarkSnapshot).
func (s *Store) LiveCounts(ctx context.Context, episodeID int64, all bool, now, callersSince time.Time) (liveCounts, error) {
	var c liveCounts
	scope, args, err := s.activeScope(ctx, episodeID, all)
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
		`+volunteersColumn(e)+` `+scope+` GROUP BY district_code ORDER BY district_code`,
		append([]any{now}, args...)...)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	volunteers := map[int64]bool{}
	for rows.Next() {
		var d districtLive
		var vols sql.NullString
		f := &d.Figures
		if err := rows.Scan(&d.Code, &f.People, &f.Matched, &f.Called, &f.Fine, &f.NeedsHelp, &f.NotReached,
			&f.NotCalled, &f.Overdue, &vols); err != nil {
			return c, err
		}
		f.Unmatched = f.People - f.Matched
		if e == db.Postgres {
			f.Volunteers, err = strconv.Atoi(vols.String)
		} else {
			f.Volunteers, err = collectIDs(vols.String, volunteers)
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

	c.TotalVolunteers = len(volunteers)
	if e == db.Postgres {
		if err := s.db.QueryRow(ctx, `SELECT COUNT(DISTINCT volunteer_id) `+scope, args...).Scan(&c.TotalVolunteers); err != nil {
			return c, err
		}
	}
	byDistrict, total, err := s.recentCallers(ctx, episodeID, callersSince, all)
	if err != nil {
		return c, err
	}
	for i := range c.Districts {
		c.Districts[i].Callers = byDistrict[c.Districts[i].Code]
	}
	c.TotalCallers = total

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
