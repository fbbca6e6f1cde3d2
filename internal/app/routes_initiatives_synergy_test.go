package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeSynergyRoutes are the route-by-role lines of the initiatives' synergy pages.
// An empty introduction is refused (422) once past the coordinator guard.
func initiativeSynergyRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /coordination/synergy", "/coordination/synergy", coordinators, 303, 200, false},
		{"POST /coordination/synergy/introduce", "/coordination/synergy/introduce", coordinators, 403, 422, false},
	}
}
