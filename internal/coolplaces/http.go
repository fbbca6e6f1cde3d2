package coolplaces

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds the cool places' messages.
//
//go:embed locales
var Locales embed.FS

// Districts gives the districts to search from and their centres.
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// Heat tells, district by district ("" for places outside every district:
// the city's level), whether a heatwave alert is on, which opens some places
// day and night.
type Heat interface {
	Heatwave(ctx context.Context) (func(districtCode string) bool, error)
}

type handlers struct {
	store     *Store
	districts Districts
	heat      Heat
	rn        *web.Renderer
	views     map[string]*web.View
	now       func() time.Time
}

// Register adds the public cool places pages.
func Register(r *web.Router, rn *web.Renderer, store *Store, ds Districts, heat Heat) {
	h := &handlers{store: store, districts: ds, heat: heat, rn: rn, now: time.Now, views: map[string]*web.View{
		"list":  rn.MustParse(templates, "templates/list.html"),
		"place": rn.MustParse(templates, "templates/place.html"),
	}}
	r.HandleFunc("GET /cool-places", h.list)
	r.HandleFunc("GET /cool-places/{id}", h.place)
}

// resultCount is how many places a search lists.
const resultCount = 12

// placeView is a place as the pages show it.
type placeView struct {
	Nearby
	KindKey string
	Km      float64
	Today   string // today's hours, "" when unknown
	Closed  bool   // closed all day today
}

type listData struct {
	Districts []districts.District
	Searched  bool
	From      string // the district's name, or "" for a point
	Heatwave  bool
	Places    []placeView
	Kinds     []Kind
}

// Bounds of the city: points outside are refused rather than searched.
const (
	minLat, maxLat = 48.80, 48.93
	minLon, maxLon = 2.20, 2.48
)

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if len(q) == 0 {
		q = url.Values{"open": {"1"}}
	}
	form := web.NewForm(q)
	ds, err := h.districts.List(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := listData{Districts: ds, Kinds: Kinds}
	var from Point
	var districtCode string
	switch {
	case form.Get("lat") != "" || form.Get("lon") != "":
		lat, err1 := strconv.ParseFloat(form.Get("lat"), 64)
		lon, err2 := strconv.ParseFloat(form.Get("lon"), 64)
		// Written so that NaN, which compares false, is refused too.
		if err1 != nil || err2 != nil || !(lat >= minLat && lat <= maxLat && lon >= minLon && lon <= maxLon) {
			form.AddError("district", "coolplaces.error.point")
			break
		}
		from, d.Searched = Point{Lat: lat, Lon: lon}, true
	case form.Get("district") != "":
		i := slices.IndexFunc(ds, func(x districts.District) bool { return x.Code == form.Get("district") })
		if i < 0 {
			form.AddError("district", "form.error.choice")
			break
		}
		from, d.Searched, d.From, districtCode = Point{Lat: ds[i].Lat, Lon: ds[i].Lon}, true, ds[i].Name, ds[i].Code
	}
	kind := Kind(form.Get("kind"))
	if kind != "" && !slices.Contains(Kinds, kind) {
		form.AddError("kind", "form.error.choice")
		d.Searched = false
	}
	status := http.StatusOK
	if !form.Valid() {
		status = http.StatusUnprocessableEntity
	}
	if d.Searched && form.Valid() {
		hot, err := h.heat.Heatwave(r.Context())
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		now := h.now()
		found, err := h.store.Search(r.Context(), Query{From: from, At: now, Hot: hot, Kind: kind,
			Limit: resultCount, OpenOnly: form.Get("open") == "1"})
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		d.Heatwave = hot(districtCode)
		for _, n := range found {
			d.Heatwave = d.Heatwave || hot(n.DistrictCode)
			d.Places = append(d.Places, view(n, now))
		}
	}
	h.rn.Render(w, r, status, h.views["list"], web.Page{Title: h.rn.T(r, "coolplaces.list.title"), Form: form, Data: d})
}

func view(n Nearby, now time.Time) placeView {
	v := placeView{Nearby: n, KindKey: "coolplaces.kind." + string(n.Kind), Km: n.DistanceM / 1000}
	day := n.Hours[dayIndex(now.In(Paris).Weekday())]
	switch {
	case n.Open24h:
		v.Today = "00:00-24:00"
	case day.Unknown:
	case len(day.Spans) == 0:
		v.Closed = true
	default:
		v.Today = dayText(day)
	}
	return v
}

// dayText writes a day's spans as "08:00-20:00, 21:00-23:00".
func dayText(d Day) string {
	s := ""
	for i, sp := range d.Spans {
		if i > 0 {
			s += ", "
		}
		s += clock(sp.From) + "-" + clock(sp.To)
	}
	return s
}

type placeData struct {
	Place    Place
	KindKey  string
	Days     []dayRow
	OpenNow  bool
	Heatwave bool
}

type dayRow struct {
	Key     string
	Text    string
	Unknown bool
	Closed  bool
}

func (h *handlers) place(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	p, err := h.store.Get(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	hot, err := h.heat.Heatwave(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	heat := hot(p.DistrictCode)
	d := placeData{Place: p, KindKey: "coolplaces.kind." + string(p.Kind), OpenNow: p.OpenAt(h.now(), heat), Heatwave: heat}
	for i, day := range p.Hours {
		row := dayRow{Key: "coolplaces.day." + dayKeys[i], Unknown: day.Unknown && !p.Open24h, Closed: len(day.Spans) == 0 && !day.Unknown && !p.Open24h}
		if p.Open24h {
			row.Text = "00:00-24:00"
		} else {
			row.Text = dayText(day)
		}
		d.Days = append(d.Days, row)
	}
	h.rn.Render(w, r, http.StatusOK, h.views["place"], web.Page{Title: p.Name, Data: d})
}
