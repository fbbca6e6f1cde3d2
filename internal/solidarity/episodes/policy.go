package episodes

import (
	"context"
	"errors"
	"fmt"

	"climatevolunteers/internal/audit"
)

// Who may do what: the one place where the part decides. The routes' guards
// let volunteers onto "my calls" and coordinators onto the coordination
// pages; these rules decide for each assignment and change.

var (
	// ErrForbidden: the actor may not do this.
	ErrForbidden = errors.New("episodes: not allowed")
	// ErrHandedOn: the person was handed to another volunteer since the
	// call form was opened (a 409, not logged as an intrusion).
	ErrHandedOn = errors.New("episodes: handed to another volunteer")
)

// isStaff: coordinators and administrators run episodes.
func isStaff(a Actor) bool { return a.UserID > 0 && (a.Role == "coordinator" || a.Role == "admin") }

// refusal says why a volunteer may not see an assignment; "" when they may.
// Only the assigned volunteer may, while the assignment is active, the
// person still registered and the episode open. Coordinators see people
// through escalations, never through "my calls".
func refusal(a Assignment, found bool, userID int64) string {
	switch {
	case !found:
		return "unknown assignment"
	case userID <= 0 || a.VolunteerID != userID:
		return "not assigned to them"
	case !a.EpisodeOpen:
		return "episode ended"
	case !a.Active:
		return "assignment inactive"
	case a.PersonID == 0:
		return "registration erased"
	}
	return ""
}

// handedOn reports whether the user was the person's volunteer until a
// move to someone else in this still-open episode: a call form they opened
// before may come back, which is no intrusion.
func handedOn(a Assignment, found bool, userID int64) bool {
	return found && userID > 0 && a.FormerVolunteerID == userID && a.VolunteerID != userID && a.EpisodeOpen
}

// deny records a refused access to an assignment; the page is a 404 all
// the same, so nobody learns whether the assignment exists.
func (s *Service) deny(ctx context.Context, a Actor, assignmentID int64, why string) error {
	err := audit.Record(ctx, s.DB, audit.Entry{ActorID: a.UserID, Action: audit.ActionSolidarityAccessDenied,
		TargetType: "solidarity_assignment", TargetID: fmt.Sprint(assignmentID), Detail: why})
	if err != nil {
		return err
	}
	return ErrNotFound
}
