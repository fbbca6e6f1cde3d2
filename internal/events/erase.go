package events

import (
	"context"

	"climatevolunteers/internal/db"
)

// WithdrawAll cancels every registration of an account being deleted,
// inside the deletion's transaction: its places go to the waitlists (those
// promoted are mailed) and its private calendar address stops working.
func (s *Service) WithdrawAll(ctx context.Context, tx *db.Tx, userID int64) error {
	rows, err := tx.Query(ctx, `SELECT event_id, id FROM event_registrations
		WHERE user_id = ? AND status IN (?, ?) ORDER BY event_id`, userID, RegConfirmed, RegWaitlisted)
	if err != nil {
		return err
	}
	type ref struct{ event, reg int64 }
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.event, &r.reg); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range refs {
		e, err := GetTx(ctx, tx, r.event, true)
		if err != nil {
			return err
		}
		reg, err := registrationByIDTx(ctx, tx, r.event, r.reg)
		if err != nil {
			return err
		}
		if err := s.withdraw(ctx, tx, e, reg, false); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, "DELETE FROM event_calendar_tokens WHERE user_id = ?", userID)
	return err
}
