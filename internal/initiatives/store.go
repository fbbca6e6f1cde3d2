package initiatives

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Store holds the feature's SQL.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// columns are read in this order by scanInitiative; "i." lets lists join.
const columns = `i.id, i.title, i.summary, i.description, i.theme, COALESCE(i.district_code, ''), i.address,
	i.lat, i.lon, i.geo_lat, i.geo_lon, i.starts_on, i.ends_on, i.ongoing, i.contact, i.links, i.image, i.partner,
	i.status, i.hidden, i.needs_review, i.version, i.participants, i.followers, i.reports, COALESCE(i.created_by, 0),
	i.created_at, i.updated_at, i.submitted_at, i.published_at`

type scanner interface{ Scan(dest ...any) error }

func scanInitiative(s scanner) (Initiative, error) {
	var in Initiative
	var lat, lon sql.NullFloat64
	var links, status string
	err := s.Scan(&in.ID, &in.Title, &in.Summary, &in.Description, &in.Theme, &in.DistrictCode, &in.Address,
		&lat, &lon, &in.Geo.Lat, &in.Geo.Lon, &in.StartsOn, &in.EndsOn, &in.Ongoing, &in.Contact, &links, &in.Image, &in.Partner,
		&status, &in.Hidden, &in.NeedsReview, &in.Version, &in.Participants, &in.Followers, &in.Reports, &in.CreatedBy,
		&in.CreatedAt, &in.UpdatedAt, &in.SubmittedAt, &in.PublishedAt)
	if lat.Valid && lon.Valid {
		in.Point = &Point{Lat: lat.Float64, Lon: lon.Float64}
	}
	if links != "" {
		in.Links = strings.Split(links, "\n")
	}
	in.Status = Status(status)
	return in, err
}

