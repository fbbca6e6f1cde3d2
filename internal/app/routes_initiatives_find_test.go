package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeFindRoutes are the route-by-role lines of the initiatives' find pages.
func initiativeFindRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /initiatives", "/initiatives", public, 200, 200, false},
	}
}
