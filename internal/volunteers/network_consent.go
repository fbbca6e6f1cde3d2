package volunteers

import (
	"context"
	"time"

	"climatevolunteers/internal/db"
)

// SetConsentTx grants or withdraws one purpose inside the caller's
// transaction, for a feature whose rows stand or fall with a consent (the
// solidarity network's members): both change at once, and the consent
// history written is the same as SetConsent's. changed is false when there
// was nothing to do.
func SetConsentTx(ctx context.Context, tx *db.Tx, userID int64, purpose string, grant bool, now time.Time) (changed bool, err error) {
	return setConsent(ctx, tx, userID, purpose, grant, now)
}
