package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityNetworkRoutes are the route-by-role lines of the solidarity network part.
func solidarityNetworkRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
