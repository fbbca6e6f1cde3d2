package app_test

import (
	"context"
	"strconv"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/plan/indicators"
)

// planIndicatorsRoutes are the route-by-role lines of the Climate Plan's
// indicators part: public pages, exports and API for everyone, staff pages
// for coordinators and admins. Empty posts are refused (422), or find a
// stale version (409) where a version is checked first; none changes data.
func planIndicatorsRoutes(t *testing.T, a *apptest.App) []routeCase {
	id, vid := planIndicatorFixture(t, a, "route-test")
	ind := "/plan/indicators/" + strconv.FormatInt(id, 10)
	m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
	v := m + "/values/" + strconv.FormatInt(vid, 10)
	return []routeCase{
		{"GET /plan/indicators", "/plan/indicators", public, 200, 200, false},
		{"GET /plan/indicators/{id}", ind, public, 200, 200, false},
		{"GET /plan/indicators.csv", "/plan/indicators.csv", public, 200, 200, false},
		{"GET /plan/indicators.json", "/plan/indicators.json", public, 200, 200, false},
		{"GET /api/v1/plan/indicators", "/api/v1/plan/indicators", public, 200, 200, false},
		{"GET /plan/manage/indicators", "/plan/manage/indicators", coordinators, 303, 200, false},
		{"GET /plan/manage/indicators/new", "/plan/manage/indicators/new", coordinators, 303, 200, false},
		{"POST /plan/manage/indicators/new", "/plan/manage/indicators/new", coordinators, 403, 422, false},
		{"GET /plan/manage/indicators/{id}", m, coordinators, 303, 200, false},
		{"GET /plan/manage/indicators/{id}/edit", m + "/edit", coordinators, 303, 200, false},
		{"POST /plan/manage/indicators/{id}/edit", m + "/edit", coordinators, 403, 422, false},
		{"POST /plan/manage/indicators/{id}/values", m + "/values", coordinators, 403, 422, false},
		{"GET /plan/manage/indicators/{id}/values/{vid}", v, coordinators, 303, 200, false},
		{"POST /plan/manage/indicators/{id}/values/{vid}", v, coordinators, 403, 409, false},
		{"POST /plan/manage/indicators/{id}/values/{vid}/delete", v + "/delete", coordinators, 403, 409, false},
		{"GET /plan/manage/indicators/import", "/plan/manage/indicators/import", coordinators, 303, 200, false},
		{"POST /plan/manage/indicators/import", "/plan/manage/indicators/import", coordinators, 403, 422, false},
		{"POST /plan/manage/indicators/import/apply", "/plan/manage/indicators/import/apply", coordinators, 403, 422, false},
	}
}

// planIndicatorFixture creates an indicator with one 2018 value through the
// service and returns their ids.
func planIndicatorFixture(t testing.TB, a *apptest.App, slug string) (int64, int64) {
	t.Helper()
	ctx := context.Background()
	svc := indicators.NewService(a.DB)
	id, errs, err := svc.Create(ctx, indicators.Actor{}, indicators.Input{Slug: slug, Name: "Empreinte " + slug, Unit: "MtCO2e",
		Direction: "lower", BaselineYear: "2004", BaselineValue: "28.2", Goals: []indicators.GoalInput{{Year: "2030", Value: "16.92"}, {Year: "2050", Value: "5.64"}}})
	if err != nil || errs != nil {
		t.Fatalf("create indicator: %v %v", errs, err)
	}
	if errs, err := svc.AddValue(ctx, indicators.Actor{}, id, indicators.ValueInput{Year: "2018", Value: "22.7", Source: "paris.fr"}); err != nil || errs != nil {
		t.Fatalf("add value: %v %v", errs, err)
	}
	e, err := svc.Get(ctx, id)
	if err != nil || len(e.Values) != 1 {
		t.Fatalf("get: %v %v", e, err)
	}
	return id, e.Values[0].ID
}
