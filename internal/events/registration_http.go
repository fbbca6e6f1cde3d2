package events

import "climatevolunteers/internal/web"

// registerRegistration adds the registration routes.
func (h *handlers) registerRegistration(r *web.Router) {}
