package coolplaces

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/db"
)

// Store holds the feature's SQL.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const columns = `id, source_id, name, kind, address, COALESCE(district_code, ''), lat, lon,
	open_24h, heatwave_open, summer_night_open, paying, hours, source, updated_at`

type scanner interface{ Scan(dest ...any) error }

func scanPlace(s scanner) (Place, error) {
	var p Place
	var kind, hours string
	err := s.Scan(&p.ID, &p.SourceID, &p.Name, &kind, &p.Address, &p.DistrictCode, &p.Point.Lat, &p.Point.Lon,
		&p.Open24h, &p.HeatwaveOpen, &p.SummerNightOpen, &p.Paying, &hours, &p.Source, &p.UpdatedAt)
	p.Kind, p.Hours = Kind(kind), ParseWeek(hours)
	return p, err
}

// Get reads one place.
func (s *Store) Get(ctx context.Context, id int64) (Place, error) {
	p, err := scanPlace(s.db.QueryRow(ctx, "SELECT "+columns+" FROM cool_places WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	return p, err
}

// Count is how many places are stored.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM cool_places").Scan(&n)
	return n, err
}

// ImportResult counts what an import did.
type ImportResult struct {
	Created, Updated int
	// UnknownHours is how many places have a day whose hours could not be
	// read: they count as closed on that day.
	UnknownHours int
	// NoDistrict is how many places matched no district.
	NoDistrict int
}

// ImportCSV parses r and, when the whole file is sound, imports it.
func (s *Store) ImportCSV(ctx context.Context, r io.Reader, source string) (ImportResult, error) {
	rows, err := ParseCSV(r, source)
	if err != nil {
		return ImportResult{}, err
	}
	return s.Import(ctx, rows)
}

// Import writes the rows in one transaction, all or nothing, matching
// places by source_id. Places absent from the file are kept: a partial set
// must not delete the rest.
func (s *Store) Import(ctx context.Context, rows []Row) (ImportResult, error) {
	var res ImportResult
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res = ImportResult{}
		for _, r := range rows {
			code := districtCandidate(r.Arrondissement)
			created, hasDistrict, err := upsert(ctx, tx, r.Place, code)
			if err != nil {
				return err
			}
			if created {
				res.Created++
			} else {
				res.Updated++
			}
			if !hasDistrict {
				res.NoDistrict++
			}
			if r.Hours.HasUnknown() {
				res.UnknownHours++
			}
		}
		return nil
	})
	return res, err
}

// districtCandidate is the districts code an arrondissement would have:
// the demo and the arrondissements import use "1".."20".
func districtCandidate(arr string) string {
	if n := arrondissementNumber(arr); n > 0 {
		return strconv.Itoa(n)
	}
	return arr
}

// upsert stores p by source_id. The district is set only when code names a
// known district, so a place in a neighbouring commune is kept without one.
func upsert(ctx context.Context, tx *db.Tx, p Place, code string) (created, hasDistrict bool, err error) {
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM cool_places WHERE source_id = ?", p.SourceID).Scan(&n); err != nil {
		return false, false, err
	}
	var district sql.NullString
	if err := tx.QueryRow(ctx, "SELECT MAX(code) FROM districts WHERE code = ?", code).Scan(&district); err != nil {
		return false, false, err
	}
	_, err = tx.Exec(ctx, `INSERT INTO cool_places (source_id, name, kind, address, district_code, lat, lon,
		open_24h, heatwave_open, summer_night_open, paying, hours, source, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (source_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, address = excluded.address,
			district_code = excluded.district_code, lat = excluded.lat, lon = excluded.lon,
			open_24h = excluded.open_24h, heatwave_open = excluded.heatwave_open,
			summer_night_open = excluded.summer_night_open, paying = excluded.paying, hours = excluded.hours,
			source = excluded.source, updated_at = excluded.updated_at`,
		p.SourceID, p.Name, string(p.Kind), p.Address, district, p.Point.Lat, p.Point.Lon,
		p.Open24h, p.HeatwaveOpen, p.SummerNightOpen, p.Paying, p.Hours.String(), p.Source, db.Now())
	return n == 0, district.Valid, err
}

// Nearby is a place found by a search.
type Nearby struct {
	Place
	DistanceM float64
	OpenNow   bool // open at the time asked, heatwave openings counted
}

// maxRadiusM bounds the widening search: past it, the whole table is read
// (a city's few thousand places).
const maxRadiusM = 64000

// Nearest lists up to limit places nearest to from, with whether each is
// open at at, heatwave openings counted everywhere when heatwave is set.
// With openOnly, closed places are left out.
func (s *Store) Nearest(ctx context.Context, from Point, at time.Time, heatwave bool, limit int, openOnly bool) ([]Nearby, error) {
	return s.Search(ctx, Query{From: from, At: at, Hot: func(string) bool { return heatwave }, Limit: limit, OpenOnly: openOnly})
}

// Query is a nearest-places search.
type Query struct {
	From     Point
	At       time.Time
	Hot      func(districtCode string) bool // whether a heatwave alert is on in a place's district
	Kind     Kind                           // "" for every kind
	Limit    int
	OpenOnly bool // leave out places closed at At
}

// Search answers q exactly. It reads a bounding box around the point and
// doubles it until it holds enough places within the circle it encloses, so
// small searches read few rows.
func (s *Store) Search(ctx context.Context, q Query) ([]Nearby, error) {
	if q.Limit <= 0 {
		return nil, nil
	}
	for radius := 1000.0; ; radius *= 2 {
		all := radius > maxRadiusM
		query := "SELECT " + columns + " FROM cool_places WHERE 1 = 1"
		var args []any
		if q.Kind != "" {
			query += " AND kind = ?"
			args = append(args, string(q.Kind))
		}
		if !all {
			dLat := radius / 111320
			dLon := radius / (111320 * math.Max(math.Cos(q.From.Lat*math.Pi/180), 0.01))
			query += " AND lat BETWEEN ? AND ? AND lon BETWEEN ? AND ?"
			args = append(args, q.From.Lat-dLat, q.From.Lat+dLat, q.From.Lon-dLon, q.From.Lon+dLon)
		}
		found, err := s.scanNearby(ctx, query, args, q)
		if err != nil {
			return nil, err
		}
		// Only places inside the circle are sure to be nearer than any
		// place outside the box.
		if !all {
			found = slices.DeleteFunc(found, func(n Nearby) bool { return n.DistanceM > radius })
		}
		if len(found) >= q.Limit || all {
			slices.SortFunc(found, func(a, b Nearby) int {
				if c := cmpFloat(a.DistanceM, b.DistanceM); c != 0 {
					return c
				}
				return cmpFloat(float64(a.ID), float64(b.ID))
			})
			return found[:min(q.Limit, len(found))], nil
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Store) scanNearby(ctx context.Context, query string, args []any, q Query) ([]Nearby, error) {
	rows, err := s.db.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Nearby
	for rows.Next() {
		p, err := scanPlace(rows)
		if err != nil {
			return nil, err
		}
		open := p.OpenAt(q.At, q.Hot != nil && q.Hot(p.DistrictCode))
		if q.OpenOnly && !open {
			continue
		}
		out = append(out, Nearby{Place: p, DistanceM: DistanceM(q.From, p.Point), OpenNow: open})
	}
	return out, rows.Err()
}

// DistanceM is the great-circle (haversine) distance in metres.
func DistanceM(a, b Point) float64 {
	const r = 6371000
	φ1, φ2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dφ, dλ := φ2-φ1, (b.Lon-a.Lon)*math.Pi/180
	h := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
