package app

import (
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/solidarity/monitor"
)

// wireMonitor builds the solidarity monitor part (live dashboard, episode
// reports) and registers its pages, all for coordinators and admins. The
// episodes part's changes reach the open dashboards at once (they would
// otherwise wait for the next re-read, 2 s).
func wireMonitor(d *solidarityDeps) error {
	d.monitor = monitor.NewService(monitor.Deps{DB: d.db, Log: d.log})
	monitor.Register(d.r, d.rn, d.monitor, monitor.Guards{Coordinator: d.guard.RequireRole(auth.RoleCoordinator)})
	if d.episodes != nil {
		publish, before := d.monitor.Broker().Publish, d.episodes.OnChange
		d.episodes.OnChange = func(episodeID int64) {
			if before != nil {
				before(episodeID)
			}
			publish(episodeID)
		}
	}
	return nil
}
