package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityMonitorRoutes are the route-by-role lines of the solidarity monitor part.
func solidarityMonitorRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
