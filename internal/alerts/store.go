package alerts

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"climatevolunteers/internal/db"
)

// setLockKey serialises level changes on PostgreSQL (SQLite already has a
// single writer), so that two coordinators acting at once end and replace
// rows one after the other.
const setLockKey = 7210350

const recordColumns = `id, hazard, COALESCE(district_code, ''), level, advice, COALESCE(set_by, 0), set_at, ends_at`

type scanner interface{ Scan(dest ...any) error }

func scanRecord(s scanner) (Record, error) {
	var r Record
	var hazard string
	var ends sql.NullTime
	err := s.Scan(&r.ID, &hazard, &r.DistrictCode, &r.Level, &r.Advice, &r.SetBy, &r.SetAt, &ends)
	r.Hazard = Hazard(hazard)
	r.SetAt = r.SetAt.UTC()
	if ends.Valid {
		t := ends.Time.UTC()
		r.EndsAt = &t
	}
	return r, err
}

type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func collect(ctx context.Context, q querier, query string, args ...any) ([]Record, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// currentRows reads every current level.
func currentRows(ctx context.Context, d *db.DB) ([]Record, error) {
	return collect(ctx, d, "SELECT "+recordColumns+" FROM alert_levels WHERE ends_at IS NULL")
}

// currentFor reads the current levels of the city and of one district.
func currentFor(ctx context.Context, d *db.DB, districtCode string) ([]Record, error) {
	return collect(ctx, d, "SELECT "+recordColumns+" FROM alert_levels WHERE ends_at IS NULL AND scope IN (?, ?)",
		CityScope, districtCode)
}

// history reads the latest changes first.
func history(ctx context.Context, d *db.DB, limit int) ([]Record, error) {
	return collect(ctx, d, "SELECT "+recordColumns+" FROM alert_levels ORDER BY set_at DESC, id DESC LIMIT ?", limit)
}

// lockLevels takes the change lock on PostgreSQL.
func lockLevels(ctx context.Context, tx *db.Tx) error {
	if tx.Engine() != db.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(setLockKey))
	return err
}

// currentTx reads the current row of one hazard and scope inside the change's
// transaction; ok is false when there is none.
func currentTx(ctx context.Context, tx *db.Tx, h Hazard, scope string) (Record, bool, error) {
	r, err := scanRecord(tx.QueryRow(ctx, "SELECT "+recordColumns+
		" FROM alert_levels WHERE hazard = ? AND scope = ? AND ends_at IS NULL", string(h), scope))
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, false, nil
	}
	return r, err == nil, err
}

// replace ends the current row of r's hazard and scope (if any) and inserts r
// as the new current one, returning its id.
func replace(ctx context.Context, tx *db.Tx, r Record, now time.Time) (int64, error) {
	if _, err := tx.Exec(ctx, "UPDATE alert_levels SET ends_at = ? WHERE hazard = ? AND scope = ? AND ends_at IS NULL",
		now, string(r.Hazard), r.Scope()); err != nil {
		return 0, err
	}
	var district, setBy any
	if r.DistrictCode != "" {
		district = r.DistrictCode
	}
	if r.SetBy != 0 {
		setBy = r.SetBy
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO alert_levels (hazard, scope, district_code, level, advice, set_by, set_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(r.Hazard), r.Scope(), district, int(r.Level), r.Advice, setBy, now).Scan(&id)
	return id, err
}

// historyPage reads one page of changes, latest first, and how many there are.
func historyPage(ctx context.Context, d *db.DB, limit, offset int) ([]Record, int, error) {
	var total int
	if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM alert_levels").Scan(&total); err != nil {
		return nil, 0, err
	}
	rs, err := collect(ctx, d, "SELECT "+recordColumns+" FROM alert_levels ORDER BY set_at DESC, id DESC LIMIT ? OFFSET ?", limit, offset)
	return rs, total, err
}
