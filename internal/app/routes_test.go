package app_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

type access int

const (
	public       access = iota // everyone, visitors included
	signedIn                   // any signed-in account
	adminOnly                  // administrators
	coordinators               // coordinators and administrators
	moderators                 // moderators and administrators
	reviewers                  // coordinators, moderators and administrators
)

// routeCase says who may use a route and what they get. anon and allowed are
// the statuses for a visitor and for a permitted account; refusals are
// checked from the access class: a visitor is sent to sign in (GET) or
// refused (POST), an account without the role gets 403.
type routeCase struct {
	pattern string
	path    string
	access  access
	anon    int
	allowed int
	fresh   bool // the request ends the session: use a new client
}

// TestRoutesByRole walks every registered route with every role. A route
// added without a line here fails the test, so authorisation is decided
// for each new page.
func TestRoutesByRole(t *testing.T) {
	eachEngine(t, testRoutesByRole)
}

func testRoutesByRole(t *testing.T, e db.Engine) {
	a := apptest.New(t, e, apptest.Options{Demo: true})
	victim := strconv.FormatInt(a.CreateUser(t, "victim@example.org", auth.RoleVolunteer), 10)
	cases := []routeCase{
		{"GET /{$}", "/", public, 200, 200, false},
		{"GET /districts", "/districts", public, 200, 200, false},
		{"GET /districts/{code}", "/districts/1", public, 200, 200, false},
		{"GET /api/v1/districts", "/api/v1/districts", public, 200, 200, false},
		{"GET /api/v1/districts/{code}", "/api/v1/districts/1", public, 200, 200, false},
		{"GET /api/openapi.json", "/api/openapi.json", public, 200, 200, false},
		{"GET /static/", "/static/none.css", public, 404, 404, false},
		{"GET /healthz", "/healthz", public, 200, 200, false},
		{"GET /readyz", "/readyz", public, 200, 200, false},
		{"GET /metrics", "/metrics", public, 200, 200, false},
		{"POST /language", "/language", public, 400, 400, false},
		{"GET /signup", "/signup", public, 200, 303, false},
		{"POST /signup", "/signup", public, 422, 422, false},
		{"GET /verify", "/verify", public, 400, 400, false},
		{"POST /verify", "/verify", public, 400, 400, false},
		{"GET /signin", "/signin", public, 200, 303, false},
		{"POST /signin", "/signin", public, 422, 422, false},
		{"POST /signin/resend", "/signin/resend", public, 400, 400, false},
		{"GET /signin/link", "/signin/link", public, 200, 200, false},
		{"POST /signin/link", "/signin/link", public, 422, 422, false},
		{"GET /signin/link/confirm", "/signin/link/confirm", public, 400, 400, false},
		{"POST /signin/link/confirm", "/signin/link/confirm", public, 400, 400, false},
		{"POST /signout", "/signout", public, 303, 303, true},
		{"GET /reset", "/reset", public, 200, 200, false},
		{"POST /reset", "/reset", public, 422, 422, false},
		{"GET /reset/confirm", "/reset/confirm", public, 400, 400, false},
		{"POST /reset/confirm", "/reset/confirm", public, 400, 400, false},
		{"GET /account/email/confirm", "/account/email/confirm", public, 400, 400, false},
		{"POST /account/email/confirm", "/account/email/confirm", public, 400, 400, false},
		{"GET /account", "/account", signedIn, 303, 200, false},
		{"POST /account/password", "/account/password", signedIn, 403, 422, false},
		{"POST /account/email", "/account/email", signedIn, 403, 422, false},
		{"POST /account/signout-everywhere", "/account/signout-everywhere", signedIn, 403, 303, true},
		{"GET /welcome", "/welcome", signedIn, 303, 200, false},
		{"POST /welcome", "/welcome", signedIn, 403, 422, false},
		{"GET /profile", "/profile", signedIn, 303, 200, false},
		{"POST /profile", "/profile", signedIn, 403, 422, false},
		{"POST /profile/consent", "/profile/consent", signedIn, 403, 400, false},
		{"GET /profile/data", "/profile/data", signedIn, 303, 200, false},
		{"GET /profile/data.json", "/profile/data.json", signedIn, 303, 200, false},
		{"GET /profile/delete", "/profile/delete", signedIn, 303, 200, false},
		{"POST /profile/delete", "/profile/delete", signedIn, 403, 422, false},
		{"GET /coordination/directory", "/coordination/directory", coordinators, 303, 200, false},
		{"GET /coordination/directory.csv", "/coordination/directory.csv", coordinators, 303, 200, false},
		{"GET /coordination/messages", "/coordination/messages", coordinators, 303, 200, false},
		{"GET /coordination/messages/new", "/coordination/messages/new", coordinators, 303, 200, false},
		{"POST /coordination/messages/new", "/coordination/messages/new", coordinators, 403, 422, false},
		{"GET /inbox", "/inbox", signedIn, 303, 200, false},
		{"GET /inbox/{id}", "/inbox/999999", signedIn, 303, 404, false},
		{"GET /unsubscribe", "/unsubscribe", public, 400, 400, false},
		{"POST /unsubscribe", "/unsubscribe", public, 400, 400, false},
		{"GET /admin/skills", "/admin/skills", adminOnly, 303, 200, false},
		{"POST /admin/skills", "/admin/skills", adminOnly, 403, 422, false},
		{"POST /admin/skills/{code}", "/admin/skills/repair", adminOnly, 403, 422, false},
		{"GET /admin", "/admin", adminOnly, 303, 200, false},
		{"GET /admin/users", "/admin/users", adminOnly, 303, 200, false},
		{"POST /admin/users/{id}/role", "/admin/users/" + victim + "/role", adminOnly, 403, 400, false},
		{"POST /admin/users/{id}/suspend", "/admin/users/" + victim + "/suspend", adminOnly, 403, 303, false},
		{"POST /admin/users/{id}/reinstate", "/admin/users/" + victim + "/reinstate", adminOnly, 403, 303, false},
		{"GET /admin/outbox", "/admin/outbox", adminOnly, 303, 200, false},
		{"GET /admin/outbox/{id}", "/admin/outbox/999999", adminOnly, 303, 404, false},
		{"POST /admin/outbox/{id}/retry", "/admin/outbox/999999/retry", adminOnly, 403, 404, false},
		{"GET /admin/audit", "/admin/audit", adminOnly, 303, 200, false},
	}
	cases = append(cases, initiativeRoutes(t, a)...)
	for _, more := range [][]routeCase{eventPageRoutes(t, a), eventRegistrationRoutes(t, a), eventCheckinRoutes(t, a), eventCalendarRoutes(t, a),
		solidarityAlertsRoutes(t, a), solidarityRegistryRoutes(t, a), solidarityNetworkRoutes(t, a),
		solidarityEpisodesRoutes(t, a), solidarityMonitorRoutes(t, a),
		planActionsRoutes(t, a), planIndicatorsRoutes(t, a), planDashboardRoutes(t, a), planQuestionsRoutes(t, a), planCommitteesRoutes(t, a)} {
		cases = append(cases, more...)
	}

	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.pattern] = true
	}
	for _, p := range a.Router.Patterns() {
		if !covered[p] {
			t.Errorf("route %q has no line in the route-by-role table", p)
		}
	}

	roles := []auth.Role{auth.RoleVolunteer, auth.RoleCoordinator, auth.RoleModerator, auth.RolePartner, auth.RoleAdmin}
	clients := map[auth.Role]*http.Client{}
	for _, r := range roles {
		clients[r], _ = a.ClientAs(t, r)
	}
	for _, c := range cases {
		method, _, _ := strings.Cut(c.pattern, " ")
		do := func(cl *http.Client) *http.Response {
			req, _ := http.NewRequest(method, a.Server.URL+c.path, strings.NewReader(""))
			if method == "POST" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
			}
			resp, _ := apptest.Do(t, cl, req)
			return resp
		}
		if got := do(a.Client(t)).StatusCode; got != c.anon {
			t.Errorf("%s as a visitor: %d, want %d", c.pattern, got, c.anon)
		}
		for _, r := range roles {
			cl := clients[r]
			if c.fresh {
				cl, _ = a.ClientAs(t, r)
			}
			want := c.allowed
			if (c.access == adminOnly && r != auth.RoleAdmin) ||
				(c.access == coordinators && r != auth.RoleAdmin && r != auth.RoleCoordinator) ||
				(c.access == moderators && r != auth.RoleAdmin && r != auth.RoleModerator) ||
				(c.access == reviewers && r != auth.RoleAdmin && r != auth.RoleCoordinator && r != auth.RoleModerator) {
				want = http.StatusForbidden
			}
			if got := do(cl).StatusCode; got != want {
				t.Errorf("%s as %s: %d, want %d", c.pattern, r, got, want)
			}
		}
	}
}
