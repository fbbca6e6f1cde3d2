package alerts

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds the alerts' messages.
//
//go:embed locales
var Locales embed.FS

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the public alert pages and the coordinators' form;
// coordinator guards the form (coordinators and administrators).
func Register(r *web.Router, rn *web.Renderer, svc *Service, coordinator func(http.Handler) http.Handler) *Handlers {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"current": rn.MustParse(templates, "templates/current.html", "templates/levels.html"),
		"history": rn.MustParse(templates, "templates/history.html", "templates/levels.html"),
		"set":     rn.MustParse(templates, "templates/set.html", "templates/levels.html"),
	}}
	r.HandleFunc("GET /alerts", h.current)
	r.HandleFunc("GET /alerts/history", h.history)
	r.Handle("GET /coordination/alerts", coordinator(http.HandlerFunc(h.setPage)))
	r.Handle("POST /coordination/alerts", coordinator(http.HandlerFunc(h.set)))
	return &Handlers{h: h}
}

// Handlers gives app what the alert pages share with every page: the banner.
type Handlers struct{ h *handlers }

// levelView is one level as pages show it.
type levelView struct {
	Hazard Hazard
	Level  Level
	Colour string
	Label  string // translated name
	Advice string
	From   string // "" for the city, else the district's code
}

func (h *handlers) view(r *http.Request, hz Hazard, l Level, advice, from string) levelView {
	return levelView{Hazard: hz, Level: l, Colour: l.Colour(), Label: h.rn.T(r, LabelKey(hz, l)), Advice: advice, From: from}
}

// districtRow is a district's effective levels, one per hazard.
type districtRow struct {
	District districts.District
	Levels   []levelView
	Alert    bool // a level at banner level
}

type currentData struct {
	City      []levelView
	Districts []districtRow
	Alerted   int // districts with a banner-level alert
}

