package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityRegistryRoutes are the route-by-role lines of the solidarity registry part.
func solidarityRegistryRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
