package app

import (
	"log/slog"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/config"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/plan/actions"
	"climatevolunteers/internal/plan/committees"
	"climatevolunteers/internal/plan/dashboard"
	"climatevolunteers/internal/plan/indicators"
	"climatevolunteers/internal/plan/questions"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// planDeps is what the parts of the Climate Plan are built from; each wire
// function fills in its own service for the parts after it.
type planDeps struct {
	cfg         config.Config
	db          *db.DB
	log         *slog.Logger
	r           *web.Router
	rn          *web.Renderer
	guard       *auth.Guard
	notify      func() // wakes the outbox worker
	volunteers  *volunteers.Service
	initiatives *initiatives.Service
	events      *events.Service

	actions    *actions.Service
	indicators *indicators.Service
	dashboard  *dashboard.Service
	questions  *questions.Service
	committees *committees.Service
}

// wirePlan builds the parts in dependency order.
func wirePlan(d *planDeps) error {
	for _, wire := range []func(*planDeps) error{wirePlanActions, wirePlanIndicators, wirePlanDashboard, wirePlanQuestions, wirePlanCommittees} {
		if err := wire(d); err != nil {
			return err
		}
	}
	return nil
}
