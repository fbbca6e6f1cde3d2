package app

import "climatevolunteers/internal/plan/dashboard"

// wirePlanDashboard builds the Climate Plan's public dashboard and history
// timeline and registers their pages, all public.
func wirePlanDashboard(d *planDeps) error {
	d.dashboard = dashboard.NewService(dashboard.Deps{DB: d.db})
	dashboard.Register(d.r, d.rn, d.dashboard, dashboard.Options{BaseURL: d.cfg.BaseURL})
	return nil
}
