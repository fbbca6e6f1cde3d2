package app_test

import (
	"testing"

	"climatevolunteers/internal/app/apptest"
)

// solidarityRegistryRoutes are the route-by-role lines of the solidarity
// registry part. Paths name an entry that does not exist: who may reach each
// handler is what this table checks; who reaches which real entry is checked
// in solidarity_registry_http_test.go.
func solidarityRegistryRoutes(t *testing.T, a *apptest.App) []routeCase {
	return []routeCase{
		{"GET /registry", "/registry", public, 200, 200, false},
		{"GET /registry/new", "/registry/new", signedIn, 303, 200, false},
		{"POST /registry/new", "/registry/new", signedIn, 403, 422, false},
		{"GET /my/registry", "/my/registry", signedIn, 303, 200, false},
		{"GET /my/registry/{id}", "/my/registry/999999", signedIn, 303, 404, false},
		{"POST /my/registry/{id}", "/my/registry/999999", signedIn, 403, 404, false},
		{"POST /my/registry/{id}/renew", "/my/registry/999999/renew", signedIn, 403, 404, false},
		{"POST /my/registry/{id}/withdraw", "/my/registry/999999/withdraw", signedIn, 403, 404, false},
		{"GET /coordination/registry", "/coordination/registry", coordinators, 303, 200, false},
		{"POST /coordination/registry", "/coordination/registry", coordinators, 403, 200, false},
		{"GET /coordination/registry/new", "/coordination/registry/new", coordinators, 303, 200, false},
		{"POST /coordination/registry/new", "/coordination/registry/new", coordinators, 403, 422, false},
		{"GET /coordination/registry/{id}", "/coordination/registry/999999", coordinators, 303, 404, false},
		{"POST /coordination/registry/{id}", "/coordination/registry/999999", coordinators, 403, 404, false},
		{"POST /coordination/registry/{id}/renew", "/coordination/registry/999999/renew", coordinators, 403, 404, false},
		{"POST /coordination/registry/{id}/withdraw", "/coordination/registry/999999/withdraw", coordinators, 403, 404, false},
	}
}
