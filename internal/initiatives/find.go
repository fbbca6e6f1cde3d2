package initiatives

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
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
	Limit    int      // page size; 0 means DefaultLimit, at most MaxLimit
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

// Sorts in the order the list page offers them.
var Sorts = []string{SortRelevance, SortNewest, SortNearest, SortJoined}

// Bounds of a query.
const (
	DefaultLimit = 20
	MaxLimit     = 200
	MaxRadiusKm  = 50  // Paris is 18 km across: more is a typo
	MaxText      = 200 // characters of a search
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
	// ByDistrict counts every match by district code ("" for initiatives
	// without one): the map of the selection.
	ByDistrict map[string]int
	// Next is the cursor of the following page in the newest order; nil
	// on the last page or in other orders.
	Next *Cursor
}

// ErrCursorOrder: keyset pagination follows the newest order only.
var ErrCursorOrder = errors.New("initiatives: a cursor needs the newest order")

// earthRadiusKm is the mean radius used by the haversine distance.
const earthRadiusKm = 6371.0088

// kmPerDegree is the length of a degree of latitude (and of longitude at the
// equator) on that sphere.
const kmPerDegree = earthRadiusKm * math.Pi / 180

// normalised fills defaults and drops what cannot apply, so that Find only
// meets sensible queries: a radius without a point, nearest without a point
// and relevance without words fall back.
func (q Query) normalised() (Query, error) {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Limit = min(q.Limit, MaxLimit)
	q.Offset = max(q.Offset, 0)
	if q.Near == nil || q.RadiusKm <= 0 {
		q.RadiusKm = 0
	}
	switch q.Sort {
	case "":
		q.Sort = SortNewest
	case SortNewest, SortJoined:
	case SortNearest:
		if q.Near == nil {
			q.Sort = SortNewest
		}
	case SortRelevance:
		if matchExpr(q.Text) == "" {
			q.Sort = SortNewest
		}
	default:
		return q, fmt.Errorf("initiatives: unknown sort %q", q.Sort)
	}
	if q.After != nil && q.Sort != SortNewest {
		return q, ErrCursorOrder
	}
	return q, nil
}

// publicStatuses keeps the public statuses asked for; all of them when none
// is asked, nothing when only non-public ones are.
func publicStatuses(asked []Status) []any {
	var out []any
	for _, s := range []Status{Published, Paused} {
		if len(asked) == 0 || slices.Contains(asked, s) {
			out = append(out, string(s))
		}
	}
	return out
}

// findSQL is a query split into the parts Find assembles: the FROM clause,
// the conditions every match meets, and the sort keys that need an
// expression (distance, relevance), each with its arguments in order.
type findSQL struct {
	from      string
	fromArgs  []any
	where     []string
	whereArgs []any
	near      string // distance key from Query.Near, "" without a point
	nearArgs  []any
	rank      string // relevance, "" without words
	rankDesc  bool   // a higher rank is better (PostgreSQL)
}

func (f *findSQL) cond(c string, args ...any) {
	f.where = append(f.where, c)
	f.whereArgs = append(f.whereArgs, args...)
}

