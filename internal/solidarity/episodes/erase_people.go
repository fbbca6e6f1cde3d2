package episodes

import (
	"context"
	"strconv"
	"strings"

	"climatevolunteers/internal/db"
)

// ErasePeople blanks the sealed notes about registered people whose
// registration is being erased (withdrawn or purged): the "what help" of
// their calls and the coordinators' notes on their escalations. It runs in
// the registry's deleting transaction; the counts stay for the reports.
func ErasePeople(ctx context.Context, tx *db.Tx, personIDs []int64) error {
	if len(personIDs) == 0 {
		return nil
	}
	ids := make([]string, len(personIDs))
	for i, id := range personIDs {
		ids[i] = strconv.FormatInt(id, 10)
	}
	theirs := "SELECT id FROM solidarity_assignments WHERE person_id IN (" + strings.Join(ids, ",") + ")"
	if _, err := tx.Exec(ctx, "UPDATE solidarity_calls SET help_sealed = '' WHERE help_sealed <> '' AND assignment_id IN ("+theirs+")"); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE solidarity_escalations SET note_sealed = '' WHERE note_sealed <> '' AND assignment_id IN ("+theirs+")")
	return err
}
