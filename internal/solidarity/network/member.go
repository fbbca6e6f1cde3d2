package network

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/maps"
	"climatevolunteers/internal/volunteers"
)

// Member is a member's row as their page and the coordinators see it.
type Member struct {
	UserID      int64
	Capacity    int
	Languages   []string
	Districts   []string // the main district first
	Lat, Lon    *float64 // nil: the main district's centroid is used
	JoinedAt    time.Time
	WithdrawnAt *time.Time
	Version     int
}

// Active reports whether the member has not withdrawn.
func (m Member) Active() bool { return m.WithdrawnAt == nil }

// Input is the join or update form as typed.
type Input struct {
	Consent   bool
	Capacity  string
	Languages []string
	Districts []string // the main district first; duplicates are dropped
	Lat, Lon  string   // optional, "48.853" or "48,853"
	Version   int      // the member's version the form was read at; 0 to join
}

// valid is an Input that passed the checks.
type valid struct {
	capacity  int
	languages []string
	districts []string
	lat, lon  *float64
}

// box is the city's bounding box, where a member's location must lie.
type box struct{ minLat, maxLat, minLon, maxLon float64 }

func (b box) contains(lat, lon float64) bool {
	return lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon
}

// centroidMargin pads the box of the districts' centroids when no boundary
// was imported: about 5 km, enough to hold the outer districts' edges.
const centroidMargin = 0.05

// cityBox is the box around the districts' boundaries, or around their
// centroids (padded) when no boundary is known; ok is false without
// districts.
func cityBox(ds []districts.District, shapes map[string][]maps.Polygon) (box, bool) {
	b := box{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	add := func(lat, lon float64) {
		b.minLat, b.maxLat = min(b.minLat, lat), max(b.maxLat, lat)
		b.minLon, b.maxLon = min(b.minLon, lon), max(b.maxLon, lon)
	}
	for _, shape := range shapes {
		for _, poly := range shape {
			for _, ring := range poly {
				for _, p := range ring {
					add(p[1], p[0])
				}
			}
		}
	}
	if math.IsInf(b.minLat, 1) {
		for _, d := range ds {
			add(d.Lat, d.Lon)
		}
		if math.IsInf(b.minLat, 1) {
			return b, false
		}
		b.minLat, b.maxLat = b.minLat-centroidMargin, b.maxLat+centroidMargin
		b.minLon, b.maxLon = b.minLon-centroidMargin, b.maxLon+centroidMargin
	}
	return b, true
}

// roundPoint keeps three decimals of a degree: about 110 m of latitude and
// 75 m of longitude in Paris, so no exact address is stored.
func roundPoint(v float64) float64 { return math.Round(v*1000) / 1000 }

// parseDegrees reads a decimal number with a point or a French comma.
func parseDegrees(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// validate checks the form against the known districts and the city's box.
func (in Input) validate(known map[string]bool, city box, haveBox bool) (valid, []FieldError) {
	var v valid
	var errs []FieldError
	c, err := strconv.Atoi(strings.TrimSpace(in.Capacity))
	if err != nil || c < MinCapacity || c > MaxCapacity {
		errs = append(errs, FieldError{"capacity", "network.error.capacity"})
	}
	v.capacity = c

	for _, l := range in.Languages {
		if !slices.Contains(volunteers.Languages, l) {
			errs = append(errs, FieldError{"languages", "form.error.choice"})
			break
		}
		if !slices.Contains(v.languages, l) {
			v.languages = append(v.languages, l)
		}
	}
	if len(in.Languages) == 0 {
		errs = append(errs, FieldError{"languages", "network.error.languages"})
	}

	for _, d := range in.Districts {
		if d == "" || slices.Contains(v.districts, d) {
			continue
		}
		v.districts = append(v.districts, d)
	}
	switch {
	case len(v.districts) == 0 || len(in.Districts) > 0 && in.Districts[0] == "":
		errs = append(errs, FieldError{"districts", "network.error.main_district"})
	case len(v.districts) > MaxDistricts:
		errs = append(errs, FieldError{"districts", "network.error.too_many_districts"})
	default:
		for _, d := range v.districts {
			if !known[d] {
				errs = append(errs, FieldError{"districts", "form.error.choice"})
				break
			}
		}
	}

	lat, lon := strings.TrimSpace(in.Lat), strings.TrimSpace(in.Lon)
	switch {
	case lat == "" && lon == "":
	case lat == "" || lon == "":
		errs = append(errs, FieldError{"lat", "network.error.location_pair"})
	default:
		la, ok1 := parseDegrees(lat)
		lo, ok2 := parseDegrees(lon)
		if !ok1 || !ok2 {
			errs = append(errs, FieldError{"lat", "network.error.location_number"})
		} else if !haveBox || !city.contains(la, lo) {
			errs = append(errs, FieldError{"lat", "network.error.location_outside"})
		} else {
			la, lo = roundPoint(la), roundPoint(lo)
			v.lat, v.lon = &la, &lo
		}
	}
	// Last, as on the form.
	if !in.Consent {
		errs = append(errs, FieldError{"consent", "network.error.consent"})
	}
	return v, errs
}
