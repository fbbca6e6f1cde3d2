package audit

import (
	"embed"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even on a server without a zoneinfo database

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

// displayZone is where the platform's people live: times are stored in UTC
// and shown, and date filters read, in Paris time.
var displayZone = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}

type handlers struct {
	rn   *web.Renderer
	db   *db.DB
	list *web.View
}

// Register adds the administrators' audit log page. require guards it (the
// auth feature's admin check); it wraps every handler here.
func Register(r *web.Router, rn *web.Renderer, d *db.DB, require func(http.Handler) http.Handler) {
	h := &handlers{rn: rn, db: d, list: rn.MustParse(templates, "templates/list.html")}
	r.Handle("GET /admin/audit", require(http.HandlerFunc(h.listPage)))
}

type listData struct {
	Actions []option
	Rows    []rowView
	Total   int
	Page    int
	Pages   int
	Prev    string // URL of the previous page, "" on the first
	Next    string
}

type option struct {
	Value, Label string
	Selected     bool
}

type rowView struct {
	When, WhenISO string
	Actor         string
	Action        string
	Target        string
	IPNetwork     string
	Detail        string
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := web.NewForm(q)
	f := readFilter(form, web.Lang(r))
	data := listData{Actions: h.actionOptions(r, f.Action)}
	page := web.Page{Title: h.rn.T(r, "audit.title"), Form: form, Data: &data}
	if !form.Valid() {
		h.rn.Render(w, r, http.StatusBadRequest, h.list, page)
		return
	}
	rows, total, err := List(r.Context(), h.db, f)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	_, per := f.pageAndSize()
	data.Pages = max(1, (total+per-1)/per)
	if f.Page > data.Pages { // past the end (an old link): show the last page
		f.Page = data.Pages
		if rows, total, err = List(r.Context(), h.db, f); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	data.Page, data.Total = f.Page, total
	for _, row := range rows {
		data.Rows = append(data.Rows, h.rowView(r, row))
	}
	if data.Page > 1 {
		data.Prev = pageURL(q, data.Page-1)
	}
	if data.Page < data.Pages {
		data.Next = pageURL(q, data.Page+1)
	}
	h.rn.Render(w, r, http.StatusOK, h.list, page)
}

// readFilter validates the query string; errors land on the form's fields.
func readFilter(form *web.Form, lang string) Filter {
	f := Filter{Page: 1}
	if a := form.Get("action"); a != "" {
		if slices.Contains(actions, a) {
			f.Action = a
		} else {
			form.AddError("action", "form.error.choice")
		}
	}
	if form.MaxLen("actor", 254) {
		f.ActorEmail = form.Get("actor")
	}
	from, okFrom := readDate(form, "from", lang)
	to, okTo := readDate(form, "to", lang)
	if okFrom && okTo && !from.IsZero() && !to.IsZero() && to.Before(from) {
		form.AddError("to", "audit.error.range")
	}
	f.From = from
	if !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the whole "to" day is included
	}
	if p, err := strconv.Atoi(form.Get("page")); err == nil && p > 1 {
		f.Page = min(p, maxPage)
	}
	return f
}

// readDate reads a day as midnight in Paris; ok is false when the field holds
// something that is not a date. <input type="date"> sends 2026-07-14; where
// a browser shows a plain text box instead, French speakers type 14/07/2026.
func readDate(form *web.Form, field, lang string) (time.Time, bool) {
	v := form.Get(field)
	if v == "" {
		return time.Time{}, true
	}
	layouts := []string{"2006-01-02"}
	if lang == "fr" {
		layouts = append(layouts, "2/1/2006")
	}
	for _, layout := range layouts {
		// Years before 1970 are typing mistakes ("0202"), not log dates.
		if t, err := time.ParseInLocation(layout, v, displayZone); err == nil && t.Year() >= 1970 {
			return t, true
		}
	}
	form.AddError(field, "audit.error.date")
	return time.Time{}, false
}

func pageURL(q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(page))
	return "/admin/audit?" + v.Encode()
}

func (h *handlers) actionOptions(r *http.Request, selected string) []option {
	out := make([]option, len(actions))
	for i, a := range actions {
		out[i] = option{Value: a, Label: h.actionLabel(r, a), Selected: a == selected}
	}
	return out
}

func (h *handlers) actionLabel(r *http.Request, action string) string {
	return h.label(r, "audit.action.", action)
}

// label translates a stored name (an action, a target type), or shows it as
// stored when it has no translation (one written by a newer release, say).
func (h *handlers) label(r *http.Request, prefix, name string) string {
	if name == "" || !h.rn.Catalog().Has(prefix+name) {
		return name
	}
	return h.rn.T(r, prefix+name)
}

// timeLayouts per language, in Paris time.
var timeLayouts = map[string]string{"fr": "02/01/2006 15:04:05", "en": "2 Jan 2006, 15:04:05"}

func (h *handlers) rowView(r *http.Request, row Row) rowView {
	at := row.At.In(displayZone)
	layout, ok := timeLayouts[web.Lang(r)]
	if !ok {
		layout = timeLayouts["fr"]
	}
	v := rowView{
		When: at.Format(layout), WhenISO: row.At.UTC().Format(time.RFC3339),
		Action: h.actionLabel(r, row.Action), IPNetwork: row.IPNetwork, Detail: row.Detail,
	}
	switch {
	case row.ActorID == 0:
		v.Actor = h.rn.T(r, "audit.actor.none")
	case row.ActorEmail == "":
		v.Actor = h.rn.T(r, "audit.actor.deleted", row.ActorID)
	default:
		v.Actor = row.ActorEmail
	}
	v.Target = strings.TrimSpace(h.label(r, "audit.target.", row.TargetType) + " " + row.TargetID)
	return v
}
