package districts

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"climatevolunteers/internal/maps"
)

// shapeCache keeps parsed boundaries. Parsing a city's GeoJSON takes a few
// milliseconds, most of a map page's time, while boundaries change only with
// an import: each entry is kept while its row's updated_at stays the same,
// which holds across several app instances since the database decides.
type shapeCache struct {
	mu      sync.Mutex
	entries map[string]shapeEntry
}

type shapeEntry struct {
	updated time.Time
	shape   []maps.Polygon // nil when the stored boundary does not read
}

// Shapes returns the boundaries of the districts that have one, by code.
// A stored boundary that no longer reads (it was checked at import) is left
// out, so the maps fall back to the tile grid instead of failing the page.
func (s *Store) Shapes(ctx context.Context) (map[string][]maps.Polygon, error) {
	rows, err := s.db.Query(ctx, "SELECT code, updated_at FROM districts WHERE boundary_geojson IS NOT NULL")
	if err != nil {
		return nil, err
	}
	current := map[string]time.Time{}
	for rows.Next() {
		var code string
		var updated time.Time
		if err := rows.Scan(&code, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		current[code] = updated
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	c := &s.shapes
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]shapeEntry{}
	}
	out := make(map[string][]maps.Polygon, len(current))
	for code, updated := range current {
		e, ok := c.entries[code]
		if !ok || !e.updated.Equal(updated) {
			var raw string
			err := s.db.QueryRow(ctx, "SELECT boundary_geojson FROM districts WHERE code = ? AND boundary_geojson IS NOT NULL", code).Scan(&raw)
			if errors.Is(err, sql.ErrNoRows) {
				continue // removed since the listing
			}
			if err != nil {
				return nil, err
			}
			// A newer row read under the older date is fetched again next
			// time, which is harmless.
			e = shapeEntry{updated: updated}
			e.shape, _ = parseGeometry([]byte(raw))
			c.entries[code] = e
		}
		if e.shape != nil {
			out[code] = e.shape
		}
	}
	for code := range c.entries {
		if _, ok := current[code]; !ok {
			delete(c.entries, code)
		}
	}
	return out, nil
}
