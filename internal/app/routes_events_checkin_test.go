package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventCheckinRoutes are the route-by-role lines of the events' checkin part.
func eventCheckinRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
