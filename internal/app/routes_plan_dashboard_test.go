package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planDashboardRoutes are the route-by-role lines of the Climate Plan's dashboard part.
func planDashboardRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
