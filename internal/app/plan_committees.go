package app

import (
	"context"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/plan/committees"
	"climatevolunteers/internal/volunteers"
)

// wirePlanCommittees builds the Climate Plan's committees part and registers its routes.
func wirePlanCommittees(d *planDeps) error {
	svc := committees.NewService(committees.Deps{DB: d.db, People: committeePeople{d.volunteers.Store()},
		Events: committeeMeetings{d.events}, Districts: d.events.Districts})
	committees.Register(d.r, d.rn, svc, committees.Guards{User: d.guard.RequireUser,
		Staff: d.guard.RequireRole(auth.RoleCoordinator)})
	d.committees = svc
	return nil
}

// committeePeople finds members' accounts and names them through the
// volunteers' store.
type committeePeople struct{ store *volunteers.Store }

func (p committeePeople) AccountByEmail(ctx context.Context, email string) (int64, bool, error) {
	return p.store.AccountByEmail(ctx, email)
}

func (p committeePeople) Names(ctx context.Context, ids []int64) (map[int64]committees.Person, error) {
	cs, err := p.store.Contacts(ctx, ids)
	people := make(map[int64]committees.Person, len(cs))
	for _, c := range cs {
		people[c.UserID] = committees.Person{Name: c.Name, Community: c.Community}
	}
	return people, err
}

// committeeMeetings makes a committee meeting a published City event, with
// the events feature's own validation and rights (City staff create City
// events).
type committeeMeetings struct{ events *events.Service }

func (m committeeMeetings) Schedule(ctx context.Context, tx *db.Tx, a committees.Actor, committee string, in committees.MeetingInput) (int64, []committees.FieldError, error) {
	actor := events.Actor{UserID: a.UserID, Role: a.Role}
	id, errs, err := m.events.CreateTx(ctx, tx, actor, events.Input{Title: in.Title, Summary: committee, Theme: "awareness",
		OwnerKind: events.OwnerCity, DistrictCode: in.District, Address: in.Address, OnlineURL: in.OnlineURL,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt}, true)
	if err != nil || len(errs) > 0 {
		out := make([]committees.FieldError, len(errs))
		for i, e := range errs {
			out[i] = committees.FieldError{Field: e.Field, Key: e.Key}
		}
		return 0, out, err
	}
	return id, nil, nil
}
