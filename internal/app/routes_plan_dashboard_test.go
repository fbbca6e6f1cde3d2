package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planDashboardRoutes are the route-by-role lines of the Climate Plan's
// dashboard part: the dashboard, the timeline and its feed are public.
func planDashboardRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /plan", "/plan", public, 200, 200, false},
		{"GET /plan/history", "/plan/history", public, 200, 200, false},
		{"GET /plan/history.atom", "/plan/history.atom", public, 200, 200, false},
	}
}
