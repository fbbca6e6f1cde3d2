// Package ops serves what operators and their tools poll: liveness,
// readiness and Prometheus metrics.
package ops

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

// Register adds /healthz, /readyz and /metrics. When token is set, /metrics
// asks for "Authorization: Bearer <token>"; readiness answers name no
// internals, which go to the log.
func Register(r *web.Router, d *db.DB, metrics http.Handler, token string, log *slog.Logger) {
	r.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		web.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if err := d.Ping(ctx); err != nil {
			log.Warn("not ready", "request_id", web.RequestID(req), "err", err)
			web.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
			return
		}
		if err := d.CheckCurrent(ctx); err != nil {
			log.Warn("not ready", "request_id", web.RequestID(req), "err", err)
			web.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database schema not current"})
			return
		}
		web.JSON(w, http.StatusOK, map[string]string{"status": "ok", "engine": string(d.Engine)})
	})
	if token != "" {
		metrics = requireBearer(token, metrics)
	}
	r.Handle("GET /metrics", metrics)
}

func requireBearer(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "metrics need a bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
