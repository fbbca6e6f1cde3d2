package indicators

import (
	"embed"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

//go:embed templates
var templates embed.FS

// Guards are the access checks of the part: every page under
// /plan/manage/indicators is for City staff and coordinators; the rest is
// public. This is the one place the part decides who may change indicators.
type Guards struct {
	Staff func(http.Handler) http.Handler
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Paths of the part's pages.
const (
	PublicPath = "/plan/indicators"
	ManagePath = "/plan/manage/indicators"
)

// Register adds the public pages, the exports, the API and the staff pages.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{}}
	for name, file := range map[string]string{
		"list": "templates/list.html", "show": "templates/show.html", "manage": "templates/manage.html",
		"form": "templates/form.html", "staff": "templates/staff.html", "value": "templates/value.html",
		"import": "templates/import.html",
	} {
		h.views[name] = rn.MustParse(templates, file, "templates/parts.html")
	}
	r.HandleFunc("GET "+PublicPath, h.listPage)
	r.HandleFunc("GET "+PublicPath+"/{id}", h.showPage)
	r.HandleFunc("GET "+PublicPath+".csv", h.exportCSV)
	r.HandleFunc("GET "+PublicPath+".json", h.exportJSON)
	r.HandleFunc("GET /api/v1/plan/indicators", h.exportJSON)

	staff := func(f http.HandlerFunc) http.Handler { return g.Staff(f) }
	r.Handle("GET "+ManagePath, staff(h.managePage))
	r.Handle("GET "+ManagePath+"/new", staff(h.newPage))
	r.Handle("POST "+ManagePath+"/new", staff(h.create))
	r.Handle("GET "+ManagePath+"/{id}", staff(h.staffPage))
	r.Handle("GET "+ManagePath+"/{id}/edit", staff(h.editPage))
	r.Handle("POST "+ManagePath+"/{id}/edit", staff(h.update))
	r.Handle("POST "+ManagePath+"/{id}/values", staff(h.addValue))
	r.Handle("GET "+ManagePath+"/{id}/values/{vid}", staff(h.valuePage))
	r.Handle("POST "+ManagePath+"/{id}/values/{vid}", staff(h.correctValue))
	r.Handle("POST "+ManagePath+"/{id}/values/{vid}/delete", staff(h.deleteValue))
	r.Handle("GET "+ManagePath+"/import", staff(h.importPage))
	r.Handle("POST "+ManagePath+"/import", staff(h.importPreview))
	r.Handle("POST "+ManagePath+"/import/apply", staff(h.importApply))
}

// actor is the signed-in staff member as the history names them.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Name: v.DisplayName}
	}
	return Actor{}
}

// load reads the indicator of the path; it has answered 404 when false.
func (h *handlers) load(w http.ResponseWriter, r *http.Request) (Entry, bool) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return Entry{}, false
	}
	e, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return e, false
	}
	return e, true
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrConflict):
		h.rn.Error(w, r, http.StatusConflict, nil)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Code)
	}
}

func indicatorPath(base string, id int64) string { return base + "/" + strconv.FormatInt(id, 10) }

// numText writes a number for people: the language's decimal mark, at most
// three decimals, none when it is whole.
func numText(lang string, f float64) string {
	s := strconv.FormatFloat(round3(f), 'f', -1, 64)
	decimals := 0
	if _, frac, ok := strings.Cut(s, "."); ok {
		decimals = len(frac)
	}
	return i18n.FormatDecimal(lang, f, decimals)
}
