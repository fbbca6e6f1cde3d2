package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventRegistrationRoutes are the route-by-role lines of the events' registration part.
// On an event that does not exist every action answers 404 to signed-in
// people; who may register, list, add and remove on real events is checked
// in events_registration_http_test.go.
func eventRegistrationRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"POST /events/{id}/register", "/events/999999/register", signedIn, 403, 404, false},
		{"POST /events/{id}/cancel-registration", "/events/999999/cancel-registration", signedIn, 403, 404, false},
		{"POST /events/{id}/sessions/choose", "/events/999999/sessions/choose", signedIn, 403, 404, false},
		{"GET /events/{id}/registrations", "/events/999999/registrations", signedIn, 303, 404, false},
		{"POST /events/{id}/registrations/add", "/events/999999/registrations/add", signedIn, 403, 404, false},
		{"POST /events/{id}/registrations/{reg}/remove", "/events/999999/registrations/1/remove", signedIn, 403, 404, false},
	}
}
