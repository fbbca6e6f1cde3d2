package dashboard

import (
	"net/http"
	"time"

	"climatevolunteers/internal/web/i18n"

	"climatevolunteers/internal/web"
)

// Paths of the part's pages.
const (
	DashboardPath = "/plan"
	HistoryPath   = "/plan/history"
	FeedPath      = "/plan/history.atom"
)

// Options are what the pages need beyond the service.
type Options struct {
	BaseURL string // public address without a trailing slash, for the feed
}

type handlers struct {
	svc       *Service
	rn        *web.Renderer
	opt       Options
	dashboard *web.View
	history   *web.View
}

// Register adds the dashboard, the timeline and its feed. All three are
// public, for residents: this is the one place that says so (no guard).
func Register(r *web.Router, rn *web.Renderer, svc *Service, opt Options) {
	h := &handlers{svc: svc, rn: rn, opt: opt,
		dashboard: rn.MustParse(templates, "templates/dashboard.html"),
		history:   rn.MustParse(templates, "templates/history.html"),
	}
	r.HandleFunc("GET "+DashboardPath, h.showDashboard)
	r.HandleFunc("GET "+HistoryPath, h.showHistory)
	r.HandleFunc("GET "+FeedPath, h.feed)
}

// words binds the catalog to the request's language.
func (h *handlers) words(r *http.Request) Words {
	lang := web.Lang(r)
	cat := h.rn.Catalog()
	return Words{Lang: lang, T: func(key string, args ...any) string { return cat.T(lang, key, args...) }, Has: cat.Has}
}

// when writes a moment in the city's zone, in the request's language.
func (h *handlers) when(r *http.Request, t time.Time) string {
	return i18n.FormatDateTime(web.Lang(r), t, h.svc.loc)
}
