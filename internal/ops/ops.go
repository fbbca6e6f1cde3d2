// Package ops serves what operators and their tools poll: liveness,
// readiness and Prometheus metrics.
package ops

import (
	"context"
	"net/http"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

// Register adds /healthz, /readyz and /metrics.
func Register(r *web.Router, d *db.DB, metrics http.Handler) {
	r.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		web.JSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	r.HandleFunc("GET /readyz", func(w http.ResponseWriter, req *http.Request) {
		ctx, cancel := context.WithTimeout(req.Context(), 2*time.Second)
		defer cancel()
		if err := d.Ping(ctx); err != nil {
			web.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
			return
		}
		if err := d.CheckCurrent(ctx); err != nil {
			web.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": err.Error()})
			return
		}
		web.JSON(w, http.StatusOK, map[string]string{"status": "ok", "engine": string(d.Engine)})
	})
	r.Handle("GET /metrics", metrics)
}
