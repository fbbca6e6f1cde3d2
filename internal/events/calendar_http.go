package events

import "climatevolunteers/internal/web"

// registerCalendar adds the calendar routes.
func (h *handlers) registerCalendar(r *web.Router) {}
