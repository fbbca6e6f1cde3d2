package app

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/config"
	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity/episodes"
	"climatevolunteers/internal/solidarity/monitor"
	"climatevolunteers/internal/solidarity/network"
	"climatevolunteers/internal/solidarity/registry"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// solidarityDeps is what the parts of climate solidarity are built from;
// each wire function fills in its own service for the parts after it.
type solidarityDeps struct {
	cfg        config.Config
	db         *db.DB
	log        *slog.Logger
	r          *web.Router
	rn         *web.Renderer
	guard      *auth.Guard
	keys       *sealed.Keyring
	districts  *districts.Store
	volunteers *volunteers.Service
	notify     func() // wakes the outbox worker
	alerts     *alerts.Service
	coolPlaces *coolplaces.Store

	registry *registry.Service
	network  *network.Service
	episodes *episodes.Service
	monitor  *monitor.Service
}

// wireSolidarity builds the parts in dependency order.
func wireSolidarity(d *solidarityDeps) error {
	for _, wire := range []func(*solidarityDeps) error{wireRegistry, wireNetwork, wireEpisodes, wireMonitor} {
		if err := wire(d); err != nil {
			return err
		}
	}
	return nil
}

// episodeSyncInterval is how often episodes are brought back in step with
// the alert levels: after a failed activation, or a level set on another
// instance whose activation failed.
const episodeSyncInterval = time.Minute

// loops are the solidarity parts' periodic jobs: renewal reminders and the
// purge of expired registrations, the network's consent sweep, overdue
// calls, and the episodes' catch-up with the alert levels.
func (d *solidarityDeps) loops() []func(context.Context) error {
	return []func(context.Context) error{
		func(ctx context.Context) error { return d.registry.RunPurge(ctx, 0) },
		func(ctx context.Context) error { return d.network.RunConsentSync(ctx, 0) },
		func(ctx context.Context) error { return d.episodes.RunEscalations(ctx, 0) },
		d.syncEpisodes,
	}
}

func (d *solidarityDeps) syncEpisodes(ctx context.Context) error {
	t := time.NewTicker(episodeSyncInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		for _, h := range alerts.Hazards {
			if err := d.episodes.Sync(ctx, 0, h); err != nil && ctx.Err() == nil {
				d.log.Error("solidarity episode sync", "hazard", string(h), "err", err)
			}
		}
	}
}

// callsNotice tells a volunteer on every page that people wait for their
// call.
func (d *solidarityDeps) callsNotice(r *http.Request) []web.Notice {
	v := web.ViewerOf(r)
	if v == nil {
		return nil
	}
	n, err := d.episodes.PendingCalls(r.Context(), v.UserID)
	if err != nil {
		d.rn.LogError(r, err)
		return nil
	}
	if n == 0 {
		return nil
	}
	return []web.Notice{{Kind: "info", Title: d.rn.T(r, "episodes.notice.title"),
		Text: d.rn.T(r, "episodes.notice.text", n), Href: "/my/calls", Link: d.rn.T(r, "episodes.notice.link")}}
}
