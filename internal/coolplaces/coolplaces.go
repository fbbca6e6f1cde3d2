// Package coolplaces holds the places people can go to in a heatwave
// (îlots de fraîcheur): parks, gardens, pools, fountains and cooled rooms,
// with their opening hours, night openings during heatwaves, the City's
// open-data import and the "nearest open cool places" search.
package coolplaces

import (
	"errors"
	"time"
)

// Kind is what sort of cool place it is.
type Kind string

const (
	Park       Kind = "park"
	Garden     Kind = "garden"
	CooledRoom Kind = "cooled_room"
	Pool       Kind = "pool"
	Fountain   Kind = "fountain"
	Other      Kind = "other"
)

// Kinds lists every kind, in display order.
var Kinds = []Kind{Park, Garden, CooledRoom, Pool, Fountain, Other}

// Point is a WGS84 position.
type Point struct{ Lat, Lon float64 }

// Place is one cool place.
type Place struct {
	ID           int64
	SourceID     string // the open data's identifiant, or "demo-…"
	Name         string
	Kind         Kind
	Address      string
	DistrictCode string // "" when outside every known district
	Point        Point
	Open24h      bool
	// HeatwaveOpen: opened day and night while a heatwave alert is on
	// (canicule_ouverture).
	HeatwaveOpen bool
	// SummerNightOpen: opened through the night in summer
	// (ouverture_estivale_nocturne).
	SummerNightOpen bool
	Paying          bool
	Hours           Week
	Source          string // the data set it came from
	UpdatedAt       time.Time
}

// ErrNotFound is returned for a district or place that does not exist.
var ErrNotFound = errors.New("not found")

// summer is when summer night openings apply: the City runs them from
// June to the end of August.
func summer(t time.Time) bool { return t.Month() >= time.June && t.Month() <= time.August }

// OpenAt tells whether the place is open at t, read in Paris time. During a
// heatwave, places with heatwave openings stay open around the clock; in
// summer, places with summer night openings stay open through the night
// (18:00 to 08:00) after a day they open. A day whose hours are unknown
// counts as closed.
func (p Place) OpenAt(t time.Time, heatwave bool) bool {
	local := t.In(Paris)
	if p.Open24h || (heatwave && p.HeatwaveOpen) {
		return true
	}
	i := dayIndex(local.Weekday())
	m := local.Hour()*60 + local.Minute()
	if p.Hours.openIn(i, m) {
		return true
	}
	// A summer night opening covers the night, not a day the place is shut
	// (a pool closed on Monday is not opened by it).
	if p.SummerNightOpen && summer(local) && (m >= 18*60 || m < 8*60) {
		day := i
		if m < 8*60 {
			day = (i + 6) % 7
		}
		return len(p.Hours[day].Spans) > 0
	}
	return false
}
