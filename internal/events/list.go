package events

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/maps"
	"climatevolunteers/internal/web"
)

// shapeSource is what the districts store offers beyond Districts: real
// boundaries for the map. Without it the map is a tile grid.
type shapeSource interface {
	Shapes(ctx context.Context) (map[string][]maps.Polygon, error)
}

// listFilters are the list's GET parameters that select events.
var listFilters = []string{"theme", "district", "from", "mode", "near"}

// parseList reads the list's GET form against the city's districts; a
// wrong value is a field error and is left out of the selection.
func parseList(v url.Values, ds []districts.District, now time.Time) (ListQuery, []FieldError) {
	q := ListQuery{From: now}
	var errs []FieldError
	centroid := func(code string) (Point, bool) {
		for _, d := range ds {
			if d.Code == code {
				return Point{d.Lat, d.Lon}, true
			}
		}
		return Point{}, false
	}
	if t := v.Get("theme"); t != "" {
		if slices.Contains(Themes, t) {
			q.Theme = t
		} else {
			errs = append(errs, FieldError{"theme", "form.error.choice"})
		}
	}
	if c := v.Get("district"); c != "" {
		if _, ok := centroid(c); ok {
			q.District = c
		} else {
			errs = append(errs, FieldError{"district", "form.error.choice"})
		}
	}
	if c := v.Get("near"); c != "" {
		if p, ok := centroid(c); ok {
			q.Near = &p
		} else {
			errs = append(errs, FieldError{"near", "form.error.choice"})
		}
	}
	switch m := v.Get("mode"); m {
	case "", ModeOnline, ModeInPerson:
		q.Mode = m
	default:
		errs = append(errs, FieldError{"mode", "form.error.choice"})
	}
	if f := v.Get("from"); f != "" {
		// A day in the city's time zone: events not ended at its start.
		day, err := time.ParseInLocation("2006-01-02", f, Paris)
		if err != nil {
			errs = append(errs, FieldError{"from", "events.error.datetime"})
		} else if day.After(now) {
			q.From = day.UTC()
		}
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 && p <= 10000 {
		q.Offset = (p - 1) * PageSize
	}
	q.Limit = PageSize
	return q, errs
}

// listItem is one line of the list, numbered like its marker on the map.
type listItem struct {
	Event
	N        int
	District string
	Left     int
	Marker   bool // drawn on the map
}

// mapRow is a district's line in the map's table.
type mapRow struct {
	Code, Name string
	Count      int
}

// listData fills templates/list.html.
type listData struct {
	Query     ListQuery
	Items     []listItem
	Total     int
	Themes    []string
	Modes     []string
	Districts []districts.District
	Map       maps.Map
	MapRows   []mapRow
	HasMap    bool
	web.Pagination
	Filtered bool
	SignedIn bool
	Calendar string // the subscribable feed of this selection
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	values := r.URL.Query()
	q, errs := parseList(values, ds, time.Now().UTC())
	form := web.NewForm(values)
	addErrors(form, errs)
	res, err := h.svc.store.List(ctx, q)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := listData{Query: q, Total: res.Total, Themes: Themes, Modes: []string{ModeInPerson, ModeOnline},
		Districts: ds, SignedIn: web.ViewerOf(r) != nil}
	names := make(map[string]string, len(ds))
	for _, x := range ds {
		names[x.Code] = x.Name
	}
	for i, e := range res.Items {
		d.Items = append(d.Items, listItem{Event: e, N: q.Offset + i + 1, District: names[e.DistrictCode],
			Left: max(e.Capacity-e.Confirmed, 0), Marker: e.DistrictCode != "" && (e.Geo.Lat != 0 || e.Geo.Lon != 0)})
	}
	for _, k := range listFilters {
		if values.Get(k) != "" {
			d.Filtered = true
		}
	}
	cal := url.Values{}
	if q.Theme != "" {
		cal.Set("theme", q.Theme)
	}
	if q.District != "" {
		cal.Set("district", q.District)
	}
	d.Calendar = "/events/calendar.ics"
	if len(cal) > 0 {
		d.Calendar += "?" + cal.Encode()
	}
	d.Pagination = web.Paginate("/events", values, q.Offset, PageSize, d.Total)
	if len(ds) > 0 {
		if d.Map, err = h.selectionMap(r, ds, res.ByDistrict, d.Items); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		d.HasMap = true
		for _, x := range ds {
			d.MapRows = append(d.MapRows, mapRow{Code: x.Code, Name: x.Name, Count: res.ByDistrict[x.Code]})
		}
	}
	status := http.StatusOK
	if !form.Valid() {
		status = http.StatusBadRequest
	}
	h.rn.Render(w, r, status, h.views["events_list"], web.Page{Title: h.rn.T(r, "events.pages.list_title"), Form: form, Data: d})
}

// selectionMap colours each district by how many events of the selection
// it holds and numbers the page's events in person on it, like the list.
func (h *handlers) selectionMap(r *http.Request, ds []districts.District, counts map[string]int, items []listItem) (maps.Map, error) {
	var shapes map[string][]maps.Polygon
	if src, ok := h.svc.Districts.(shapeSource); ok {
		var err error
		if shapes, err = src.Shapes(r.Context()); err != nil {
			return maps.Map{}, err
		}
	}
	areas := districts.CountAreas(ds, shapes, counts)
	var markers []maps.Marker
	for _, it := range items {
		if it.Marker {
			markers = append(markers, maps.Marker{Lat: it.Geo.Lat, Lon: it.Geo.Lon, Label: strconv.Itoa(it.N)})
		}
	}
	o := maps.Options{ID: "events-map", Lang: web.Lang(r), Markers: markers,
		Title:       h.rn.T(r, "events.pages.map_title"),
		Desc:        h.rn.T(r, "events.pages.map_desc"),
		LegendTitle: h.rn.T(r, "events.pages.map_legend"),
		NoData:      h.rn.T(r, "events.pages.map_no_data"),
	}
	if len(markers) > 0 {
		o.MarkersLabel = h.rn.T(r, "events.pages.map_markers")
	}
	return maps.Choropleth(areas, o), nil
}
