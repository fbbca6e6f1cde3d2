package network

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Store holds the network's SQL.
type Store struct{ db *db.DB }

// querier reads through the read pool (*db.DB) or a transaction (*db.Tx).
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

const memberColumns = "user_id, capacity, lat, lon, joined_at, withdrawn_at, version"

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var lat, lon sql.NullFloat64
	var withdrawn sql.NullTime
	if err := row.Scan(&m.UserID, &m.Capacity, &lat, &lon, &m.JoinedAt, &withdrawn, &m.Version); err != nil {
		return m, err
	}
	if lat.Valid && lon.Valid {
		m.Lat, m.Lon = &lat.Float64, &lon.Float64
	}
	if withdrawn.Valid {
		m.WithdrawnAt = &withdrawn.Time
	}
	return m, nil
}

// member reads a member with their districts and languages; ok is false
// for someone who never joined. lock holds the row until the end of the
// transaction on PostgreSQL (SQLite's single writer already serialises).
func member(ctx context.Context, q querier, userID int64, lock bool) (Member, bool, error) {
	query := "SELECT " + memberColumns + " FROM solidarity_members WHERE user_id = ?"
	if tx, isTx := q.(*db.Tx); lock && isTx && tx.Engine() == db.Postgres {
		query += " FOR UPDATE"
	}
	m, err := scanMember(q.QueryRow(ctx, query, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	if err != nil {
		return m, false, err
	}
	lists, err := memberLists(ctx, q, []int64{userID})
	if err != nil {
		return m, false, err
	}
	m.Districts, m.Languages = lists[userID].districts, lists[userID].languages
	return m, true, nil
}

// Member reads a member (see member).
func (s *Store) Member(ctx context.Context, userID int64) (Member, bool, error) {
	return member(ctx, s.db, userID, false)
}

type lists struct{ districts, languages []string }

// memberLists reads the districts (main first) and languages of members;
// a nil ids means every member.
func memberLists(ctx context.Context, q querier, ids []int64) (map[int64]lists, error) {
	out := map[int64]lists{}
	where := ""
	if ids != nil {
		if len(ids) == 0 {
			return out, nil
		}
		where = " WHERE user_id IN (" + idList(ids) + ")"
	}
	err := eachRow(ctx, q, "SELECT user_id, district_code FROM solidarity_member_districts"+where+" ORDER BY user_id, position",
		func(id int64, v string) {
			l := out[id]
			l.districts = append(l.districts, v)
			out[id] = l
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, q, "SELECT user_id, lang FROM solidarity_member_languages"+where+" ORDER BY user_id, lang",
		func(id int64, v string) {
			l := out[id]
			l.languages = append(l.languages, v)
			out[id] = l
		})
	return out, err
}

// eachRow runs a query of (id, text) rows.
func eachRow(ctx context.Context, q querier, query string, fn func(int64, string), args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			return err
		}
		fn(id, v)
	}
	return rows.Err()
}

// idList writes ids for an IN clause: integers only, so nothing to escape.
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

func nullable(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// insertMember adds a new member; false when a row already exists (another
// tab joined first).
func insertMember(ctx context.Context, tx *db.Tx, userID int64, v valid, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO solidarity_members (user_id, capacity, lat, lon, joined_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (user_id) DO NOTHING`,
		userID, v.capacity, nullable(v.lat), nullable(v.lon), now, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	return true, replaceLists(ctx, tx, userID, v)
}

// updateMember saves a member's new answers; rejoin clears a withdrawal
// and dates the new membership.
func updateMember(ctx context.Context, tx *db.Tx, m Member, v valid, now time.Time) error {
	joined := m.JoinedAt
	if !m.Active() {
		joined = now
	}
	_, err := tx.Exec(ctx, `UPDATE solidarity_members SET capacity = ?, lat = ?, lon = ?, joined_at = ?, withdrawn_at = NULL,
		updated_at = ?, version = version + 1 WHERE user_id = ?`,
		v.capacity, nullable(v.lat), nullable(v.lon), joined, now, m.UserID)
	if err != nil {
		return err
	}
	return replaceLists(ctx, tx, m.UserID, v)
}

func replaceLists(ctx context.Context, tx *db.Tx, userID int64, v valid) error {
	for _, table := range []string{"solidarity_member_districts", "solidarity_member_languages"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE user_id = ?", userID); err != nil {
			return err
		}
	}
	for i, d := range v.districts {
		if _, err := tx.Exec(ctx, "INSERT INTO solidarity_member_districts (user_id, district_code, position) VALUES (?, ?, ?)",
			userID, d, i); err != nil {
			return err
		}
	}
	for _, l := range v.languages {
		if _, err := tx.Exec(ctx, "INSERT INTO solidarity_member_languages (user_id, lang) VALUES (?, ?)", userID, l); err != nil {
			return err
		}
	}
	return nil
}

// withdrawMember dates a member's withdrawal; false when they were not an
// active member, so that only one transaction ever reports it.
func withdrawMember(ctx context.Context, tx *db.Tx, userID int64, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE solidarity_members SET withdrawn_at = ?, updated_at = ?, version = version + 1
		WHERE user_id = ? AND withdrawn_at IS NULL`, now, now, userID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Attempt is one graded quiz.
type Attempt struct {
	Version, Score, Total int
	Passed                bool
	At                    time.Time
}

func recordAttempt(ctx context.Context, tx *db.Tx, userID int64, r Result, now time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO solidarity_training_attempts (user_id, version, score, total, passed, attempted_at)
		VALUES (?, ?, ?, ?, ?, ?)`, userID, r.Version, r.Score, r.Total, r.Passed, now)
	return err
}

// Attempts lists a person's attempts, newest first, at most limit.
func (s *Store) Attempts(ctx context.Context, userID int64, limit int) ([]Attempt, error) {
	rows, err := s.db.Query(ctx, `SELECT version, score, total, passed, attempted_at FROM solidarity_training_attempts
		WHERE user_id = ? ORDER BY attempted_at DESC, id DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attempt
	for rows.Next() {
		var a Attempt
		if err := rows.Scan(&a.Version, &a.Score, &a.Total, &a.Passed, &a.At); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Passed returns the last passed attempt at version, if any.
func (s *Store) Passed(ctx context.Context, userID int64, version int) (*Attempt, error) {
	a := Attempt{Version: version, Passed: true}
	err := s.db.QueryRow(ctx, `SELECT score, total, attempted_at FROM solidarity_training_attempts
		WHERE user_id = ? AND version = ? AND passed = ? ORDER BY attempted_at DESC, id DESC LIMIT 1`, userID, version, true).
		Scan(&a.Score, &a.Total, &a.At)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// trainedClause is true for members m who passed the training's version
// (one argument: the version; the passed flag is bound after it).
const trainedClause = `EXISTS (SELECT 1 FROM solidarity_training_attempts a
	WHERE a.user_id = m.user_id AND a.version = ? AND a.passed = ?)`

// readyMembers lists active members trained at version, by user id.
func (s *Store) readyMembers(ctx context.Context, version int) ([]Member, error) {
	rows, err := s.db.Query(ctx, "SELECT "+memberColumns+" FROM solidarity_members m WHERE m.withdrawn_at IS NULL AND "+
		trainedClause+" ORDER BY m.user_id", version, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// activeIDs lists the members who have not withdrawn.
func (s *Store) activeIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.db.Query(ctx, "SELECT user_id FROM solidarity_members WHERE withdrawn_at IS NULL ORDER BY user_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
