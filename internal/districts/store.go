package districts

import (
	"context"
	"database/sql"
	"errors"

	"climatevolunteers/internal/db"
)

// Store reads and writes districts.
type Store struct {
	db     *db.DB
	shapes shapeCache
}

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const districtColumns = "code, name, position, lat, lon, area_km2, population"

// ErrNotFound is returned for an unknown district code.
var ErrNotFound = errors.New("district not found")

type scanner interface{ Scan(dest ...any) error }

func scanDistrict(s scanner) (District, error) {
	var d District
	err := s.Scan(&d.Code, &d.Name, &d.Position, &d.Lat, &d.Lon, &d.AreaKm2, &d.Population)
	return d, err
}

// List returns every district in display order.
func (s *Store) List(ctx context.Context) ([]District, error) {
	rows, err := s.db.Query(ctx, "SELECT "+districtColumns+" FROM districts ORDER BY position, code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []District
	for rows.Next() {
		d, err := scanDistrict(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Get returns one district, or ErrNotFound.
func (s *Store) Get(ctx context.Context, code string) (District, error) {
	d, err := scanDistrict(s.db.QueryRow(ctx, "SELECT "+districtColumns+" FROM districts WHERE code = ?", code))
	if errors.Is(err, sql.ErrNoRows) {
		return District{}, ErrNotFound
	}
	return d, err
}

// Count returns how many districts exist.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM districts").Scan(&n)
	return n, err
}

// Upsert writes a district inside tx, replacing the one with the same code.
// Its boundary, if any, is kept.
func Upsert(ctx context.Context, tx *db.Tx, d District) error {
	if err := d.Validate(); err != nil {
		return err
	}
	now := db.Now()
	_, err := tx.Exec(ctx, `INSERT INTO districts (`+districtColumns+`, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, position = excluded.position,
			lat = excluded.lat, lon = excluded.lon, area_km2 = excluded.area_km2,
			population = excluded.population, updated_at = excluded.updated_at`,
		d.Code, d.Name, d.Position, d.Lat, d.Lon, d.AreaKm2, d.Population, now, now)
	return err
}

// ImportResult says what an import changed.
type ImportResult struct{ Created, Updated int }

// Import writes the features in one transaction, all or nothing, matching
// districts by code. Districts absent from the file are left as they are
// (volunteers may point at them). Without a population in the file, the
// population already known is kept.
func (s *Store) Import(ctx context.Context, fs []Feature) (ImportResult, error) {
	var res ImportResult
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res = ImportResult{}
		now := db.Now()
		for _, f := range fs {
			if err := f.Validate(); err != nil {
				return err
			}
			var exists int
			err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM districts WHERE code = ?", f.Code).Scan(&exists)
			if err != nil {
				return err
			}
			if exists > 0 {
				res.Updated++
			} else {
				res.Created++
			}
			keepPop := ""
			if f.HasPopulation {
				keepPop = ", population = excluded.population"
			}
			_, err = tx.Exec(ctx, `INSERT INTO districts (`+districtColumns+`, boundary_geojson, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (code) DO UPDATE SET name = excluded.name, position = excluded.position,
					lat = excluded.lat, lon = excluded.lon, area_km2 = excluded.area_km2,
					boundary_geojson = excluded.boundary_geojson, updated_at = excluded.updated_at`+keepPop,
				f.Code, f.Name, f.Position, f.Lat, f.Lon, f.AreaKm2, f.Population, f.Boundary, now, now)
			if err != nil {
				return err
			}
		}
		return nil
	})
	return res, err
}
