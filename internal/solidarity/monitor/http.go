package monitor

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// Guards are the access checks of the part's pages. Every page is for
// coordinators (and admins): this is the one place that says so.
type Guards struct {
	Coordinator func(http.Handler) http.Handler
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the live dashboard, its stream, the episodes' list and
// their reports.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"live":     rn.MustParse(templates, "templates/live.html", "templates/partials.html"),
		"episodes": rn.MustParse(templates, "templates/episodes.html", "templates/partials.html"),
		"report":   rn.MustParse(templates, "templates/report.html", "templates/partials.html"),
	}}
	coord := func(f http.HandlerFunc) http.Handler { return g.Coordinator(f) }
	r.Handle("GET /coordination/solidarity/live", coord(h.live))
	r.Handle("GET /coordination/solidarity/live/stream", coord(h.stream))
	r.Handle("GET /coordination/solidarity/episodes", coord(h.episodes))
	r.Handle("GET /coordination/solidarity/episodes/{id}/report", coord(h.report))
	r.Handle("GET /coordination/solidarity/episodes/{id}/report.csv", coord(h.reportCSV))
}

// Paths of the part's pages.
const (
	LivePath     = "/coordination/solidarity/live"
	EpisodesPath = "/coordination/solidarity/episodes"
	// EscalationsPath is served by the episodes part.
	EscalationsPath = "/coordination/solidarity/escalations"
)

// ReportPath is an episode's report.
func ReportPath(id int64) string {
	return EpisodesPath + "/" + strconv.FormatInt(id, 10) + "/report"
}

// parseID reads a positive id; false when s is not one.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	h.rn.Error(w, r, http.StatusInternalServerError, err)
}

// private marks pages whose figures must not be cached anywhere.
func private(w http.ResponseWriter) { w.Header().Set("Cache-Control", "private, no-store") }
