package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planQuestionsRoutes are the route-by-role lines of the Climate Plan's questions part.
func planQuestionsRoutes(t *testing.T, a *apptest.App) []routeCase {
	return nil
}
