package initiatives

import "climatevolunteers/internal/web"

// registerFind adds the list of initiatives with its filters, search and map.
func (h *handlers) registerFind(r *web.Router) {}
