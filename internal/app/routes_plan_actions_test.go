package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planActionsRoutes are the route-by-role lines of the Climate Plan's actions part.
// Paths name an action or theme that does not exist: who may reach each
// handler is what this table checks; the pages on real actions are checked
// in plan_actions_http_test.go.
func planActionsRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /plan/actions", "/plan/actions", public, 200, 200, false},
		{"GET /plan/actions/{id}", "/plan/actions/999999", public, 404, 404, false},
		{"GET /plan/actions.csv", "/plan/actions.csv", public, 200, 200, false},
		{"GET /plan/actions.json", "/plan/actions.json", public, 200, 200, false},
		{"GET /api/v1/plan/actions", "/api/v1/plan/actions", public, 200, 200, false},
		{"GET /plan/manage", "/plan/manage", coordinators, 303, 200, false},
		{"GET /plan/manage/actions/new", "/plan/manage/actions/new", coordinators, 303, 200, false},
		{"POST /plan/manage/actions/new", "/plan/manage/actions/new", coordinators, 403, 422, false},
		{"GET /plan/manage/actions/{id}", "/plan/manage/actions/999999", coordinators, 303, 404, false},
		{"GET /plan/manage/actions/{id}/edit", "/plan/manage/actions/999999/edit", coordinators, 303, 404, false},
		{"POST /plan/manage/actions/{id}/edit", "/plan/manage/actions/999999/edit", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/status", "/plan/manage/actions/999999/status", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/milestones", "/plan/manage/actions/999999/milestones", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/milestones/{mid}", "/plan/manage/actions/999999/milestones/1", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/tasks", "/plan/manage/actions/999999/tasks", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/tasks/{tid}", "/plan/manage/actions/999999/tasks/1", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/milestones/{mid}/delete", "/plan/manage/actions/999999/milestones/1/delete", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/tasks/{tid}/delete", "/plan/manage/actions/999999/tasks/1/delete", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/links", "/plan/manage/actions/999999/links", coordinators, 403, 404, false},
		{"POST /plan/manage/actions/{id}/links/delete", "/plan/manage/actions/999999/links/delete", coordinators, 403, 400, false},
		{"GET /plan/manage/themes", "/plan/manage/themes", coordinators, 303, 200, false},
		{"POST /plan/manage/themes", "/plan/manage/themes", coordinators, 403, 422, false},
		{"POST /plan/manage/themes/{id}", "/plan/manage/themes/999999", coordinators, 403, 404, false},
		{"POST /plan/manage/themes/{id}/move", "/plan/manage/themes/999999/move", coordinators, 403, 404, false},
		{"POST /plan/manage/themes/{id}/delete", "/plan/manage/themes/999999/delete", coordinators, 403, 404, false},
		{"GET /plan/manage/import", "/plan/manage/import", coordinators, 303, 200, false},
		{"POST /plan/manage/import", "/plan/manage/import", coordinators, 403, 422, false},
		{"POST /plan/manage/import/apply", "/plan/manage/import/apply", coordinators, 403, 422, false},
	}
}
