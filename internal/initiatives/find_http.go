package initiatives

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/maps"
	"climatevolunteers/internal/web"
)

// registerFind adds the list of initiatives with its filters, search and map.
func (h *handlers) registerFind(r *web.Router) {
	h.views["list"] = h.rn.MustParse(templates, "templates/list.html")
	r.HandleFunc("GET /initiatives", h.listPage)
}

// shapeSource is what the districts store offers beyond Districts: real
// boundaries for the map. Without it the map is a tile grid.
type shapeSource interface {
	Shapes(ctx context.Context) (map[string][]maps.Polygon, error)
}

// listItem is one line of the list, numbered like its marker on the map.
type listItem struct {
	Found
	N        int
	District string // the district's name
}

// listData fills templates/list.html.
type listData struct {
	Query     Query
	Items     []listItem
	Total     int
	Themes    []string
	Statuses  []Status
	Checked   map[Status]bool
	Districts []districts.District
	Sorts     []string
	Map       maps.Map
	MapRows   []mapRow
	HasMap    bool
	web.Pagination
	Filtered bool // some filter or search is set: the empty state offers to clear them
	SignedIn bool
}

// mapRow is a district's line in the map's table.
type mapRow struct {
	Code, Name string
	Count      int
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	values := r.URL.Query()
	q, errs := ParseQuery(values, ds)
	// The form gets its own copy: it shows the order in effect, while the
	// page links keep exactly what was asked.
	shown := url.Values{}
	for k, vs := range values {
		shown[k] = vs
	}
	form := web.NewForm(shown)
	addErrors(form, errs)
	res, err := h.svc.store.Find(ctx, q)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}

	d := listData{Query: q, Total: res.Total, Themes: Themes, Statuses: []Status{Published, Paused},
		Checked: map[Status]bool{}, Districts: ds, Sorts: Sorts, SignedIn: web.ViewerOf(r) != nil}
	for _, s := range q.Statuses {
		d.Checked[s] = true
	}
	form.Values.Set("sort", q.Sort)
	names := make(map[string]string, len(ds))
	for _, x := range ds {
		names[x.Code] = x.Name
	}
	for i, f := range res.Items {
		d.Items = append(d.Items, listItem{Found: f, N: q.Offset + i + 1, District: names[f.DistrictCode]})
	}
	for _, k := range []string{"q", "theme", "district", "status", "near", "lat", "lon", "radius"} {
		if values.Get(k) != "" {
			d.Filtered = true
		}
	}
	d.Pagination = web.Paginate("/initiatives", values, q.Offset, PageSize, d.Total)
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
	h.rn.Render(w, r, status, h.views["list"], web.Page{Title: h.rn.T(r, "initiatives.list.title"), Form: form, Data: d})
}

// selectionMap colours each district by how many initiatives of the
// selection it holds and numbers the page's initiatives on it, like the list.
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
		if it.Geo.Lat == 0 && it.Geo.Lon == 0 {
			continue // no place known
		}
		markers = append(markers, maps.Marker{Lat: it.Geo.Lat, Lon: it.Geo.Lon, Label: strconv.Itoa(it.N)})
	}
	o := maps.Options{ID: "initiatives-map", Lang: web.Lang(r), Markers: markers,
		Title:       h.rn.T(r, "initiatives.find.map.title"),
		Desc:        h.rn.T(r, "initiatives.find.map.desc"),
		LegendTitle: h.rn.T(r, "initiatives.find.map.legend"),
		NoData:      h.rn.T(r, "initiatives.find.map.no_data"),
	}
	if len(markers) > 0 {
		o.MarkersLabel = h.rn.T(r, "initiatives.find.map.markers")
	}
	return maps.Choropleth(areas, o), nil
}