// build turns a normalised query into SQL for engine e.
func build(e db.Engine, q Query, statuses []any) findSQL {
	f := findSQL{from: "initiatives i"}
	if match := matchExpr(q.Text); match != "" {
		// Both engines hold the same stems (see reindex). SQLite's FTS5
		// takes the quoted stems; PostgreSQL gets them as plain words,
		// which plainto_tsquery can only AND together.
		if e == db.Postgres {
			f.from = "initiatives i CROSS JOIN plainto_tsquery('simple', ?) tq"
			f.fromArgs = []any{stemText(q.Text)}
			f.cond("i.search_vector @@ tq")
			f.rank, f.rankDesc = "ts_rank(i.search_vector, tq)", true
		} else {
			f.from = "initiatives_fts JOIN initiatives i ON i.id = initiatives_fts.rowid"
			f.cond("initiatives_fts MATCH ?", match)
			// Title words weigh four times body words; bm25 is lower for
			// better matches.
			f.rank = "bm25(initiatives_fts, 4.0, 1.0)"
		}
	}
	f.cond("i.status IN ("+placeholders(len(statuses))+")", statuses...)
	f.cond("i.hidden = ?", false)
	if q.Theme != "" {
		f.cond("i.theme = ?", q.Theme)
	}
	if q.District != "" {
		f.cond("i.district_code = ?", q.District)
	}
	if q.Near != nil {
		f.near, f.nearArgs = nearKey(*q.Near)
		if q.RadiusKm > 0 {
			// The box lets the (status, hidden, geo_lat, geo_lon) index
			// narrow the rows; the exact distance then decides.
			minLat, maxLat, minLon, maxLon, lonBounded := box(*q.Near, q.RadiusKm)
			f.cond("i.geo_lat BETWEEN ? AND ?", minLat, maxLat)
			if lonBounded {
				f.cond("i.geo_lon BETWEEN ? AND ?", minLon, maxLon)
			}
			half := math.Sin(q.RadiusKm / earthRadiusKm / 2)
			f.cond(f.near+" <= ?", append(slices.Clone(f.nearArgs), half*half)...)
		}
	}
	return f
}

// nearKey is the haversine term sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2) from
// p to each initiative's point: it grows with the distance, so it orders
// and bounds exactly as the distance would, without the square root and
// arcsine per row (the distances shown are computed for the page alone).
func nearKey(p Point) (string, []any) {
	lat, lon := p.Lat*math.Pi/180, p.Lon*math.Pi/180
	return "(sin((radians(i.geo_lat) - ?) / 2) * sin((radians(i.geo_lat) - ?) / 2)" +
			" + ? * cos(radians(i.geo_lat)) * sin((radians(i.geo_lon) - ?) / 2) * sin((radians(i.geo_lon) - ?) / 2))",
		[]any{lat, lat, math.Cos(lat), lon, lon}
}

// box is the latitude and longitude range holding every point within r km
// of p, a little wider for rounding; lonBounded is false near the poles or
// the antimeridian, where longitudes cannot be bounded simply.
func box(p Point, r float64) (minLat, maxLat, minLon, maxLon float64, lonBounded bool) {
	r *= 1.001
	dLat := r / kmPerDegree
	minLat, maxLat = p.Lat-dLat, p.Lat+dLat
	far := math.Max(math.Abs(minLat), math.Abs(maxLat))
	if far >= 89 {
		return minLat, maxLat, 0, 0, false
	}
	dLon := r / (kmPerDegree * math.Cos(far*math.Pi/180))
	minLon, maxLon = p.Lon-dLon, p.Lon+dLon
	return minLat, maxLat, minLon, maxLon, minLon >= -180 && maxLon <= 180
}

// Haversine is the distance in km between two points.
func Haversine(a, b Point) float64 {
	la, lb := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dLat, dLon := lb-la, (b.Lon-a.Lon)*math.Pi/180
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(la)*math.Cos(lb)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(math.Min(1, h)))
}

// keys are the columns the page's first step selects for a sort, besides
// the id, and their arguments. Only what the order needs: for the newest
// and most joined orders, an index then holds every column read.
func (f findSQL) keys(sort string) (string, []any) {
	switch sort {
	case SortNearest:
		return ", " + f.near + " AS near", f.nearArgs
	case SortJoined:
		return ", i.participants AS joined", nil
	case SortRelevance:
		return ", " + f.rank + " AS rnk, i.published_at AS pub", nil
	}
	return ", i.published_at AS pub", nil
}

