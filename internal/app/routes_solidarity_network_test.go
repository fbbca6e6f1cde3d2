package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityNetworkRoutes are the route-by-role lines of the solidarity network part.
// The accounts made by the table have no volunteer profile: joining is
// refused with the form (422); an empty quiz has no version (400);
// withdrawing without being a member leads back to the page (303).
func solidarityNetworkRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /solidarity/network", "/solidarity/network", signedIn, 303, 200, false},
		{"POST /solidarity/network", "/solidarity/network", signedIn, 403, 422, false},
		{"POST /solidarity/network/withdraw", "/solidarity/network/withdraw", signedIn, 403, 303, false},
		{"GET /solidarity/training", "/solidarity/training", signedIn, 303, 200, false},
		{"POST /solidarity/training", "/solidarity/training", signedIn, 403, 400, false},
		{"GET /coordination/network", "/coordination/network", coordinators, 303, 200, false},
	}
}
