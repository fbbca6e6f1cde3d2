package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityEpisodesRoutes are the route-by-role lines of the solidarity episodes part.
func solidarityEpisodesRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
