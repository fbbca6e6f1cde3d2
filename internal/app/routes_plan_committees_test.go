package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planCommitteesRoutes are the route-by-role lines of the Climate Plan's committees part.
func planCommitteesRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
