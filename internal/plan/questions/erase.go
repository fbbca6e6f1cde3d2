package questions

import (
	"context"

	"climatevolunteers/internal/db"
)

// EraseMember is called when an account is deleted (accounts are
// anonymised, not removed, so the foreign keys' cascades do not run): their
// questions stay, shown as a former member's; they follow nothing any more;
// answers they wrote keep only their department.
func EraseMember(ctx context.Context, tx *db.Tx, userID int64) error {
	for _, q := range []string{
		"DELETE FROM plan_question_followers WHERE user_id = ?",
		"UPDATE plan_questions SET author_id = NULL WHERE author_id = ?",
		"UPDATE plan_questions SET hidden_by = NULL WHERE hidden_by = ?",
		"UPDATE plan_answers SET author_id = NULL WHERE author_id = ?",
	} {
		if _, err := tx.Exec(ctx, q, userID); err != nil {
			return err
		}
	}
	return nil
}
