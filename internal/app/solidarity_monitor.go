package app

import (
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/solidarity/monitor"
)

// wireMonitor builds the solidarity monitor part (live dashboard, episode
// reports) and registers its pages, all for coordinators and admins.
func wireMonitor(d *solidarityDeps) error {
	d.monitor = monitor.NewService(monitor.Deps{DB: d.db, Log: d.log})
	monitor.Register(d.r, d.rn, d.monitor, monitor.Guards{Coordinator: d.guard.RequireRole(auth.RoleCoordinator)})
	return nil
}
