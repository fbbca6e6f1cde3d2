package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeFeedRoutes are the route-by-role lines of the initiatives'
// feeds, API and exports: all public and read-only.
func initiativeFeedRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /initiatives/feed.atom", "/initiatives/feed.atom", public, 200, 200, false},
		{"GET /api/v1/initiatives", "/api/v1/initiatives", public, 200, 200, false},
		{"GET /api/v1/initiatives/{id}", "/api/v1/initiatives/999999", public, 404, 404, false},
		{"GET /initiatives.csv", "/initiatives.csv", public, 200, 200, false},
		{"GET /initiatives.geojson", "/initiatives.geojson", public, 200, 200, false},
	}
}
