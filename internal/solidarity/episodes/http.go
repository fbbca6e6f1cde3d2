package episodes

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

	"climatevolunteers/internal/web"
)

// Guards are the access checks of the part's pages; which assignment or
// change a person may touch is decided in policy.go.
type Guards struct {
	User        func(http.Handler) http.Handler // any signed-in person
	Coordinator func(http.Handler) http.Handler // coordinators and administrators
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds "my calls" and the coordinators' pages.
//
//	GET  /my/calls                                      a volunteer's people
//	GET  /my/calls/{id}                                 one person and the outcome form
//	POST /my/calls/{id}                                 record an outcome
//	GET  /coordination/solidarity                       open episodes, call intervals
//	POST /coordination/solidarity/intervals             set the call intervals
//	POST /coordination/solidarity/episodes/{id}/end     end an episode
//	GET  /coordination/solidarity/escalations           escalations waiting
//	GET  /coordination/solidarity/unmatched             people nobody calls
//	GET  /coordination/solidarity/escalations/{id}      one escalation
//	POST /coordination/solidarity/escalations/{id}/reassign
//	POST /coordination/solidarity/escalations/{id}/close
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"calls":       rn.MustParse(templates, "templates/calls.html", "templates/partials.html"),
		"call":        rn.MustParse(templates, "templates/call.html", "templates/partials.html"),
		"overview":    rn.MustParse(templates, "templates/overview.html"),
		"escalations": rn.MustParse(templates, "templates/escalations.html", "templates/partials.html"),
		"escalation":  rn.MustParse(templates, "templates/escalation.html", "templates/partials.html"),
	}}
	user := func(f http.HandlerFunc) http.Handler { return g.User(f) }
	staff := func(f http.HandlerFunc) http.Handler { return g.Coordinator(f) }
	r.Handle("GET /my/calls", user(h.myCalls))
	r.Handle("GET /my/calls/{id}", user(h.callPage))
	r.Handle("POST /my/calls/{id}", user(h.recordCall))
	r.Handle("GET /coordination/solidarity", staff(h.overview))
	r.Handle("POST /coordination/solidarity/intervals", staff(h.setIntervals))
	r.Handle("POST /coordination/solidarity/episodes/{id}/end", staff(h.endEpisode))
	r.Handle("GET /coordination/solidarity/escalations", staff(h.waiting(false)))
	r.Handle("GET /coordination/solidarity/unmatched", staff(h.waiting(true)))
	r.Handle("GET /coordination/solidarity/escalations/{id}", staff(h.escalation))
	r.Handle("POST /coordination/solidarity/escalations/{id}/reassign", staff(h.reassign))
	r.Handle("POST /coordination/solidarity/escalations/{id}/close", staff(h.closeEscalation))
}

// actor is the signed-in person as the service sees them.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Role: v.Role}
	}
	return Actor{}
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
	case errors.Is(err, ErrConflict), errors.Is(err, ErrBusy):
		h.rn.Error(w, r, http.StatusConflict, nil)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

// addErrors puts the service's field errors on the form.
func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key, e.Args...)
	}
}

// telURL makes a tel: link of a phone number, keeping only what dials
// (digits and a leading +), so that the URL cannot carry anything else.
func telURL(phone string) template.URL {
	var b strings.Builder
	for i, c := range strings.TrimSpace(phone) {
		if (c >= '0' && c <= '9') || (c == '+' && i == 0) {
			b.WriteRune(c)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return template.URL("tel:" + b.String())
}

// displayPhone writes a French number the way people read it
// (+33123456789 as 01 23 45 67 89); other numbers stay as they are.
func displayPhone(phone string) string {
	p := strings.TrimSpace(phone)
	if len(p) != 12 || !strings.HasPrefix(p, "+33") {
		return p
	}
	d := "0" + p[3:]
	for _, c := range d {
		if c < '0' || c > '9' {
			return p
		}
	}
	return d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:10]
}

// noStore keeps pages with a person's data out of shared caches and the
// browser's back-forward history on shared devices.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}
