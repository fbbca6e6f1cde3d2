package events

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Calendars: each event as .ics, public feeds of upcoming events (all, per
// district, per theme) and each person's "my events" feed behind a private
// address. The address holds a random token; only its SHA-256 is stored, so
// it is shown once, when made, and a leaked one is replaced by a new one.

const (
	// calLookback keeps events that ended recently in the feeds, so that a
	// subscribed calendar does not lose yesterday's event the moment it
	// ends.
	calLookback = 30 * 24 * time.Hour
	// calFeedMax bounds a feed: far more than the city runs in months.
	calFeedMax = 1000
	// calRefresh is how often subscribed applications are asked to poll.
	calRefresh = time.Hour
)

// calFilter narrows a public feed.
type calFilter struct {
	District, Theme string
}

// calendarEvents lists the public events (published or cancelled, so that
// subscribers see the cancellation) that end after since, in time order.
func (s *Store) calendarEvents(ctx context.Context, f calFilter, since time.Time) ([]Event, error) {
	q := "SELECT " + Columns + " FROM events e WHERE e.status IN (?, ?) AND e.ends_at > ?"
	args := []any{string(Published), string(Cancelled), since.UTC()}
	if f.District != "" {
		q += " AND e.district_code = ?"
		args = append(args, f.District)
	}
	if f.Theme != "" {
		q += " AND e.theme = ?"
		args = append(args, f.Theme)
	}
	q += " ORDER BY e.starts_at, e.id LIMIT ?"
	rows, err := s.db.Query(ctx, q, append(args, calFeedMax)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := ScanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// sessionsOf reads the workshops of events, by event.
func (s *Store) sessionsOf(ctx context.Context, ids []int64) (map[int64][]Session, error) {
	out := map[int64][]Session{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.db.Query(ctx, `SELECT id, event_id, title, description, starts_at, ends_at, capacity, confirmed, waitlisted, position
			FROM event_sessions WHERE event_id IN (`+calPlaceholders(len(chunk))+`) ORDER BY starts_at, position, id`, args...)
		if err != nil {
			return nil, err
		}
		list, err := collectSessions(rows)
		if err != nil {
			return nil, err
		}
		for _, x := range list {
			out[x.EventID] = append(out[x.EventID], x)
		}
	}
	return out, nil
}

func calPlaceholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// calMyEntry is one registration of a person's calendar: the event, the
// registration's status, and the workshops they chose with each choice's
// status.
type calMyEntry struct {
	Event    Event
	Status   string // confirmed or waitlisted
	Sessions []Session
	Choices  map[int64]string // session id -> confirmed or waitlisted
}

// calScanner scans Columns followed by more columns.
type calScanner struct {
	row   scanner
	extra []any
}

func (x calScanner) Scan(dest ...any) error { return x.row.Scan(append(dest, x.extra...)...) }

// myCalendar lists the person's confirmed and waitlisted registrations for
// public events that end after since, with the workshops they chose.
func (s *Store) myCalendar(ctx context.Context, userID int64, since time.Time) ([]calMyEntry, error) {
	rows, err := s.db.Query(ctx, "SELECT "+Columns+`, r.id, r.status FROM event_registrations r JOIN events e ON e.id = r.event_id
		WHERE r.user_id = ? AND r.status IN (?, ?) AND e.status IN (?, ?) AND e.ends_at > ?
		ORDER BY e.starts_at, e.id LIMIT ?`, userID, RegConfirmed, RegWaitlisted, string(Published), string(Cancelled), since.UTC(), calFeedMax)
	if err != nil {
		return nil, err
	}
	var out []calMyEntry
	byReg := map[int64]int{}
	for rows.Next() {
		var reg int64
		var status string
		e, err := ScanEvent(calScanner{rows, []any{&reg, &status}})
		if err != nil {
			rows.Close()
			return nil, err
		}
		byReg[reg] = len(out)
		out = append(out, calMyEntry{Event: e, Status: status, Choices: map[int64]string{}})
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	args := make([]any, 0, len(byReg)+2)
	for reg := range byReg {
		args = append(args, reg)
	}
	rows, err = s.db.Query(ctx, `SELECT c.registration_id, c.status, s.id, s.event_id, s.title, s.description, s.starts_at, s.ends_at,
		s.capacity, s.confirmed, s.waitlisted, s.position
		FROM event_session_choices c JOIN event_sessions s ON s.id = c.session_id
		WHERE c.registration_id IN (`+calPlaceholders(len(byReg))+`) AND c.status IN (?, ?) ORDER BY s.starts_at, s.position, s.id`,
		append(args, RegConfirmed, RegWaitlisted)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var reg int64
		var status string
		var x Session
		if err := rows.Scan(&reg, &status, &x.ID, &x.EventID, &x.Title, &x.Description, &x.StartsAt, &x.EndsAt,
			&x.Capacity, &x.Confirmed, &x.Waitlisted, &x.Position); err != nil {
			return nil, err
		}
		x.StartsAt, x.EndsAt = x.StartsAt.UTC(), x.EndsAt.UTC()
		i := byReg[reg]
		out[i].Sessions = append(out[i].Sessions, x)
		out[i].Choices[x.ID] = status
	}
	return out, rows.Err()
}

// hashCalendarToken is what event_calendar_tokens stores of a token.
func hashCalendarToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CalendarTokenSince tells whether the person has a private calendar
// address, and since when.
func (s *Service) CalendarTokenSince(ctx context.Context, userID int64) (*time.Time, error) {
	var at time.Time
	err := s.DB.QueryRow(ctx, "SELECT created_at FROM event_calendar_tokens WHERE user_id = ?", userID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &at, nil
}

// ResetCalendarToken gives the person a new private calendar address token;
// the previous address stops working at once.
func (s *Service) ResetCalendarToken(ctx context.Context, userID int64) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		// One statement: two resets at once leave one address, never an error.
		_, err := tx.Exec(ctx, `INSERT INTO event_calendar_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at`,
			userID, hashCalendarToken(token), db.Now())
		return err
	})
	return token, err
}

// calendarOwner finds whose private address token is; ErrNotFound when none.
func (s *Service) calendarOwner(ctx context.Context, token string) (int64, error) {
	if len(token) < 20 || len(token) > 100 {
		return 0, ErrNotFound
	}
	var user int64
	err := s.DB.QueryRow(ctx, "SELECT user_id FROM event_calendar_tokens WHERE token_hash = ?", hashCalendarToken(token)).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return user, err
}