func (h *handlers) current(w http.ResponseWriter, r *http.Request) {
	sit, err := h.svc.Current(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	ds, err := h.svc.Districts(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	var d currentData
	for _, e := range sit.City {
		d.City = append(d.City, h.view(r, e.Hazard, e.Level, e.Advice, ""))
	}
	for _, dist := range ds {
		row := districtRow{District: dist}
		for _, e := range sit.Districts[dist.Code] {
			row.Levels = append(row.Levels, h.view(r, e.Hazard, e.Level, e.Advice, e.From))
			row.Alert = row.Alert || e.Banner()
		}
		if row.Alert {
			d.Alerted++
		}
		d.Districts = append(d.Districts, row)
	}
	h.rn.Render(w, r, http.StatusOK, h.views["current"], web.Page{Title: h.rn.T(r, "alerts.current.title"), Data: d})
}

type historyRow struct {
	Record
	View  levelView
	Scope string // translated: the city or the district's name
}

type historyData struct {
	Rows       []historyRow
	Page       int
	Pages      int
	Total      int
	Prev, Next string
}

func (h *handlers) history(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = min(max(page, 1), 100000)
	rows, total, err := h.svc.HistoryPage(r.Context(), page)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	names, err := h.districtNames(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := historyData{Page: page, Total: total, Pages: max(1, (total+HistoryPageSize-1)/HistoryPageSize)}
	if page > d.Pages {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	for _, rec := range rows {
		d.Rows = append(d.Rows, historyRow{Record: rec, View: h.view(r, rec.Hazard, rec.Level, rec.Advice, rec.DistrictCode),
			Scope: h.scopeName(r, names, rec.DistrictCode)})
	}
	if page > 1 {
		d.Prev = "/alerts/history?page=" + strconv.Itoa(page-1)
	}
	if page < d.Pages {
		d.Next = "/alerts/history?page=" + strconv.Itoa(page+1)
	}
	h.rn.Render(w, r, http.StatusOK, h.views["history"], web.Page{Title: h.rn.T(r, "alerts.history.title"), Data: d})
}

func (h *handlers) districtNames(r *http.Request) (map[string]string, error) {
	ds, err := h.svc.Districts(r.Context())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	return names, nil
}

func (h *handlers) scopeName(r *http.Request, names map[string]string, code string) string {
	if code == "" {
		return h.rn.T(r, "alerts.scope.city")
	}
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// setData fills the coordinators' form.
type setData struct {
	Hazards   []Hazard
	Levels    []levelChoice
	Districts []districts.District
	Chosen    map[string]bool
	Recent    []historyRow
}

type levelChoice struct {
	Level  Level
	Colour string
	Heat   string // the heat plan's name
	Flood  string // the flood vigilance's name
}

func (h *handlers) setPage(w http.ResponseWriter, r *http.Request) {
	form := web.NewForm(url.Values{"hazard": {string(Heat)}, "scope": {"districts"}})
	h.renderSet(w, r, http.StatusOK, form, nil)
}

func (h *handlers) renderSet(w http.ResponseWriter, r *http.Request, status int, form *web.Form, chosen []string) {
	ds, err := h.svc.Districts(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	recent, err := h.svc.History(r.Context(), 10)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	d := setData{Hazards: Hazards, Districts: ds, Chosen: map[string]bool{}}
	for l := MinLevel; l <= MaxLevel; l++ {
		d.Levels = append(d.Levels, levelChoice{Level: l, Colour: l.Colour(),
			Heat: h.rn.T(r, LabelKey(Heat, l)), Flood: h.rn.T(r, LabelKey(Flood, l))})
	}
	for _, c := range chosen {
		d.Chosen[c] = true
	}
	for _, rec := range recent {
		d.Recent = append(d.Recent, historyRow{Record: rec, View: h.view(r, rec.Hazard, rec.Level, rec.Advice, rec.DistrictCode),
			Scope: h.scopeName(r, names, rec.DistrictCode)})
	}
	h.rn.Render(w, r, status, h.views["set"], web.Page{Title: h.rn.T(r, "alerts.set.title"), Form: form, Data: d})
}

func (h *handlers) set(w http.ResponseWriter, r *http.Request) {
	form, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	chosen := form.Values["district"]
	hazard := Hazard(form.Get("hazard"))
	level, _ := strconv.Atoi(form.Get("level"))
	form.Required("hazard")
	form.Required("level")
	form.OneOf("scope", "city", "districts")
	var codes []string
	if form.Get("scope") == "districts" {
		codes = chosen
		if len(codes) == 0 {
			form.AddError("district", "alerts.error.no_district")
		}
	}
	if !form.Valid() {
		h.renderSet(w, r, http.StatusUnprocessableEntity, form, chosen)
		return
	}
	v := web.ViewerOf(r)
	_, err = h.svc.SetMany(r.Context(), Actor{UserID: v.UserID, Role: v.Role}, hazard, codes, Level(level), form.Values.Get("advice"))
	var fe *FieldError
	var after *AfterChangeError
	switch {
	case errors.As(err, &fe):
		form.AddError(fe.Field, fe.Key, MaxAdvice)
		h.renderSet(w, r, http.StatusUnprocessableEntity, form, chosen)
		return
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
		return
	case errors.As(err, &after):
		// The levels are set; the episode follows at the next periodic sync.
		h.rn.LogError(r, err)
		h.rn.SetFlash(w, "error", "flash.alerts.sync_failed")
	case err != nil:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	default:
		h.rn.SetFlash(w, "success", "flash.alerts.set")
	}
	web.Redirect(w, r, "/coordination/alerts")
}

// notices builds the banner every page shows while a hazard is at banner
// level somewhere; it reads the cache only.
func (h *handlers) notices(r *http.Request) []web.Notice {
	v, err := h.svc.cached(r.Context())
	if err != nil {
		h.rn.LogError(r, err)
		return nil
	}
	order := make([]string, len(v.districts))
	names := make(map[string]string, len(v.districts))
	for i, d := range v.districts {
		order[i] = d.Code
		names[d.Code] = d.Name
	}
	var out []web.Notice
	for _, a := range v.sit.Alerting(order) {
		where := h.rn.T(r, "alerts.scope.city")
		if !a.City {
			parts := make([]string, len(a.Districts))
			for i, c := range a.Districts {
				parts[i] = names[c]
			}
			where = strings.Join(parts, ", ")
		}
		text := h.rn.T(r, "alerts.banner.where", where)
		if a.Advice != "" {
			text += " " + a.Advice
		}
		out = append(out, web.Notice{Kind: "alert-" + strconv.Itoa(int(a.Level)),
			Title: h.rn.T(r, "alerts.banner.title", h.rn.T(r, LabelKey(a.Hazard, a.Level)), int(a.Level)),
			Text:  text, Href: "/cool-places", Link: h.rn.T(r, "alerts.banner.cool_places")})
	}
	return out
}

// Notices is the alert banner of a request, for the layout.
func (hs *Handlers) Notices(r *http.Request) []web.Notice { return hs.h.notices(r) }
