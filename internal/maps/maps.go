// Package maps draws maps as SVG on the server: a choropleth of areas (with
// their real boundaries, or a tile grid placed from their centroids when the
// boundaries are unknown), a locator map that highlights one area, and point
// markers on top. Server-side SVG works without JavaScript, prints well and
// passes the strict Content-Security-Policy (presentation attributes only).
//
// The package knows nothing of districts or of the catalog: callers pass the
// translated texts, and numbers are formatted for Options.Lang.
package maps

import "html/template"

// LonLat is a WGS84 position in GeoJSON's order: longitude, then latitude.
type LonLat [2]float64

// Ring is a closed line of positions (the first equals the last).
type Ring []LonLat

// Polygon is an outer ring followed by its holes.
type Polygon []Ring

// Area is one region of the map.
type Area struct {
	ID       string
	Name     string  // full name, for tooltips and the table
	Label    string  // short text drawn on the map, such as a code
	Lat, Lon float64 // centroid: where the label goes, and the tile grid's input
	// Shape is the boundary. A map uses the boundaries only when every area
	// has one; otherwise it draws the tile grid.
	Shape    []Polygon
	Value    float64
	HasValue bool
}

// Marker is a place drawn on top of the areas.
type Marker struct {
	Lat, Lon float64
	Label    string
}

// Options are the texts and settings of one map.
type Options struct {
	// ID must be unique on the page: it prefixes the SVG's element ids.
	ID           string
	Lang         string // "fr" or "en", for numbers
	Title, Desc  string // accessible name and description
	LegendTitle  string
	NoData       string // legend text for areas without a value
	MarkersLabel string // legend text for markers; no entry when empty
	Decimals     int    // decimals of values in the legend and the table
	Markers      []Marker
	// Width of the viewBox; the SVG scales to its container.
	Width float64
}

// Map is a rendered map with what a page needs for its text alternative.
type Map struct {
	SVG    template.HTML
	Legend []LegendEntry
	Rows   []Row // one per area, in the order given
	Grid   bool  // drawn as a tile grid (no boundaries known)
}

// LegendEntry is one line of the legend.
type LegendEntry struct {
	Fill  string // colour, or "" for the no-data hatching
	Label string
}

// Row is one area as a table line: the text alternative of the map.
type Row struct {
	ID, Name string
	Value    float64
	HasValue bool
	Text     string // the value formatted for the language, "" without value
	Class    int    // 0 (lightest) to classes-1, or -1 without value
}

const defaultWidth = 600
