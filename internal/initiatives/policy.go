package initiatives

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
