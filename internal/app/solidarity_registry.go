package app

import (
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/solidarity/episodes"
	"climatevolunteers/internal/solidarity/registry"
)

// wireRegistry builds the solidarity registry part and registers its pages.
func wireRegistry(d *solidarityDeps) error {
	svc, err := registry.NewService(registry.Deps{DB: d.db, Keys: d.keys, Districts: d.districts,
		People: d.volunteers.Store(), Staff: staffContacts{auth.NewStore(d.db)}, BaseURL: d.cfg.PublicURL(), Notify: d.notify, Log: d.log})
	if err != nil {
		return err
	}
	registry.Register(d.r, d.rn, svc, registry.Guards{User: d.guard.RequireUser,
		Staff: d.guard.RequireRole(auth.RoleCoordinator)})
	// Erasing a registration also blanks the sealed call notes about the person.
	svc.OnErase = episodes.ErasePeople
	d.registry = svc
	return nil
}