// orderBy is the ORDER BY of a sort over the page's keys (prefix "k.") or
// the tables (""); every order ends on the id so that pages never overlap.
// Ties in joins go to the latest created.
func (f findSQL) orderBy(sort, prefix string) string {
	col := func(name, table string) string {
		if prefix != "" {
			return prefix + name
		}
		return table
	}
	id := col("id", "i.id")
	switch sort {
	case SortNearest:
		return col("near", "near") + ", " + id
	case SortJoined:
		return col("joined", "i.participants") + " DESC, " + id + " DESC"
	case SortRelevance:
		dir := ""
		if f.rankDesc {
			dir = " DESC"
		}
		return col("rnk", "rnk") + dir + ", " + col("pub", "i.published_at") + " DESC, " + id + " DESC"
	}
	return col("pub", "i.published_at") + " DESC, " + id + " DESC"
}

// Find runs a query over visible initiatives only (never drafts, hidden or
// rejected ones). The page and the counts are independent reads, run side
// by side.
func (s *Store) Find(ctx context.Context, q Query) (Result, error) {
	q, err := q.normalised()
	if err != nil {
		return Result{}, err
	}
	res := Result{ByDistrict: map[string]int{}}
	statuses := publicStatuses(q.Statuses)
	if len(statuses) == 0 {
		return res, nil
	}
	f := build(s.db.Engine, q, statuses)

	var countErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		res.Total, countErr = s.count(ctx, f, res.ByDistrict)
	}()
	items, err := s.page(ctx, f, q)
	<-done
	if err = errors.Join(err, countErr); err != nil {
		return Result{}, err
	}
	if len(items) > q.Limit {
		items = items[:q.Limit]
		if last := items[len(items)-1]; q.Sort == SortNewest && last.PublishedAt != nil {
			res.Next = &Cursor{PublishedAt: *last.PublishedAt, ID: last.ID}
		}
	}
	res.Items = items
	return res, nil
}

// count fills byDistrict and returns the total.
func (s *Store) count(ctx context.Context, f findSQL, byDistrict map[string]int) (int, error) {
	args := append(slices.Clone(f.fromArgs), f.whereArgs...)
	rows, err := s.db.Query(ctx, "SELECT COALESCE(i.district_code, ''), COUNT(*) FROM "+f.from+
		" WHERE "+strings.Join(f.where, " AND ")+" GROUP BY i.district_code", args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	total := 0
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return 0, err
		}
		byDistrict[code] += n
		total += n
	}
	return total, rows.Err()
}

