package districts

import (
	"context"
	"time"

	"climatevolunteers/internal/db"
)

// Store reads and writes districts.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const districtColumns = "code, name, position, lat, lon, area_km2, population"

// List returns every district in display order.
func (s *Store) List(ctx context.Context) ([]District, error) {
	rows, err := s.db.Query(ctx, "SELECT "+districtColumns+" FROM districts ORDER BY position, code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []District
	for rows.Next() {
		var d District
		if err := rows.Scan(&d.Code, &d.Name, &d.Position, &d.Lat, &d.Lon, &d.AreaKm2, &d.Population); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Count returns how many districts exist.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM districts").Scan(&n)
	return n, err
}

// Upsert writes a district inside tx, replacing the one with the same code.
func Upsert(ctx context.Context, tx *db.Tx, d District) error {
	if err := d.Validate(); err != nil {
		return err
	}
	now := time.Now().UTC()
	_, err := tx.Exec(ctx, `INSERT INTO districts (`+districtColumns+`, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, position = excluded.position,
			lat = excluded.lat, lon = excluded.lon, area_km2 = excluded.area_km2,
			population = excluded.population, updated_at = excluded.updated_at`,
		d.Code, d.Name, d.Position, d.Lat, d.Lon, d.AreaKm2, d.Population, now, now)
	return err
}
