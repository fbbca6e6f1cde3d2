package initiatives

import (
	"embed"
	"errors"
	"net/http"

	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages (split by part: see locales/).
//
//go:embed locales
var Locales embed.FS

// Guards are the access checks of the feature's pages. Finer rules (who
// runs which initiative) are in policy.go.
type Guards struct {
	User        func(http.Handler) http.Handler // any signed-in person
	Moderator   func(http.Handler) http.Handler // moderators and admins
	Coordinator func(http.Handler) http.Handler // coordinators and admins
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
	h.views["form"] = rn.MustParse(templates, "templates/form.html")
	h.views["show"] = rn.MustParse(templates, "templates/show.html", "templates/participation.html", "templates/similar.html")
	h.views["mine"] = rn.MustParse(templates, "templates/mine.html")
	h.views["queue"] = rn.MustParse(templates, "templates/queue.html")
	user := func(f http.HandlerFunc) http.Handler { return guards.User(f) }

	r.Handle("GET /initiatives/new", user(h.newPage))
	r.Handle("POST /initiatives/new", user(h.create))
	r.HandleFunc("GET /initiatives/{id}", h.show)
	r.Handle("GET /initiatives/{id}/edit", user(h.editPage))
	r.Handle("POST /initiatives/{id}/edit", user(h.update))
	r.Handle("POST /initiatives/{id}/status", user(h.act))
	r.Handle("POST /initiatives/{id}/image", user(h.uploadImage))
	r.Handle("POST /initiatives/{id}/introductions", user(h.setIntroductions))
	r.HandleFunc("GET /media/initiatives/{name}", h.image)
	r.Handle("GET /my/initiatives", user(h.minePage))
	r.Handle("GET /moderation/initiatives", guards.Moderator(http.HandlerFunc(h.queuePage)))
	r.Handle("POST /moderation/initiatives/{id}", guards.Moderator(http.HandlerFunc(h.decide)))

	h.registerTeam(r)
	h.registerFind(r)
	h.registerParticipation(r)
	h.registerSynergy(r)
	h.registerFeeds(r)
}

// actor is the signed-in person as the service sees them; zero for visitors.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Role: v.Role}
	}
	return Actor{}
}

// load reads the initiative of the path and the viewer's role in it. It
// answers 404 when the initiative does not exist or the viewer may not see
// it (a hidden draft is not acknowledged), and returns false.
func (h *handlers) load(w http.ResponseWriter, r *http.Request) (Initiative, string, bool) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return Initiative{}, "", false
	}
	in, err := h.svc.store.Get(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return in, "", false
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return in, "", false
	}
	a := actor(r)
	role := ""
	if a.UserID > 0 {
		if role, err = h.svc.store.MemberRole(r.Context(), id, a.UserID); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return in, "", false
		}
	}
	if !CanSee(a, role, in) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return in, "", false
	}
	return in, role, true
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
	case errors.Is(err, ErrTransition):
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
