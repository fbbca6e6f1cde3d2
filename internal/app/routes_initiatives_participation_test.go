package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeParticipationRoutes are the route-by-role lines of the initiatives' participation pages.
// On an initiative that does not exist every action answers 404 to
// signed-in people; joining, following and reporting real initiatives are
// checked in initiatives_participation_http_test.go.
func initiativeParticipationRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"POST /initiatives/{id}/join", "/initiatives/999999/join", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/leave", "/initiatives/999999/leave", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/follow", "/initiatives/999999/follow", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/unfollow", "/initiatives/999999/unfollow", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/updates", "/initiatives/999999/updates", signedIn, 403, 404, false},
		{"POST /initiatives/{id}/report", "/initiatives/999999/report", signedIn, 403, 404, false},
		{"GET /my/updates", "/my/updates", signedIn, 303, 200, false},
	}
}
