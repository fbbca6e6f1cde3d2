package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventPageRoutes are the route-by-role lines of the events' page part.
// Paths name an event that does not exist: who may reach each handler is
// what this table checks; the rights on real events (organisers, drafts)
// are checked in events_pages_http_test.go.
func eventPageRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /events", "/events", public, 200, 200, false},
		{"GET /events/new", "/events/new", signedIn, 303, 200, false},
		{"POST /events/new", "/events/new", signedIn, 403, 422, false},
		{"GET /events/{id}", "/events/999999", public, 404, 404, false},
		{"GET /events/{id}/edit", "/events/999999/edit", signedIn, 303, 404, false},
		{"POST /events/{id}/edit", "/events/999999/edit", signedIn, 403, 404, false},
		{"POST /events/{id}/publish", "/events/999999/publish", signedIn, 403, 404, false},
		{"POST /events/{id}/cancel", "/events/999999/cancel", signedIn, 403, 404, false},
		{"POST /events/{id}/sessions", "/events/999999/sessions", signedIn, 403, 404, false},
		{"POST /events/{id}/sessions/{sid}/delete", "/events/999999/sessions/1/delete", signedIn, 403, 404, false},
		{"GET /my/events", "/my/events", signedIn, 303, 200, false},
	}
}