// Get reads one initiative, whatever its status.
func (s *Store) Get(ctx context.Context, id int64) (Initiative, error) {
	in, err := scanInitiative(s.db.QueryRow(ctx, "SELECT "+columns+" FROM initiatives i WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, ErrNotFound
	}
	return in, err
}

// getTx reads one initiative inside a transaction, to decide on its current
// state.
func getTx(ctx context.Context, tx *db.Tx, id int64) (Initiative, error) {
	in, err := scanInitiative(tx.QueryRow(ctx, "SELECT "+columns+" FROM initiatives i WHERE i.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, ErrNotFound
	}
	return in, err
}

// pointArgs are the stored lat, lon (NULL without a point) and the point
// used for distances.
func pointArgs(v validated, centroid Point) []any {
	geo := centroid
	var lat, lon any
	if v.point != nil {
		geo = *v.point
		lat, lon = v.point.Lat, v.point.Lon
	}
	return []any{lat, lon, geo.Lat, geo.Lon}
}

func insertInitiative(ctx context.Context, tx *db.Tx, v validated, centroid Point, author int64, status Status, now time.Time) (int64, error) {
	args := []any{v.Title, v.Summary, v.Description, v.Theme, v.DistrictCode, v.Address}
	args = append(args, pointArgs(v, centroid)...)
	args = append(args, v.StartsOn, v.EndsOn, v.Ongoing, v.Contact, strings.Join(v.links, "\n"), v.Partner,
		string(status), author, now, now, synStems(v.Title, v.Summary))
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO initiatives (title, summary, description, theme, district_code, address,
		lat, lon, geo_lat, geo_lon, starts_on, ends_on, ongoing, contact, links, partner, status, created_by, created_at, updated_at,
		synergy_terms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&id)
	return id, err
}

// updateInitiative writes an edit made from version v.Version. No row
// changes when someone else saved in the meantime: ErrConflict.
func updateInitiative(ctx context.Context, tx *db.Tx, id int64, v validated, centroid Point, now time.Time) error {
	args := []any{v.Title, v.Summary, v.Description, v.Theme, v.DistrictCode, v.Address}
	args = append(args, pointArgs(v, centroid)...)
	args = append(args, v.StartsOn, v.EndsOn, v.Ongoing, v.Contact, strings.Join(v.links, "\n"), v.Partner, now,
		synStems(v.Title, v.Summary), string(Published), string(Paused), id, v.Version)
	res, err := tx.Exec(ctx, `UPDATE initiatives SET title = ?, summary = ?, description = ?, theme = ?, district_code = ?,
		address = ?, lat = ?, lon = ?, geo_lat = ?, geo_lon = ?, starts_on = ?, ends_on = ?, ongoing = ?, contact = ?,
		links = ?, partner = ?, updated_at = ?, synergy_terms = ?, version = version + 1,
		needs_review = (needs_review OR status IN (?, ?)) WHERE id = ? AND version = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	return nil
}

// setStatus moves an initiative from one of the given statuses to another;
// ErrTransition when it is in none of them.
func setStatus(ctx context.Context, tx *db.Tx, id int64, from []Status, to Status, now time.Time) error {
	q := "UPDATE initiatives SET status = ?, updated_at = ?, version = version + 1"
	args := []any{string(to), now}
	switch to {
	case Submitted:
		q += ", submitted_at = ?"
		args = append(args, now)
	case Published:
		q += ", published_at = COALESCE(published_at, ?)"
		args = append(args, now)
	}
	q += " WHERE id = ? AND status IN (" + placeholders(len(from)) + ")"
	args = append(args, id)
	for _, f := range from {
		args = append(args, string(f))
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrTransition
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// setImage records the initiative's image file ("" for none).
func setImage(ctx context.Context, tx *db.Tx, id int64, name string, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE initiatives SET image = ?, updated_at = ?, version = version + 1,
		needs_review = (needs_review OR (? <> '' AND status IN (?, ?))) WHERE id = ?`, name, now, name, string(Published), string(Paused), id)
	return err
}

// MemberRole is userID's role in an initiative, "" when none.
func (s *Store) MemberRole(ctx context.Context, id, userID int64) (string, error) {
	var role string
	err := s.db.QueryRow(ctx, "SELECT role FROM initiative_members WHERE initiative_id = ? AND user_id = ?", id, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return role, err
}

func memberRoleTx(ctx context.Context, tx *db.Tx, id, userID int64) (string, error) {
	var role string
	err := tx.QueryRow(ctx, "SELECT role FROM initiative_members WHERE initiative_id = ? AND user_id = ?", id, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return role, err
}

// addOrganiser makes userID an owner or organiser; introductions says
// whether they accept being introduced to similar initiatives.
func addOrganiser(ctx context.Context, tx *db.Tx, id, userID int64, role string, introductions bool, now time.Time) error {
	var consent any
	if introductions {
		consent = now
	}
	_, err := tx.Exec(ctx, `INSERT INTO initiative_members (initiative_id, user_id, role, intro_consent_at, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (initiative_id, user_id) DO UPDATE SET role = excluded.role`,
		id, userID, role, consent, now)
	return err
}

// Organiser is a person who runs an initiative, as its pages and mails need.
type Organiser struct {
	UserID        int64
	Role          string
	Introductions bool // consented to be introduced to similar initiatives
}

// Organisers lists who runs an initiative, owners first.
func (s *Store) Organisers(ctx context.Context, id int64) ([]Organiser, error) {
	rows, err := s.db.Query(ctx, `SELECT user_id, role, intro_consent_at IS NOT NULL FROM initiative_members
		WHERE initiative_id = ? AND role IN (?, ?) ORDER BY role DESC, created_at, user_id`, id, RoleOwner, RoleOrganiser)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Organiser
	for rows.Next() {
		var o Organiser
		if err := rows.Scan(&o.UserID, &o.Role, &o.Introductions); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// setIntroductions records or withdraws an organiser's consent to
// introductions.
func setIntroductions(ctx context.Context, tx *db.Tx, id, userID int64, ok bool, now time.Time) error {
	var consent any
	if ok {
		consent = now
	}
	_, err := tx.Exec(ctx, `UPDATE initiative_members SET intro_consent_at = ? WHERE initiative_id = ? AND user_id = ? AND role IN (?, ?)`,
		consent, id, userID, RoleOwner, RoleOrganiser)
	return err
}

// Decision is one moderation decision.
type Decision struct {
	Decision  string
	Message   string
	CreatedAt time.Time
}

func insertDecision(ctx context.Context, tx *db.Tx, id, moderator int64, decision, message string, now time.Time) (int64, error) {
	var mod any
	if moderator > 0 {
		mod = moderator
	}
	var did int64
	err := tx.QueryRow(ctx, `INSERT INTO initiative_decisions (initiative_id, moderator_id, decision, message, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, id, mod, decision, message, now).Scan(&did)
	return did, err
}

// Decisions lists an initiative's moderation decisions, newest first.
func (s *Store) Decisions(ctx context.Context, id int64) ([]Decision, error) {
	rows, err := s.db.Query(ctx, `SELECT decision, message, created_at FROM initiative_decisions
		WHERE initiative_id = ? ORDER BY id DESC`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Decision
	for rows.Next() {
		var d Decision
		if err := rows.Scan(&d.Decision, &d.Message, &d.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Mine lists the initiatives userID runs, newest first.
func (s *Store) Mine(ctx context.Context, userID int64) ([]Initiative, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+` FROM initiatives i JOIN initiative_members m ON m.initiative_id = i.id
		WHERE m.user_id = ? AND m.role IN (?, ?) ORDER BY i.updated_at DESC, i.id DESC`, userID, RoleOwner, RoleOrganiser)
	if err != nil {
		return nil, err
	}
	return collect(rows)
}

// Queue lists what waits for a moderator: submitted initiatives, oldest
// first, then those hidden by reports or edited since they were published.
func (s *Store) Queue(ctx context.Context) ([]Initiative, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+` FROM initiatives i
		WHERE i.status = ? OR ((i.hidden = ? OR i.needs_review = ?) AND i.status IN (?, ?))
		ORDER BY CASE WHEN i.status = ? THEN 0 ELSE 1 END, i.submitted_at, i.updated_at, i.id`,
		string(Submitted), true, true, string(Published), string(Paused), string(Submitted))
	if err != nil {
		return nil, err
	}
	return collect(rows)
}

func collect(rows *sql.Rows) ([]Initiative, error) {
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		in, err := scanInitiative(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, in)
	}
	return out, rows.Err()
}

// OpenReportReasons lists the reasons of the open reports of each
// initiative, oldest first, for the moderation queue.
func (s *Store) OpenReportReasons(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.Query(ctx, `SELECT initiative_id, reason FROM initiative_reports
		WHERE resolved_at IS NULL AND initiative_id IN (`+placeholders(len(ids))+`) ORDER BY created_at`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var reason string
		if err := rows.Scan(&id, &reason); err != nil {
			return nil, err
		}
		out[id] = append(out[id], reason)
	}
	return out, rows.Err()
}

// collectIDs reads a one-column result of ids.
func collectIDs(rows *sql.Rows, err error) ([]int64, error) {
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

// Organises reports whether userID runs initiative id (owner or
// organiser): the events feature asks it before letting them organise the
// initiative's events.
func (s *Store) Organises(ctx context.Context, id, userID int64) (bool, error) {
	role, err := s.MemberRole(ctx, id, userID)
	return Organises(role), err
}
