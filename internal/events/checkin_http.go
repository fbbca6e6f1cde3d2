package events

import "climatevolunteers/internal/web"

// registerCheckin adds the checkin routes.
func (h *handlers) registerCheckin(r *web.Router) {}
