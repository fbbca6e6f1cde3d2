package app

import (
	"context"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/solidarity/episodes"
	"climatevolunteers/internal/volunteers"
)

// wireEpisodes builds the solidarity episodes part (activation, "my
// calls", escalations) and registers its pages. A volunteer leaving the
// network has their people reassigned.
func wireEpisodes(d *solidarityDeps) error {
	svc, err := episodes.NewService(episodes.Deps{DB: d.db, Registry: d.registry, Network: d.network, Alerts: d.alerts,
		CoolPlaces: d.coolPlaces, People: d.volunteers.Store(), Staff: staffContacts{auth.NewStore(d.db)},
		Districts: d.districts, Keys: d.keys, Catalog: d.rn.Catalog(), BaseURL: d.cfg.PublicURL(), Notify: d.notify, Log: d.log})
	if err != nil {
		return err
	}
	episodes.Register(d.r, d.rn, svc, episodes.Guards{User: d.guard.RequireUser,
		Coordinator: d.guard.RequireRole(auth.RoleCoordinator)})
	d.network.OnWithdraw = svc.VolunteerWithdrew
	d.episodes = svc
	return nil
}

// staffContacts lists the active coordinators and administrators through
// the accounts' store, for the episodes' mails to staff.
type staffContacts struct{ users *auth.Store }

func (s staffContacts) Coordinators(ctx context.Context) ([]volunteers.Contact, error) {
	var out []volunteers.Contact
	for _, role := range []auth.Role{auth.RoleCoordinator, auth.RoleAdmin} {
		for page := 1; ; page++ {
			us, total, err := s.users.ListUsers(ctx, auth.UserFilter{Role: string(role), Status: auth.StatusActive, Page: page, PerPage: 200})
			if err != nil {
				return nil, err
			}
			for _, u := range us {
				out = append(out, volunteers.Contact{UserID: u.ID, Name: u.DisplayName, Email: u.Email, Lang: u.Language})
			}
			if len(us) == 0 || page*200 >= total {
				break
			}
		}
	}
	return out, nil
}
