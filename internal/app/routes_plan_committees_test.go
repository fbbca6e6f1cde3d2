package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// planCommitteesRoutes are the route-by-role lines of the Climate Plan's
// committees part. Paths name a committee that does not exist: who may
// reach each handler is what this table checks; members' rights on real
// decisions are checked in plan_committees_http_test.go.
func planCommitteesRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /plan/committees", "/plan/committees", public, 200, 200, false},
		{"GET /plan/committees/{ref}", "/plan/committees/999999", public, 404, 404, false},
		{"POST /plan/committees/{id}/decisions/{did}/followups", "/plan/committees/999999/decisions/1/followups", signedIn, 403, 404, false},
		{"GET /plan/manage/committees", "/plan/manage/committees", coordinators, 303, 200, false},
		{"POST /plan/manage/committees", "/plan/manage/committees", coordinators, 403, 422, false},
		{"GET /plan/manage/committees/{id}", "/plan/manage/committees/999999", coordinators, 303, 404, false},
		{"POST /plan/manage/committees/{id}", "/plan/manage/committees/999999", coordinators, 403, 404, false},
		{"POST /plan/manage/committees/{id}/members", "/plan/manage/committees/999999/members", coordinators, 403, 404, false},
		{"POST /plan/manage/committees/{id}/members/{mid}/remove", "/plan/manage/committees/999999/members/1/remove", coordinators, 403, 404, false},
		{"POST /plan/manage/committees/{id}/meetings", "/plan/manage/committees/999999/meetings", coordinators, 403, 404, false},
		{"POST /plan/manage/committees/{id}/meetings/{mid}/minutes", "/plan/manage/committees/999999/meetings/1/minutes", coordinators, 403, 404, false},
		{"POST /plan/manage/committees/{id}/decisions", "/plan/manage/committees/999999/decisions", coordinators, 403, 404, false},
	}
}
