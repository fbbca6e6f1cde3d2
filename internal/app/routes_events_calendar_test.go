package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventCalendarRoutes are the route-by-role lines of the events' calendars
// and JSON API: public and read-only, except the private address page (any
// signed-in person, for their own address). The "my events" feed is
// authorised by its token, not by a session: a wrong token is a 404 for all.
func eventCalendarRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /events/{id}/event.ics", "/events/999999/event.ics", public, 404, 404, false},
		{"GET /events/calendar.ics", "/events/calendar.ics", public, 200, 200, false},
		{"GET /events/my.ics", "/events/my.ics?token=not-a-token-at-all-not-at-all", public, 404, 404, false},
		{"GET /events/my/calendar", "/events/my/calendar", signedIn, 303, 200, false},
		{"POST /events/my/calendar/reset", "/events/my/calendar/reset", signedIn, 403, 200, false},
		{"GET /api/v1/events", "/api/v1/events", public, 200, 200, false},
		{"GET /api/v1/events/{id}", "/api/v1/events/999999", public, 404, 404, false},
	}
}
