package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeSynergyRoutes are the route-by-role lines of the initiatives' synergy pages.
func initiativeSynergyRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
