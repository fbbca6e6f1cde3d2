package app

import (
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/plan/indicators"
)

// wirePlanIndicators builds the Climate Plan's indicators part and registers
// its routes: public pages, exports and API for everyone, the staff pages
// under /plan/manage/indicators for coordinators (and admins).
func wirePlanIndicators(d *planDeps) error {
	d.indicators = indicators.NewService(d.db)
	indicators.Register(d.r, d.rn, d.indicators, indicators.Guards{Staff: d.guard.RequireRole(auth.RoleCoordinator)})
	return nil
}
