package events

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"climatevolunteers/internal/db"
)

// Store holds the feature's SQL.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// Columns are read in this order by ScanEvent; "e." lets lists join.
const Columns = `e.id, e.title, e.summary, e.description, e.theme, e.owner_kind, COALESCE(e.initiative_id, 0), e.partner,
	COALESCE(e.district_code, ''), e.address, e.online_url, e.lat, e.lon, e.geo_lat, e.geo_lon, e.starts_at, e.ends_at,
	e.capacity, e.registration_opens_at, e.registration_closes_at, e.accessibility, e.status, e.version,
	e.confirmed, e.waitlisted, e.checked_in, COALESCE(e.created_by, 0), e.created_at, e.updated_at, e.published_at`

type scanner interface{ Scan(dest ...any) error }

// ScanEvent reads a row of Columns.
func ScanEvent(s scanner) (Event, error) {
	var e Event
	var lat, lon sql.NullFloat64
	var status string
	err := s.Scan(&e.ID, &e.Title, &e.Summary, &e.Description, &e.Theme, &e.OwnerKind, &e.InitiativeID, &e.Partner,
		&e.DistrictCode, &e.Address, &e.OnlineURL, &lat, &lon, &e.Geo.Lat, &e.Geo.Lon, &e.StartsAt, &e.EndsAt,
		&e.Capacity, &e.RegistrationOpensAt, &e.RegistrationClosesAt, &e.Accessibility, &status, &e.Version,
		&e.Confirmed, &e.Waitlisted, &e.CheckedIn, &e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &e.PublishedAt)
	if lat.Valid && lon.Valid {
		e.Point = &Point{lat.Float64, lon.Float64}
	}
	e.Status = Status(status)
	e.StartsAt, e.EndsAt = e.StartsAt.UTC(), e.EndsAt.UTC()
	return e, err
}

// Get reads one event, whatever its status.
func (s *Store) Get(ctx context.Context, id int64) (Event, error) {
	e, err := ScanEvent(s.db.QueryRow(ctx, "SELECT "+Columns+" FROM events e WHERE e.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

// GetTx reads one event inside tx; lock takes the row for the rest of the
// transaction (PostgreSQL; SQLite's single writer already serialises), so
// that counts read under it cannot change before the commit.
func GetTx(ctx context.Context, tx *db.Tx, id int64, lock bool) (Event, error) {
	q := "SELECT " + Columns + " FROM events e WHERE e.id = ?"
	if lock && tx.Engine() == db.Postgres {
		q += " FOR UPDATE"
	}
	e, err := ScanEvent(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return e, ErrNotFound
	}
	return e, err
}

func placeArgs(v valid, centroid Point) []any {
	geo := centroid
	var lat, lon any
	if v.point != nil {
		geo = *v.point
		lat, lon = v.point.Lat, v.point.Lon
	}
	var district any
	if v.DistrictCode != "" {
		district = v.DistrictCode
	}
	return []any{district, v.Address, v.OnlineURL, lat, lon, geo.Lat, geo.Lon}
}

func insertEvent(ctx context.Context, tx *db.Tx, v valid, centroid Point, author int64, now time.Time) (int64, error) {
	var initiative any
	if v.OwnerKind == OwnerInitiative {
		initiative = v.initiative
	}
	args := []any{v.Title, v.Summary, v.Description, v.Theme, v.OwnerKind, initiative, v.Partner}
	args = append(args, placeArgs(v, centroid)...)
	args = append(args, v.starts, v.ends, v.capacity, v.opens, v.closes, v.Accessibility, author, now, now)
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO events (title, summary, description, theme, owner_kind, initiative_id, partner,
		district_code, address, online_url, lat, lon, geo_lat, geo_lon, starts_at, ends_at, capacity,
		registration_opens_at, registration_closes_at, accessibility, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&id)
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, "INSERT INTO event_organisers (event_id, user_id, created_at) VALUES (?, ?, ?)", id, author, now)
	return id, err
}

// updateEvent writes an edit made from v.Version; ErrConflict when someone
// saved in the meantime. The owner does not change.
func updateEvent(ctx context.Context, tx *db.Tx, id int64, v valid, centroid Point, now time.Time) error {
	args := []any{v.Title, v.Summary, v.Description, v.Theme, v.Partner}
	args = append(args, placeArgs(v, centroid)...)
	args = append(args, v.starts, v.ends, v.capacity, v.opens, v.closes, v.Accessibility, now, id, v.Version)
	res, err := tx.Exec(ctx, `UPDATE events SET title = ?, summary = ?, description = ?, theme = ?, partner = ?,
		district_code = ?, address = ?, online_url = ?, lat = ?, lon = ?, geo_lat = ?, geo_lon = ?, starts_at = ?, ends_at = ?,
		capacity = ?, registration_opens_at = ?, registration_closes_at = ?, accessibility = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	return nil
}

// IsOrganiser reports whether userID is listed as an organiser of event id.
func IsOrganiser(ctx context.Context, q rowQuerier, id, userID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT COUNT(*) FROM event_organisers WHERE event_id = ? AND user_id = ?", id, userID).Scan(&n)
	return n > 0, err
}

// Sessions lists an event's workshops in time order.
func (s *Store) Sessions(ctx context.Context, eventID int64) ([]Session, error) {
	rows, err := s.db.Query(ctx, `SELECT id, event_id, title, description, starts_at, ends_at, capacity, confirmed, waitlisted, position
		FROM event_sessions WHERE event_id = ? ORDER BY starts_at, position, id`, eventID)
	if err != nil {
		return nil, err
	}
	return collectSessions(rows)
}

// SessionsTx lists an event's workshops inside tx.
func SessionsTx(ctx context.Context, tx *db.Tx, eventID int64) ([]Session, error) {
	rows, err := tx.Query(ctx, `SELECT id, event_id, title, description, starts_at, ends_at, capacity, confirmed, waitlisted, position
		FROM event_sessions WHERE event_id = ? ORDER BY starts_at, position, id`, eventID)
	if err != nil {
		return nil, err
	}
	return collectSessions(rows)
}

func collectSessions(rows *sql.Rows) ([]Session, error) {
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var x Session
		if err := rows.Scan(&x.ID, &x.EventID, &x.Title, &x.Description, &x.StartsAt, &x.EndsAt, &x.Capacity,
			&x.Confirmed, &x.Waitlisted, &x.Position); err != nil {
			return nil, err
		}
		x.StartsAt, x.EndsAt = x.StartsAt.UTC(), x.EndsAt.UTC()
		out = append(out, x)
	}
	return out, rows.Err()
}

func insertSession(ctx context.Context, tx *db.Tx, eventID int64, v validSession, position int) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO event_sessions (event_id, title, description, starts_at, ends_at, capacity, position)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, eventID, v.Title, v.Description, v.starts, v.ends, v.capacity, position).Scan(&id)
	return id, err
}

func setEventStatus(ctx context.Context, tx *db.Tx, id int64, from, to Status, now time.Time) (bool, error) {
	q := "UPDATE events SET status = ?, updated_at = ?, version = version + 1"
	args := []any{string(to), now}
	if to == Published {
		q += ", published_at = COALESCE(published_at, ?)"
		args = append(args, now)
	}
	res, err := tx.Exec(ctx, q+" WHERE id = ? AND status = ?", append(args, id, string(from))...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
