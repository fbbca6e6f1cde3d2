package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planActionsRoutes are the route-by-role lines of the Climate Plan's actions part.
func planActionsRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
