package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// eventRegistrationRoutes are the route-by-role lines of the events' registration part.
func eventRegistrationRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
