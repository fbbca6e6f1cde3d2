package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"climatevolunteers/internal/web/i18n"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain applies middleware so that the first listed runs first.
func Chain(h http.Handler, mw ...Middleware) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// statusWriter remembers the status and size for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (sw *statusWriter) WriteHeader(code int) {
	if sw.status == 0 {
		sw.status = code
	}
	sw.ResponseWriter.WriteHeader(code)
}

func (sw *statusWriter) Write(b []byte) (int, error) {
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	n, err := sw.ResponseWriter.Write(b)
	sw.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush, deadlines).
func (sw *statusWriter) Unwrap() http.ResponseWriter { return sw.ResponseWriter }

// Observer receives each finished request (metrics implement it).
type Observer interface {
	Observe(method, route string, status int, elapsed time.Duration)
}

// Track gives each request its id and language, then writes the access log
// line and reports to the observer. It logs the route pattern, never the
// query string, which may carry tokens.
func Track(log *slog.Logger, obs Observer) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			st := &requestState{ID: newRequestID(), Lang: i18n.Negotiate(r)}
			sw := &statusWriter{ResponseWriter: w}
			sw.Header().Set("X-Request-Id", st.ID)
			next.ServeHTTP(sw, withState(r, st))
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			elapsed := time.Since(start)
			route := st.Pattern
			if route == "" {
				route = "unmatched"
			}
			if obs != nil {
				obs.Observe(r.Method, route, sw.status, elapsed)
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("request_id", st.ID),
				slog.String("method", r.Method),
				slog.String("route", route),
				slog.Int("status", sw.status),
				slog.Int("bytes", sw.bytes),
				slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			)
		})
	}
}

// ContentSecurityPolicy forbids inline scripts and styles, framing, plugins
// and foreign form targets; everything loads from this origin.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// SecureHeaders sets the headers every answer carries. hsts is for https sites.
func SecureHeaders(hsts bool) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Content-Security-Policy", ContentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			// The camera serves the organisers' ticket scanner, on this site only.
			h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(self)")
			if hsts {
				h.Set("Strict-Transport-Security", "max-age=31536000")
			}
			next.ServeHTTP(w, r)
		})
	}
}

// LimitBody refuses bodies over limit bytes: at once when the declared length
// is too large, and while reading otherwise (ParseForm then fails with an
// *http.MaxBytesError, which Renderer.Error shows as 413).
func LimitBody(limit, uploads int64, tooLarge http.HandlerFunc) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			max := limit
			// File uploads are multipart; only they get the larger limit.
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") && uploads > limit {
				max = uploads
			}
			if r.ContentLength > max {
				tooLarge(w, r)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
			next.ServeHTTP(w, r)
		})
	}
}

// CrossOrigin refuses state-changing requests that a browser says come from
// another site (http.CrossOriginProtection: Sec-Fetch-Site, then Origin).
func CrossOrigin(trusted []string, deny http.HandlerFunc) (Middleware, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range trusted {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trusted origin %q: %w", o, err)
		}
	}
	cop.SetDenyHandler(deny)
	return cop.Handler, nil
}

// Recover turns a panic into a 500 page and a log line with the request id
// and the stack, and lets the server go on.
func Recover(log *slog.Logger, serverError http.HandlerFunc) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic", "request_id", RequestID(r), "route", r.Pattern,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				serverError(w, r)
			}()
			next.ServeHTTP(w, r)
		})
	}
}
