package events

import (
	"net/http"

	"climatevolunteers/internal/web"
)

// registerPages adds the list, the event page, "my events" and the
// organisers' forms. Who may act on which event is decided in policy.go
// (through the service) and, for pages, by h.load's manages.
func (h *handlers) registerPages(r *web.Router) {
	h.views["events_list"] = h.rn.MustParse(templates, "templates/list.html")
	h.views["events_show"] = h.rn.MustParse(templates, "templates/show.html", "templates/registration.html")
	h.views["events_form"] = h.rn.MustParse(templates, "templates/form.html")
	h.views["events_my"] = h.rn.MustParse(templates, "templates/my.html")
	user := func(f http.HandlerFunc) http.Handler { return h.guards.User(f) }

	r.HandleFunc("GET /events", h.listPage)
	r.Handle("GET /events/new", user(h.newPage))
	r.Handle("POST /events/new", user(h.create))
	r.HandleFunc("GET /events/{id}", h.show)
	r.Handle("GET /events/{id}/edit", user(h.editPage))
	r.Handle("POST /events/{id}/edit", user(h.update))
	r.Handle("POST /events/{id}/publish", user(h.publish))
	r.Handle("POST /events/{id}/cancel", user(h.cancel))
	r.Handle("POST /events/{id}/sessions", user(h.addSession))
	r.Handle("POST /events/{id}/sessions/{sid}/delete", user(h.deleteSession))
	r.Handle("GET /my/events", user(h.myPage))
}

// registrationData is what the event page's "registration" partial
// (templates/registration.html, the registration part's) receives.
func (h *handlers) registrationData(r *http.Request, e Event, manages bool) (any, error) {
	return h.registration(r, e, manages)
}
