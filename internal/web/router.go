package web

import (
	"net/http"
	"sort"
)

// Router is a net/http ServeMux that remembers its patterns, so that tests
// can walk every route (the route-by-role table) and the site map is known.
type Router struct {
	mux      *http.ServeMux
	patterns []string
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

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
	defer func() { stateOf(r).Pattern = r.Pattern }()
	rt.mux.ServeHTTP(w, r)
}
