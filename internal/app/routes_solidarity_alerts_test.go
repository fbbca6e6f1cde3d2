package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityAlertsRoutes are the route-by-role lines of the alert levels and
// cool places pages. Setting a level with an empty form is refused as
// invalid (422); what a valid one does is in solidarity_alerts_http_test.go.
func solidarityAlertsRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /alerts", "/alerts", public, 200, 200, false},
		{"GET /alerts/history", "/alerts/history", public, 200, 200, false},
		{"GET /coordination/alerts", "/coordination/alerts", coordinators, 303, 200, false},
		{"POST /coordination/alerts", "/coordination/alerts", coordinators, 403, 422, false},
		{"GET /cool-places", "/cool-places", public, 200, 200, false},
		{"GET /cool-places/{id}", "/cool-places/999999", public, 404, 404, false},
	}
}
