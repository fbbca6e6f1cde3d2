package registry

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// The registry's SQL. Sealed columns are read and written as they are
// stored; the service seals and opens them.

const table = "registry_people"

// Columns of a row, in scanRow's order.
const rowColumns = `id, district_code, languages, registered_as, COALESCE(registered_by, 0), consent_version, consent_at,
	season_ends_at, reminded_at, version, created_at, updated_at, card_sealed, point_sealed`

// row is an entry as stored, its personal fields still sealed.
type row struct {
	Entry
	card, point string
}

type scanner interface{ Scan(dest ...any) error }

type querier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func scanRow(s scanner) (row, error) {
	var r row
	var langs string
	var reminded sql.NullTime
	err := s.Scan(&r.ID, &r.District, &langs, &r.RegisteredAs, &r.RegisteredBy, &r.ConsentVersion, &r.ConsentAt,
		&r.SeasonEndsAt, &reminded, &r.Version, &r.CreatedAt, &r.UpdatedAt, &r.card, &r.point)
	if err != nil {
		return r, err
	}
	r.Languages = splitLanguages(langs)
	r.ConsentAt, r.SeasonEndsAt = r.ConsentAt.UTC(), r.SeasonEndsAt.UTC()
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	if reminded.Valid {
		t := reminded.Time.UTC()
		r.RemindedAt = &t
	}
	return r, nil
}

func splitLanguages(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func getRow(ctx context.Context, q querier, id int64) (row, error) {
	r, err := scanRow(q.QueryRow(ctx, "SELECT "+rowColumns+" FROM registry_people WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

// getRowTx reads a row inside tx, holding it until the commit on PostgreSQL
// (SQLite's single writer already serialises).
func getRowTx(ctx context.Context, tx *db.Tx, id int64) (row, error) {
	q := "SELECT " + rowColumns + " FROM registry_people WHERE id = ?"
	if tx.Engine() == db.Postgres {
		q += " FOR UPDATE"
	}
	r, err := scanRow(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNotFound
	}
	return r, err
}

func collectRows(rows *sql.Rows) ([]row, error) {
	defer rows.Close()
	var out []row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// identityOwner gives the entry other than id with this identity, 0 when
// there is none.
func identityOwner(ctx context.Context, tx *db.Tx, identity string, id int64) (int64, error) {
	var other int64
	err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(id), 0) FROM registry_people WHERE identity_blind = ? AND id <> ?", identity, id).Scan(&other)
	return other, err
}

// newRow is what an INSERT writes in clear.
type newRow struct {
	district, languages, phoneBlind, identityBlind, registeredAs string
	registeredBy                                                 int64
	consentAt, seasonEnd, now                                    time.Time
}

// insertRow writes the clear part of an entry; the sealed columns follow
// once the id, part of their AAD, is known.
func insertRow(ctx context.Context, tx *db.Tx, n newRow) (int64, error) {
	var by any
	if n.registeredBy > 0 {
		by = n.registeredBy
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO registry_people (district_code, languages, phone_blind, identity_blind,
		registered_as, registered_by, consent_version, consent_at, season_ends_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		n.district, n.languages, n.phoneBlind, n.identityBlind, n.registeredAs, by, ConsentVersion,
		n.consentAt, n.seasonEnd, n.now, n.now).Scan(&id)
	return id, err
}

func setSealed(ctx context.Context, tx *db.Tx, id int64, card, point string) error {
	_, err := tx.Exec(ctx, "UPDATE registry_people SET card_sealed = ?, point_sealed = ? WHERE id = ?", card, point, id)
	return err
}

// updateRow saves an edit made from version; ErrConflict when someone
// saved in the meantime.
func updateRow(ctx context.Context, tx *db.Tx, id int64, version int, district, languages, phoneBlind, identityBlind, card, point string, now time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE registry_people SET district_code = ?, languages = ?, phone_blind = ?, identity_blind = ?,
		card_sealed = ?, point_sealed = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		district, languages, phoneBlind, identityBlind, card, point, now, id, version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	return nil
}

// renewRow moves the season's end and records the consent given again.
func renewRow(ctx context.Context, tx *db.Tx, id int64, end, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE registry_people SET season_ends_at = ?, consent_version = ?, consent_at = ?, reminded_at = NULL,
		updated_at = ?, version = version + 1 WHERE id = ?`, end, ConsentVersion, now, now, id)
	return err
}

func deleteRows(ctx context.Context, tx *db.Tx, ids []int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM registry_people WHERE id IN ("+placeholders(len(ids))+")", int64Args(ids)...)
	return err
}

// expiredIDs lists the entries whose season ended at cutoff or before,
// held until the commit on PostgreSQL (a renewal waits for the purge).
func expiredIDs(ctx context.Context, tx *db.Tx, cutoff time.Time) ([]int64, error) {
	q := "SELECT id FROM registry_people WHERE season_ends_at <= ? ORDER BY id"
	if tx.Engine() == db.Postgres {
		q += " FOR UPDATE"
	}
	rows, err := tx.Query(ctx, q, cutoff)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// listQuery is a coordinators' selection.
type listQuery struct {
	district   string
	status     Status
	phoneBlind string
	now        time.Time
	limit      int
	offset     int
}

func (q listQuery) where() (string, []any) {
	var conds []string
	var args []any
	if q.district != "" {
		conds = append(conds, "district_code = ?")
		args = append(args, q.district)
	}
	switch q.status {
	case Active:
		conds = append(conds, "season_ends_at > ?")
		args = append(args, q.now.Add(RenewalWindow))
	case Expiring:
		conds = append(conds, "season_ends_at > ? AND season_ends_at <= ?")
		args = append(args, q.now, q.now.Add(RenewalWindow))
	case Expired:
		conds = append(conds, "season_ends_at <= ?")
		args = append(args, q.now)
	}
	if q.phoneBlind != "" {
		conds = append(conds, "phone_blind = ?")
		args = append(args, q.phoneBlind)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func listRows(ctx context.Context, d *db.DB, q listQuery) ([]row, int, error) {
	where, args := q.where()
	var total int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM registry_people"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := d.Query(ctx, "SELECT "+rowColumns+" FROM registry_people"+where+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, q.limit, q.offset)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := collectRows(rows)
	return out, total, err
}

// mineRows lists what an account registered itself (not what coordinators
// took on the phone).
func mineRows(ctx context.Context, d *db.DB, userID int64) ([]row, error) {
	rows, err := d.Query(ctx, "SELECT "+rowColumns+" FROM registry_people WHERE registered_by = ? AND registered_as <> ? ORDER BY id",
		userID, RelationStaff)
	if err != nil {
		return nil, err
	}
	return collectRows(rows)
}

// placeholders gives "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
