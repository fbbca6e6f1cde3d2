package events

import "climatevolunteers/internal/web"

// registerPages adds the pages routes.
func (h *handlers) registerPages(r *web.Router) {}
