package actions

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// Guards are the access checks of this part: every /plan/manage page is
// for City staff and coordinators (the one place authorisation is decided).
type Guards struct {
	Staff func(http.Handler) http.Handler
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the public pages, the exports, the API and the staff pages.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{}}
	for name, file := range map[string]string{
		"list": "templates/list.html", "show": "templates/show.html", "hub": "templates/hub.html",
		"form": "templates/form.html", "manage": "templates/manage.html", "themes": "templates/themes.html",
		"import": "templates/import.html",
	} {
		h.views[name] = rn.MustParse(templates, file, "templates/partials.html")
	}
	staff := func(f http.HandlerFunc) http.Handler { return g.Staff(f) }

	r.HandleFunc("GET /plan/actions", h.listPage)
	r.HandleFunc("GET /plan/actions/{id}", h.showPage)
	r.HandleFunc("GET /plan/actions.csv", h.exportCSV)
	r.HandleFunc("GET /plan/actions.json", h.exportJSON)
	r.HandleFunc("GET /api/v1/plan/actions", h.apiList)

	r.Handle("GET /plan/manage", staff(h.hubPage))
	r.Handle("GET /plan/manage/actions/new", staff(h.newPage))
	r.Handle("POST /plan/manage/actions/new", staff(h.create))
	r.Handle("GET /plan/manage/actions/{id}", staff(h.managePage))
	r.Handle("GET /plan/manage/actions/{id}/edit", staff(h.editPage))
	r.Handle("POST /plan/manage/actions/{id}/edit", staff(h.update))
	r.Handle("POST /plan/manage/actions/{id}/status", staff(h.setStatus))
	r.Handle("POST /plan/manage/actions/{id}/milestones", staff(h.addMilestone))
	r.Handle("POST /plan/manage/actions/{id}/milestones/{mid}", staff(h.markMilestone))
	r.Handle("POST /plan/manage/actions/{id}/tasks", staff(h.addTask))
	r.Handle("POST /plan/manage/actions/{id}/tasks/{tid}", staff(h.markTask))
	r.Handle("POST /plan/manage/actions/{id}/milestones/{mid}/delete", staff(h.removeMilestone))
	r.Handle("POST /plan/manage/actions/{id}/tasks/{tid}/delete", staff(h.removeTask))
	r.Handle("POST /plan/manage/actions/{id}/links", staff(h.addLink))
	r.Handle("POST /plan/manage/actions/{id}/links/delete", staff(h.removeLink))
	r.Handle("GET /plan/manage/themes", staff(h.themesPage))
	r.Handle("POST /plan/manage/themes", staff(h.saveTheme))
	r.Handle("POST /plan/manage/themes/{id}", staff(h.saveTheme))
	r.Handle("POST /plan/manage/themes/{id}/move", staff(h.moveTheme))
	r.Handle("POST /plan/manage/themes/{id}/delete", staff(h.deleteTheme))
	r.Handle("GET /plan/manage/import", staff(h.importPage))
	r.Handle("POST /plan/manage/import", staff(h.dryRun))
	r.Handle("POST /plan/manage/import/apply", staff(h.applyImport))
}

// actorOf is the staff member behind a request, as history names them.
func actorOf(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Name: v.DisplayName}
	}
	return Actor{}
}

// fail answers a service error that is not a form's business.
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

// addErrors copies the service's field errors onto the form.
func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key, e.Args...)
	}
}

func pathInt(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
