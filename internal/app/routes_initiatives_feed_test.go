package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// initiativeFeedRoutes are the route-by-role lines of the initiatives' feed pages.
func initiativeFeedRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
