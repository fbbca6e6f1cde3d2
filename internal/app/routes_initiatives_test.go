package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeRoutes are the route-by-role lines of the initiatives feature.
// Paths name an initiative that does not exist: who may reach each handler
// is what this table checks; the rights on real initiatives are checked in
// initiatives_http_test.go.
func initiativeRoutes(t *testing.T, a *apptest.App) []routeCase {
	cases := []routeCase{
		{"GET /initiatives/new", "/initiatives/new", signedIn, 303, 200, false},
		{"POST /initiatives/new", "/initiatives/new", signedIn, 403, 422, false},
		{"GET /initiatives/{id}", "/initiatives/999999", public, 404, 404, false},
		{"GET /initiatives/{id}/edit", "/initiatives/999999/edit", signedIn, 303, 404, false},
		{"POST /initiatives/{id}/edit", "/initiatives/999999/edit", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/status", "/initiatives/999999/status", signedIn, 403, 400, false},
		{"POST /initiatives/{id}/image", "/initiatives/999999/image", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/introductions", "/initiatives/999999/introductions", signedIn, 403, 404, false},
		{"GET /media/initiatives/{name}", "/media/initiatives/1-0123456789abcdef.jpg", public, 404, 404, false},
		{"GET /my/initiatives", "/my/initiatives", signedIn, 303, 200, false},
		{"GET /initiatives/{id}/team", "/initiatives/999999/team", signedIn, 303, 404, false},
		{"POST /initiatives/{id}/team/invite", "/initiatives/999999/team/invite", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/team/{user}/remove", "/initiatives/999999/team/1/remove", signedIn, 403, 404, false},
		{"GET /initiatives/team/accept", "/initiatives/team/accept", signedIn, 303, 400, false},
		{"POST /initiatives/team/accept", "/initiatives/team/accept", signedIn, 403, 400, false},
		{"GET /moderation/initiatives", "/moderation/initiatives", moderators, 303, 200, false},
		{"POST /moderation/initiatives/{id}", "/moderation/initiatives/999999", moderators, 403, 422, false},
	}
	for _, more := range [][]routeCase{initiativeFindRoutes(t, a), initiativeParticipationRoutes(t, a),
		initiativeSynergyRoutes(t, a), initiativeFeedRoutes(t, a)} {
		cases = append(cases, more...)
	}
	return cases
}
