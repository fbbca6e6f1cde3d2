package initiatives

import (
	"context"
	"errors"
	"time"
)

// Query selects public initiatives: the list page, the map, feeds, the API
// and exports all read through it.
type Query struct {
	Text     string   // full-text search, French stemming
	Theme    string   // one of Themes, or ""
	District string   // a district code, or ""
	Statuses []Status // public statuses to include; empty means Published and Paused
	Near     *Point   // a point to measure distances from
	RadiusKm float64  // with Near: only initiatives within this distance
	Sort     string   // SortNewest (default), SortNearest (needs Near), SortJoined, SortRelevance (needs Text)
	Limit    int      // page size; 0 means the default
	Offset   int      // page-number pagination (pages)
	After    *Cursor  // keyset pagination (API, newest order): items after this one
}

// Sort orders.
const (
	SortNewest    = "newest"
	SortNearest   = "nearest"
	SortJoined    = "joined"
	SortRelevance = "relevance"
)

// Cursor marks a place in the newest-first order, for keyset pagination.
type Cursor struct {
	PublishedAt time.Time
	ID          int64
}

// Found is an initiative in a result, with its distance from Query.Near.
type Found struct {
	Initiative
	DistanceKm float64 // 0 without Query.Near
}

// Result is one page of a query.
type Result struct {
	Items []Found
	Total int // every match, all pages together
}

// Find runs a query over visible initiatives only (never drafts, hidden or
// rejected ones).
func (s *Store) Find(ctx context.Context, q Query) (Result, error) {
	return Result{}, errors.New("initiatives: Find is being written")
}
