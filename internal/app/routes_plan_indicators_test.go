package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planIndicatorsRoutes are the route-by-role lines of the Climate Plan's indicators part.
func planIndicatorsRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
