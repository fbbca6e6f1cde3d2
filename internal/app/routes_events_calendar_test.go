package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventCalendarRoutes are the route-by-role lines of the events' calendar part.
func eventCalendarRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
