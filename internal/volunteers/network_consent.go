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

// Consenting lists the accounts whose consent to purpose is active: given
// at the purpose's current version, not withdrawn, on an active account. It
// reads the consent rows themselves, not volunteer_profiles.consents_mask,
// which a raised version leaves stale until each volunteer's next change.
func Consenting(ctx context.Context, d *db.DB, purpose string) (map[int64]bool, error) {
	rows, err := d.Query(ctx, `SELECT DISTINCT c.user_id FROM consents c JOIN users u ON u.id = c.user_id
		WHERE c.purpose = ? AND c.version = ? AND c.withdrawn_at IS NULL AND u.status = 'active'`, purpose, PurposeVersion(purpose))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
