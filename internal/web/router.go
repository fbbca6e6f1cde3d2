package web

import (
	"net/http"
	"sort"
	"strconv"
)

// Router is a net/http ServeMux that remembers its patterns, so that tests
// can walk every route (the route-by-role table) and the site map is known.
// Requests no pattern matches get the site's own translated 404 or 405 page
// rather than ServeMux's plain text.
type Router struct {
	mux      *http.ServeMux
	patterns []string
	// NoMatch renders the page for a request no pattern matched (404, or 405
	// with the Allow header already set).
	NoMatch func(w http.ResponseWriter, r *http.Request, status int)
}

// NewRouter returns an empty router.
func NewRouter() *Router {
	return &Router{mux: http.NewServeMux(), NoMatch: func(w http.ResponseWriter, r *http.Request, status int) {
		http.Error(w, http.StatusText(status), status)
	}}
}

// Handle registers h for a ServeMux pattern such as "GET /districts/{code}".
func (rt *Router) Handle(pattern string, h http.Handler) {
	rt.mux.Handle(pattern, h)
	rt.patterns = append(rt.patterns, pattern)
}

// HandleFunc registers a handler function.
func (rt *Router) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	rt.Handle(pattern, http.HandlerFunc(h))
}

// Patterns lists the registered patterns, sorted.
func (rt *Router) Patterns() []string {
	out := append([]string(nil), rt.patterns...)
	sort.Strings(out)
	return out
}

// ServeHTTP routes the request and records the matched pattern for the
// access log and metrics (ServeMux sets r.Pattern on the request it routes).
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern == "" {
		rt.noMatch(w, r)
		return
	}
	defer func() { stateOf(r).Pattern = r.Pattern }()
	rt.mux.ServeHTTP(w, r)
}

// noMatch lets ServeMux decide what an unmatched request deserves (a 404, a
// 405 with its Allow header, or a redirect to the cleaned path) and renders
// the errors as site pages.
func (rt *Router) noMatch(w http.ResponseWriter, r *http.Request) {
	probe := &probeWriter{header: http.Header{}}
	rt.mux.ServeHTTP(probe, r)
	switch {
	case probe.status == http.StatusMethodNotAllowed:
		w.Header().Set("Allow", probe.header.Get("Allow"))
		rt.NoMatch(w, r, http.StatusMethodNotAllowed)
	case probe.status >= 300 && probe.status < 400:
		http.Redirect(w, r, probe.header.Get("Location"), probe.status)
	default:
		rt.NoMatch(w, r, http.StatusNotFound)
	}
}

// probeWriter records ServeMux's verdict without writing anything.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header { return p.header }
func (p *probeWriter) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}
func (p *probeWriter) Write(b []byte) (int, error) {
	p.WriteHeader(http.StatusOK)
	return len(b), nil
}

// PathID reads the path value name ("id" when empty) as a positive number;
// false for anything else, which handlers answer with 404.
func PathID(r *http.Request, name string) (int64, bool) {
	if name == "" {
		name = "id"
	}
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
