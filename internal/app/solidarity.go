package app

import (
	"log/slog"

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
