package questions

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/web"
)

// Guards are the app's role checks, applied at the door of each route; the
// service checks the same rules again (policy.go).
type Guards struct {
	User      func(http.Handler) http.Handler // any signed-in account
	Staff     func(http.Handler) http.Handler // City staff and coordinators
	Moderator func(http.Handler) http.Handler // moderators
	Reviewer  func(http.Handler) http.Handler // staff and moderators: those who see hidden questions
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the questions' pages.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"action": rn.MustParse(templates, "templates/action.html", "templates/parts.html"),
		"list":   rn.MustParse(templates, "templates/list.html", "templates/parts.html"),
		"show":   rn.MustParse(templates, "templates/show.html", "templates/parts.html"),
		"answer": rn.MustParse(templates, "templates/answer.html", "templates/parts.html"),
		"manage": rn.MustParse(templates, "templates/manage.html", "templates/parts.html"),
	}}
	r.HandleFunc("GET /plan/actions/{id}/questions", h.actionPage)
	r.Handle("POST /plan/actions/{id}/questions", g.User(http.HandlerFunc(h.ask)))
	r.HandleFunc("GET /plan/questions", h.list)
	r.HandleFunc("GET /plan/questions/{id}", h.show)
	r.Handle("POST /plan/questions/{id}/follow", g.User(http.HandlerFunc(h.follow)))
	r.Handle("POST /plan/questions/{id}/unfollow", g.User(http.HandlerFunc(h.unfollow)))
	r.Handle("GET /plan/questions/{id}/answers/{answer}/edit", g.Staff(http.HandlerFunc(h.editAnswer)))
	r.Handle("POST /plan/questions/{id}/answer", g.Staff(http.HandlerFunc(h.answer)))
	r.Handle("POST /plan/questions/{id}/hide", g.Moderator(http.HandlerFunc(h.hide)))
	r.Handle("POST /plan/questions/{id}/restore", g.Moderator(http.HandlerFunc(h.restore)))
	r.Handle("GET /plan/manage/questions", g.Reviewer(http.HandlerFunc(h.manage)))
}

// actor is the signed-in person as the service sees them; zero for visitors.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Role: auth.Role(v.Role)}
	}
	return Actor{}
}

// fail answers the service's refusals with their status.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	var rl *RateLimitError
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
	case errors.As(err, &rl):
		h.rn.RateLimited(w, r, rl.Retry)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key)
	}
}

func questionPath(id int64) string { return "/plan/questions/" + strconv.FormatInt(id, 10) }

func actionQuestionsPath(id int64) string {
	return "/plan/actions/" + strconv.FormatInt(id, 10) + "/questions"
}

// page reads the "page" query parameter, 1 when absent or wrong.
func page(r *http.Request) int {
	p, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return min(max(p, 1), 100000)
}
