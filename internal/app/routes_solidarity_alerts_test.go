package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityAlertsRoutes are the route-by-role lines of the alert levels and
// cool places pages.
func solidarityAlertsRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
