package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityEpisodesRoutes are the route-by-role lines of the solidarity
// episodes part: "my calls" for any signed-in person (each assignment is
// checked against the viewer: 404 otherwise), coordination for
// coordinators and admins.
func solidarityEpisodesRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /my/calls", "/my/calls", signedIn, 303, 200, false},
		{"GET /my/calls/{id}", "/my/calls/999999", signedIn, 303, 404, false},
		{"POST /my/calls/{id}", "/my/calls/999999", signedIn, 403, 404, false},
		{"GET /coordination/solidarity", "/coordination/solidarity", coordinators, 303, 200, false},
		{"POST /coordination/solidarity/intervals", "/coordination/solidarity/intervals", coordinators, 403, 422, false},
		{"POST /coordination/solidarity/episodes/{id}/end", "/coordination/solidarity/episodes/999999/end", coordinators, 403, 404, false},
		{"GET /coordination/solidarity/escalations", "/coordination/solidarity/escalations", coordinators, 303, 200, false},
		{"GET /coordination/solidarity/unmatched", "/coordination/solidarity/unmatched", coordinators, 303, 200, false},
		{"GET /coordination/solidarity/escalations/{id}", "/coordination/solidarity/escalations/999999", coordinators, 303, 404, false},
		{"POST /coordination/solidarity/escalations/{id}/reassign", "/coordination/solidarity/escalations/999999/reassign", coordinators, 403, 404, false},
		{"POST /coordination/solidarity/escalations/{id}/close", "/coordination/solidarity/escalations/999999/close", coordinators, 403, 404, false},
	}
}
