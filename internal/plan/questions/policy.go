package questions

import "climatevolunteers/internal/auth"

// Who may do what, in one place. Handlers' guards say the same at the door;
// the service checks again so that no caller can skip it.

// isStaff: City staff and coordinators (and administrators) answer officially.
func isStaff(a Actor) bool { return a.Role == auth.RoleCoordinator || a.Role == auth.RoleAdmin }

// canModerate: moderators (and administrators) hide questions.
func canModerate(a Actor) bool { return a.Role == auth.RoleModerator || a.Role == auth.RoleAdmin }

// seesHidden: a hidden question is a 404 to everyone else, its author included.
func seesHidden(a Actor) bool { return isStaff(a) || canModerate(a) }

// canAsk: any signed-in account asks.
func canAsk(a Actor) bool { return a.UserID != 0 }
