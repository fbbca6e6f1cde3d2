package registry

import (
	"context"
	"errors"
	"strconv"

	"climatevolunteers/internal/audit"
)

// Who may do what with an entry: the one place where the registry decides.
//
//   - Coordinators and administrators manage every entry (the coordination
//     pages) and register people on the phone.
//   - Any signed-in account registers people (itself, a relative, someone it
//     follows as a social worker) and manages what it registered there.
//   - Anyone else learns nothing: an entry they may not see does not exist
//     for them (ErrNotFound, a 404), so ids cannot be probed.

// Scope says from which pages a request comes, and so what it may reach.
type Scope int

const (
	ScopeMine  Scope = iota // /my/registry: the registrant's own entries
	ScopeStaff              // /coordination/registry: every entry
)

func isStaff(a Actor) bool { return a.UserID > 0 && (a.Role == "coordinator" || a.Role == "admin") }

// mayRegister: staff entries need a coordinator; public ones an account.
func mayRegister(a Actor, s Scope) bool {
	if s == ScopeStaff {
		return isStaff(a)
	}
	return a.UserID > 0
}

// authorise checks that a may read and change the entry from scope s.
func authorise(a Actor, s Scope, e Entry) error {
	switch {
	case s == ScopeStaff && isStaff(a):
		return nil
	case s == ScopeStaff:
		return refusal{ErrForbidden}
	case a.UserID > 0 && e.RegisteredBy == a.UserID && e.RegisteredAs != RelationStaff:
		return nil
	}
	return refusal{ErrNotFound}
}

// refusal is authorise's no: it reads as ErrForbidden or ErrNotFound, and
// tells denied that an existing entry was refused (not merely unknown).
type refusal struct{ err error }

func (r refusal) Error() string { return r.err.Error() }
func (r refusal) Unwrap() error { return r.err }

// denied records a refused attempt at entry id (who, which entry and what
// was refused; nothing of the entry) and returns err; other errors pass.
// It writes after the refused transaction, which rolled back.
func (s *Service) denied(ctx context.Context, a Actor, id int64, what string, err error) error {
	if !errors.As(err, new(refusal)) {
		return err
	}
	if aerr := audit.Record(ctx, s.DB, audit.Entry{ActorID: a.UserID, Action: audit.ActionSolidarityAccessDenied,
		TargetType: "registry_person", TargetID: strconv.FormatInt(id, 10), Detail: "registry " + what + " refused"}); aerr != nil {
		return aerr
	}
	return err
}

// purposeOf names a page's reads in the audit log.
func purposeOf(s Scope) string {
	if s == ScopeStaff {
		return "registry"
	}
	return "registrant"
}
