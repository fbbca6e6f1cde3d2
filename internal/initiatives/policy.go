package initiatives

import (
	"context"

	"climatevolunteers/internal/db"
)

// Who may do what with an initiative: the one place where the feature
// decides, called by the service (and by pages to show only what works).

// canModerate: moderators and admins decide on submissions and reports.
func canModerate(a Actor) bool { return a.Role == "moderator" || a.Role == "admin" }

// CanModerate tells pages whether to show moderation tools.
func CanModerate(a Actor) bool { return canModerate(a) }

// canEdit: an initiative's organisers edit it, and admins for support;
// rejected and archived ones are closed.
func canEdit(a Actor, memberRole string, in Initiative) bool {
	if in.Status == Rejected || in.Status == Archived {
		return false
	}
	return a.UserID > 0 && (Organises(memberRole) || a.Role == "admin")
}

// CanEdit tells pages whether to offer editing.
func CanEdit(a Actor, memberRole string, in Initiative) bool { return canEdit(a, memberRole, in) }

// CanSee: everyone sees visible initiatives; drafts, submissions, hidden and
// rejected ones are for their organisers and moderators.
func CanSee(a Actor, memberRole string, in Initiative) bool {
	return in.Visible() || Organises(memberRole) || canModerate(a)
}

// canIntroduce: coordinators and admins introduce organisers to each other.
func canIntroduce(a Actor) bool { return a.Role == "coordinator" || a.Role == "admin" }

// viewTx reads an initiative and a's role in it inside tx (locking the row
// when lock is set, for changes that count or cap). An initiative a may not
// see is ErrNotFound: drafts are not acknowledged to strangers.
func viewTx(ctx context.Context, tx *db.Tx, a Actor, id int64, lock bool) (Initiative, string, error) {
	read := getTx
	if lock {
		read = lockInitiative
	}
	in, err := read(ctx, tx, id)
	if err != nil {
		return in, "", err
	}
	role, err := memberRoleTx(ctx, tx, id, a.UserID)
	if err != nil {
		return in, "", err
	}
	if !CanSee(a, role, in) {
		return in, role, ErrNotFound
	}
	return in, role, nil
}
