package committees

import (
	"context"
	"database/sql"
)

// Who may do what: the one place where the part decides. City staff
// (coordinators, and administrators) run committees; members with an
// account add follow-up notes to their committee's decisions; everyone
// reads what is published.

func isStaff(a Actor) bool { return a.UserID > 0 && (a.Role == "coordinator" || a.Role == "admin") }

// IsStaff tells pages whether to offer the staff's tools.
func IsStaff(a Actor) bool { return isStaff(a) }

type rowQuerier interface {
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

// mayFollowUp: staff (who may also change a decision's status) and the
// committee's members with an account.
func mayFollowUp(ctx context.Context, q rowQuerier, a Actor, committeeID int64) (staff, ok bool, err error) {
	if a.UserID <= 0 {
		return false, false, nil
	}
	if isStaff(a) {
		return true, true, nil
	}
	var n int
	err = q.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committee_members WHERE committee_id = ? AND user_id = ?",
		committeeID, a.UserID).Scan(&n)
	return false, n > 0, err
}

// MayFollowUp tells the committee page whether to show the follow-up form,
// and whether with the status choice (staff).
func (s *Service) MayFollowUp(ctx context.Context, a Actor, committeeID int64) (staff, ok bool, err error) {
	return mayFollowUp(ctx, s.DB, a, committeeID)
}

// mayName: an account's name (a member's, a follow-up's author) shows to
// staff, to the person, and to signed-in members when the person's profile
// shows it to them, as the volunteers' directory does; everyone else reads
// the college and role. Named members without an account (elected
// officials, residents) were typed by staff for publication.
func mayName(viewer Actor, userID int64, p Person) bool {
	return isStaff(viewer) || (viewer.UserID > 0 && (viewer.UserID == userID || p.Community))
}
