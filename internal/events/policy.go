package events

import (
	"context"
	"database/sql"
	"errors"
)

// Who may do what with an event: the one place where the feature decides.

// ErrTransition means the action does not fit the event's status.
var ErrTransition = errors.New("events: not possible in the current status")

func isStaff(a Actor) bool { return a.Role == "coordinator" || a.Role == "admin" }

// mayCreate: an initiative's organisers create its events; partners (and
// staff) partner events; City staff City events.
func (s *Service) mayCreate(ctx context.Context, a Actor, v valid) (bool, error) {
	if a.UserID <= 0 {
		return false, nil
	}
	switch v.OwnerKind {
	case OwnerCity:
		return isStaff(a), nil
	case OwnerPartner:
		return a.Role == "partner" || isStaff(a), nil
	case OwnerInitiative:
		if a.Role == "admin" {
			return true, nil
		}
		return s.Initiatives.Organises(ctx, v.initiative, a.UserID)
	}
	return false, nil
}

// mayManage: an event's listed organisers, its initiative's organisers,
// City staff for City events, and admins.
func (s *Service) mayManage(ctx context.Context, q rowQuerier, a Actor, e Event) (bool, error) {
	if a.UserID <= 0 {
		return false, nil
	}
	if a.Role == "admin" || (e.OwnerKind == OwnerCity && isStaff(a)) {
		return true, nil
	}
	if ok, err := IsOrganiser(ctx, q, e.ID, a.UserID); err != nil || ok {
		return ok, err
	}
	if e.OwnerKind == OwnerInitiative && e.InitiativeID > 0 {
		return s.Initiatives.Organises(ctx, e.InitiativeID, a.UserID)
	}
	return false, nil
}

// MayManage tells pages whether to offer the organisers' tools.
func (s *Service) MayManage(ctx context.Context, a Actor, e Event) (bool, error) {
	return s.mayManage(ctx, s.DB, a, e)
}

// rowQuerier is a database or a transaction.
type rowQuerier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// CanSee: published and cancelled events are public; drafts are for their
// organisers.
func CanSee(e Event, manages bool) bool { return e.Status != Draft || manages }

func orForbidden(err error) error {
	if err != nil {
		return err
	}
	return ErrForbidden
}

func orTransition(err error) error {
	if err != nil {
		return err
	}
	return ErrTransition
}
