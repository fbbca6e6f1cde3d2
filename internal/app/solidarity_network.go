package app

import (
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/solidarity/network"
)

// wireNetwork builds the solidarity network part and registers its pages.
// OnWithdraw is left for the episodes part to set (it reassigns a leaving
// volunteer's people).
func wireNetwork(d *solidarityDeps) error {
	d.network = network.NewService(network.Deps{DB: d.db, Districts: d.districts, Volunteers: d.volunteers.Store(), Log: d.log})
	network.Register(d.r, d.rn, d.network, network.Guards{User: d.guard.RequireUser,
		Coordinator: d.guard.RequireRole(auth.RoleCoordinator)})
	return nil
}
