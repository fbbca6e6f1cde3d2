package initiatives

import (
	"net/http"

	"climatevolunteers/internal/web"
)

// registerParticipation adds joining, following, updates and reports.
func (h *handlers) registerParticipation(r *web.Router) {}

// participation is what the initiative page shows of taking part: the
// "participation" partial (templates/participation.html) renders it.
func (h *handlers) participation(r *http.Request, in Initiative, role string) (any, error) {
	return nil, nil
}
