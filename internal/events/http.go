package events

import (
	"embed"
	"errors"
	"net/http"

	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages, split by part (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// Guards are the access checks of the feature's pages; finer rules (who
// runs which event) are in policy.go.
type Guards struct {
	User func(http.Handler) http.Handler // any signed-in person
}

type handlers struct {
	svc    *Service
	rn     *web.Renderer
	guards Guards
	views  map[string]*web.View
}

// Register adds the feature's pages, feeds and API.
func Register(r *web.Router, rn *web.Renderer, svc *Service, guards Guards) {
	h := &handlers{svc: svc, rn: rn, guards: guards, views: map[string]*web.View{}}
	h.registerPages(r)
	h.registerRegistration(r)
	h.registerCheckin(r)
	h.registerCalendar(r)
}

// actor is the signed-in person as the service sees them; zero for visitors.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Role: v.Role}
	}
	return Actor{}
}

// load reads the event of the path and whether the viewer organises it;
// 404 when it does not exist or is a draft the viewer may not see.
func (h *handlers) load(w http.ResponseWriter, r *http.Request) (Event, bool, bool) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return Event{}, false, false
	}
	e, err := h.svc.store.Get(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return e, false, false
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return e, false, false
	}
	manages, err := h.svc.MayManage(r.Context(), actor(r), e)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return e, false, false
	}
	if !CanSee(e, manages) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return e, false, false
	}
	return e, manages, true
}

// loadManaged is load for organisers' pages: 404 when the viewer may not
// see the event, 403 when they see it but do not run it.
func (h *handlers) loadManaged(w http.ResponseWriter, r *http.Request) (Event, bool) {
	e, manages, ok := h.load(w, r)
	if !ok {
		return e, false
	}
	if !manages {
		h.rn.Error(w, r, http.StatusForbidden, nil)
		return e, false
	}
	return e, true
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
	case errors.Is(err, ErrTransition), errors.Is(err, ErrConflict):
		h.rn.Error(w, r, http.StatusConflict, nil)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

// addErrors puts the service's field errors on the form.
func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key)
	}
}
