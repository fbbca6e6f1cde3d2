package events

import (
	"context"
	"database/sql"
	"errors"

	"climatevolunteers/internal/db"
)

// ErrSessionTaken means a workshop cannot be removed: people chose it.
var ErrSessionTaken = errors.New("events: workshop chosen by participants")

// DeleteSession removes a workshop that nobody chose yet (confirmed or
// waitlisted). Once people have chosen it, organisers must move or cancel
// those choices first: a workshop never vanishes from someone's ticket.
func (s *Service) DeleteSession(ctx context.Context, a Actor, eventID, sessionID int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		var taken, choices int
		err = tx.QueryRow(ctx, "SELECT confirmed + waitlisted FROM event_sessions WHERE id = ? AND event_id = ?",
			sessionID, eventID).Scan(&taken)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM event_session_choices WHERE session_id = ? AND status IN (?, ?)",
			sessionID, RegConfirmed, RegWaitlisted).Scan(&choices); err != nil {
			return err
		}
		if taken > 0 || choices > 0 {
			return ErrSessionTaken
		}
		_, err = tx.Exec(ctx, "DELETE FROM event_sessions WHERE id = ? AND event_id = ?", sessionID, eventID)
		return err
	})
}
