package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeParticipationRoutes are the route-by-role lines of the initiatives' participation pages.
func initiativeParticipationRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