// page reads up to Limit+1 items: the extra one tells whether a next page
// exists. It first orders the matches' ids and sort keys alone, then reads
// the page's rows: sorting thousands of whole rows, descriptions included,
// would cost more than the rest of the page.
func (s *Store) page(ctx context.Context, f findSQL, q Query) ([]Found, error) {
	where := slices.Clone(f.where)
	keys, args := f.keys(q.Sort)
	args = append(slices.Clone(args), f.fromArgs...)
	args = append(args, f.whereArgs...)
	if q.After != nil {
		at := q.After.PublishedAt.UTC()
		where = append(where, "(i.published_at < ? OR (i.published_at = ? AND i.id < ?))")
		args = append(args, at, at, q.After.ID)
	}
	args = append(args, q.Limit+1, q.Offset)
	rows, err := s.db.Query(ctx, "SELECT "+columns+" FROM (SELECT i.id AS id"+keys+" FROM "+f.from+
		" WHERE "+strings.Join(where, " AND ")+" ORDER BY "+f.orderBy(q.Sort, "")+" LIMIT ? OFFSET ?) k"+
		" JOIN initiatives i ON i.id = k.id ORDER BY "+f.orderBy(q.Sort, "k."), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Found
	for rows.Next() {
		in, err := scanInitiative(rows)
		if err != nil {
			return nil, err
		}
		fd := Found{Initiative: in}
		if q.Near != nil {
			fd.DistanceKm = Haversine(*q.Near, in.Geo)
		}
		out = append(out, fd)
	}
	return out, rows.Err()
}

// PageSize is how many initiatives a list page shows.
const PageSize = DefaultLimit

// maxPage keeps offsets far from overflow; nobody pages that far by hand.
const maxPage = 100000

// ParseQuery reads the list's GET form (q, theme, district, status, near,
// lat, lon, radius, sort, page) against the city's districts. A value that
// is not understood becomes a field error, with a catalog key, and is left
// out of the query; the other filters still apply. Without an explicit sort
// the list is by relevance when searching, else nearest first when a place
// is given, else newest first.
func ParseQuery(v url.Values, ds []districts.District) (Query, []FieldError) {
	var errs []FieldError
	add := func(field, key string) { errs = append(errs, FieldError{field, key}) }
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	centroid := func(code string) (Point, bool) {
		for _, d := range ds {
			if d.Code == code {
				return Point{Lat: d.Lat, Lon: d.Lon}, true
			}
		}
		return Point{}, false
	}
	q := Query{Limit: PageSize}

	if t := get("q"); utf8.RuneCountInString(t) > MaxText {
		add("q", "initiatives.find.error.text_long")
	} else {
		q.Text = t
	}
	if t := get("theme"); t != "" {
		if slices.Contains(Themes, t) {
			q.Theme = t
		} else {
			add("theme", "initiatives.find.error.theme")
		}
	}
	if c := get("district"); c != "" {
		if _, ok := centroid(c); ok {
			q.District = c
		} else {
			add("district", "initiatives.find.error.district")
		}
	}
	for _, s := range v["status"] {
		switch st := Status(strings.TrimSpace(s)); st {
		case Published, Paused:
			if !slices.Contains(q.Statuses, st) {
				q.Statuses = append(q.Statuses, st)
			}
		case "":
		default:
			add("status", "initiatives.find.error.status")
		}
	}

	// The place: a district's centre, or coordinates, not both.
	near, lat, lon := get("near"), get("lat"), get("lon")
	switch {
	case near != "" && (lat != "" || lon != ""):
		add("near", "initiatives.find.error.near_both")
	case near != "":
		if p, ok := centroid(near); ok {
			q.Near = &p
		} else {
			add("near", "initiatives.find.error.near")
		}
	case lat != "" || lon != "":
		la, errLat := parseDecimal(lat)
		lo, errLon := parseDecimal(lon)
		switch {
		case errLat != nil || la < -90 || la > 90:
			add("lat", "initiatives.find.error.lat")
		case errLon != nil || lo < -180 || lo > 180:
			add("lon", "initiatives.find.error.lon")
		default:
			q.Near = &Point{Lat: la, Lon: lo}
		}
	}
	if r := get("radius"); r != "" {
		km, err := parseDecimal(r)
		switch {
		case err != nil || km <= 0 || km > MaxRadiusKm:
			add("radius", "initiatives.find.error.radius")
		case q.Near != nil:
			q.RadiusKm = km
		case near == "" && lat == "" && lon == "":
			add("radius", "initiatives.find.error.radius_place")
		}
	}

	switch s := get("sort"); s {
	case "":
		switch {
		case matchExpr(q.Text) != "":
			q.Sort = SortRelevance
		case q.Near != nil:
			q.Sort = SortNearest
		default:
			q.Sort = SortNewest
		}
	case SortNewest, SortJoined:
		q.Sort = s
	case SortRelevance:
		// Relevance without words has no meaning; newest is what a
		// visitor who just cleared the search box expects.
		q.Sort = SortRelevance
		if matchExpr(q.Text) == "" {
			q.Sort = SortNewest
		}
	case SortNearest:
		q.Sort = SortNewest
		if q.Near != nil {
			q.Sort = SortNearest
		} else if near == "" && lat == "" && lon == "" {
			add("sort", "initiatives.find.error.sort_place")
		}
	default:
		add("sort", "initiatives.find.error.sort")
		q.Sort = SortNewest
	}

	if p, err := strconv.Atoi(get("page")); err == nil && p > 1 {
		q.Offset = (min(p, maxPage) - 1) * PageSize
	}
	return q, errs
}

// parseDecimal reads a number written with a point or a French comma.
func parseDecimal(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		err = strconv.ErrSyntax
	}
	return f, err
}
