package events

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// The SQL of registrations. Every write runs in a transaction that holds
// the event's row (GetTx with lock), so the counters in events and
// event_sessions always equal the rows they count.

// Registration is one person's place (or wait) at an event.
type Registration struct {
	ID          int64
	EventID     int64
	UserID      int64
	Status      string // RegConfirmed, RegWaitlisted or RegCancelled
	Ticket      string
	AddedBy     int64
	CheckedInAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Position is the place in the event's waitlist (1 is next), 0 unless
	// waitlisted; filled by the reads that say so.
	Position int
	Choices  []Choice
}

// Active reports whether the registration holds or awaits a place.
func (r Registration) Active() bool { return r.Status == RegConfirmed || r.Status == RegWaitlisted }

// Choice is a workshop a registered person chose.
type Choice struct {
	SessionID int64
	Status    string // RegConfirmed or RegWaitlisted
	CreatedAt time.Time
	Position  int // place in the workshop's waitlist, 0 unless waitlisted
}

// newTicket is the random code of a registration's ticket: 18 bytes from
// crypto/rand, URL-safe base64 (24 characters).
func newTicket() string {
	b := make([]byte, 18)
	rand.Read(b) // never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

const regColumns = `id, event_id, user_id, status, ticket, COALESCE(added_by, 0), checked_in_at, created_at, updated_at`

func scanRegistration(s scanner) (Registration, error) {
	var r Registration
	var checked sql.NullTime
	err := s.Scan(&r.ID, &r.EventID, &r.UserID, &r.Status, &r.Ticket, &r.AddedBy, &checked, &r.CreatedAt, &r.UpdatedAt)
	if checked.Valid {
		t := checked.Time.UTC()
		r.CheckedInAt = &t
	}
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	return r, err
}

// insertRegistration adds a registration unless the person has one for the
// event already (any status): ok is false then.
func insertRegistration(ctx context.Context, tx *db.Tx, eventID, userID int64, status, ticket string, addedBy int64,
	now time.Time) (id int64, ok bool, err error) {
	var by any
	if addedBy > 0 {
		by = addedBy
	}
	err = tx.QueryRow(ctx, `INSERT INTO event_registrations (event_id, user_id, status, ticket, added_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) DO NOTHING RETURNING id`,
		eventID, userID, status, ticket, by, now, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// registrationTx reads a person's registration for an event.
func registrationTx(ctx context.Context, tx *db.Tx, eventID, userID int64) (Registration, error) {
	r, err := scanRegistration(tx.QueryRow(ctx, "SELECT "+regColumns+
		" FROM event_registrations WHERE event_id = ? AND user_id = ?", eventID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// registrationByIDTx reads a registration of an event by its id.
func registrationByIDTx(ctx context.Context, tx *db.Tx, eventID, regID int64) (Registration, error) {
	r, err := scanRegistration(tx.QueryRow(ctx, "SELECT "+regColumns+
		" FROM event_registrations WHERE event_id = ? AND id = ?", eventID, regID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// deleteRegistration removes a cancelled registration so that the person
// registers again at the back of the queue (a new id) with the same ticket.
func deleteRegistration(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM event_registrations WHERE id = ?", id)
	return err
}

func setRegistrationStatus(ctx context.Context, tx *db.Tx, id int64, status string, now time.Time) error {
	// A cancelled registration is no longer checked in: its count went down
	// with the cancellation, so an undo must not take it down again.
	q := "UPDATE event_registrations SET status = ?, updated_at = ? WHERE id = ?"
	if status == RegCancelled {
		q = "UPDATE event_registrations SET status = ?, updated_at = ?, checked_in_at = NULL WHERE id = ?"
	}
	_, err := tx.Exec(ctx, q, status, now, id)
	return err
}

// addEventCounts moves an event's counters.
func addEventCounts(ctx context.Context, tx *db.Tx, id int64, confirmed, waitlisted, checkedIn int) error {
	if confirmed == 0 && waitlisted == 0 && checkedIn == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, "UPDATE events SET confirmed = confirmed + ?, waitlisted = waitlisted + ?, checked_in = checked_in + ? WHERE id = ?",
		confirmed, waitlisted, checkedIn, id)
	return err
}

// addSessionCounts moves a workshop's counters.
func addSessionCounts(ctx context.Context, tx *db.Tx, id int64, confirmed, waitlisted int) error {
	if confirmed == 0 && waitlisted == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, "UPDATE event_sessions SET confirmed = confirmed + ?, waitlisted = waitlisted + ? WHERE id = ?",
		confirmed, waitlisted, id)
	return err
}

func insertChoice(ctx context.Context, tx *db.Tx, regID, sessionID int64, status string, now time.Time) error {
	_, err := tx.Exec(ctx, "INSERT INTO event_session_choices (registration_id, session_id, status, created_at) VALUES (?, ?, ?, ?)",
		regID, sessionID, status, now)
	return err
}

func deleteChoice(ctx context.Context, tx *db.Tx, regID, sessionID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM event_session_choices WHERE registration_id = ? AND session_id = ?", regID, sessionID)
	return err
}

// choicesTx lists a registration's workshop choices.
func choicesTx(ctx context.Context, tx *db.Tx, regID int64) ([]Choice, error) {
	rows, err := tx.Query(ctx, "SELECT session_id, status, created_at FROM event_session_choices WHERE registration_id = ? ORDER BY session_id", regID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Choice
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.SessionID, &c.Status, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// queued is a waitlisted registration about to be confirmed.
type queued struct{ regID, userID int64 }

func collectQueued(rows *sql.Rows) ([]queued, error) {
	defer rows.Close()
	var out []queued
	for rows.Next() {
		var q queued
		if err := rows.Scan(&q.regID, &q.userID); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// eventQueueTx gives the first n waitlisted registrations, oldest first.
func eventQueueTx(ctx context.Context, tx *db.Tx, eventID int64, n int) ([]queued, error) {
	rows, err := tx.Query(ctx, `SELECT id, user_id FROM event_registrations WHERE event_id = ? AND status = ?
		ORDER BY id LIMIT ?`, eventID, RegWaitlisted, n)
	if err != nil {
		return nil, err
	}
	return collectQueued(rows)
}

// sessionQueueTx gives the first n waitlisted choices of a workshop whose
// people hold a place at the event, oldest first: people still waiting
// for the day itself wait for its workshops too.
func sessionQueueTx(ctx context.Context, tx *db.Tx, sessionID int64, n int) ([]queued, error) {
	rows, err := tx.Query(ctx, `SELECT c.registration_id, r.user_id FROM event_session_choices c
		JOIN event_registrations r ON r.id = c.registration_id
		WHERE c.session_id = ? AND c.status = ? AND r.status = ?
		ORDER BY c.created_at, c.registration_id LIMIT ?`, sessionID, RegWaitlisted, RegConfirmed, n)
	if err != nil {
		return nil, err
	}
	return collectQueued(rows)
}

// idList writes ids for an IN (…) clause; they are numbers, never text.
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

func confirmRegistrations(ctx context.Context, tx *db.Tx, ids []int64, now time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE event_registrations SET status = ?, updated_at = ? WHERE id IN ("+idList(ids)+")",
		RegConfirmed, now)
	return err
}

func confirmChoices(ctx context.Context, tx *db.Tx, sessionID int64, regIDs []int64) error {
	_, err := tx.Exec(ctx, "UPDATE event_session_choices SET status = ? WHERE session_id = ? AND registration_id IN ("+idList(regIDs)+")",
		RegConfirmed, sessionID)
	return err
}

// waitlistPosition is a registration's place in its event's waitlist.
func waitlistPosition(ctx context.Context, q rowQuerier, eventID, regID int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM event_registrations WHERE event_id = ? AND status = ? AND id <= ?",
		eventID, RegWaitlisted, regID).Scan(&n)
	return n, err
}

// Registration reads a person's registration for an event (any status),
// with their workshop choices and waitlist positions; false when they never
// registered.
func (s *Store) Registration(ctx context.Context, eventID, userID int64) (Registration, bool, error) {
	r, err := scanRegistration(s.db.QueryRow(ctx, "SELECT "+regColumns+
		" FROM event_registrations WHERE event_id = ? AND user_id = ?", eventID, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if r.Status == RegWaitlisted {
		if r.Position, err = waitlistPosition(ctx, s.db, eventID, r.ID); err != nil {
			return r, true, err
		}
	}
	rows, err := s.db.Query(ctx, `SELECT c.session_id, c.status, c.created_at,
		(SELECT COUNT(*) FROM event_session_choices o JOIN event_registrations x ON x.id = o.registration_id
		 WHERE o.session_id = c.session_id AND o.status = ? AND x.status = ?
		 AND (o.created_at < c.created_at OR (o.created_at = c.created_at AND o.registration_id <= c.registration_id)))
		FROM event_session_choices c WHERE c.registration_id = ? ORDER BY c.session_id`, RegWaitlisted, RegConfirmed, r.ID)
	if err != nil {
		return r, true, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Choice
		if err := rows.Scan(&c.SessionID, &c.Status, &c.CreatedAt, &c.Position); err != nil {
			return r, true, err
		}
		if c.Status != RegWaitlisted {
			c.Position = 0
		}
		r.Choices = append(r.Choices, c)
	}
	return r, true, rows.Err()
}

// MaxListed bounds the registrations listed on the organisers' page.
const MaxListed = 5000

// Registrations lists an event's confirmed and waitlisted registrations,
// confirmed first, each in queue order, with their choices.
func (s *Store) Registrations(ctx context.Context, eventID int64) ([]Registration, error) {
	rows, err := s.db.Query(ctx, "SELECT "+regColumns+` FROM event_registrations
		WHERE event_id = ? AND status IN (?, ?) ORDER BY CASE status WHEN ? THEN 0 ELSE 1 END, id LIMIT ?`,
		eventID, RegConfirmed, RegWaitlisted, RegConfirmed, MaxListed)
	if err != nil {
		return nil, err
	}
	var out []Registration
	idx := map[int64]int{}
	waiting := 0
	for rows.Next() {
		r, err := scanRegistration(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		if r.Status == RegWaitlisted {
			waiting++
			r.Position = waiting
		}
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT c.registration_id, c.session_id, c.status, c.created_at FROM event_session_choices c
		JOIN event_registrations r ON r.id = c.registration_id WHERE r.event_id = ?
		ORDER BY c.session_id, c.created_at, c.registration_id`, eventID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var reg int64
		var c Choice
		if err := rows.Scan(&reg, &c.SessionID, &c.Status, &c.CreatedAt); err != nil {
			return nil, err
		}
		if i, ok := idx[reg]; ok {
			out[i].Choices = append(out[i].Choices, c)
		}
	}
	return out, rows.Err()
}
