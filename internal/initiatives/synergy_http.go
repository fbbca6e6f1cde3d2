package initiatives

import (
	"net/http"

	"climatevolunteers/internal/web"
)

// registerSynergy adds the coordinators' synergy board and introductions.
func (h *handlers) registerSynergy(r *web.Router) {}

// similar is what the initiative page shows of similar initiatives nearby:
// the "similar" partial (templates/similar.html) renders it.
func (h *handlers) similar(r *http.Request, in Initiative) (any, error) { return nil, nil }
