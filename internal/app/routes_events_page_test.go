package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventPageRoutes are the route-by-role lines of the events' page part.
func eventPageRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
