package volunteers

import (
	"context"
	"errors"
	"strconv"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
)

// Accounts is what this feature needs from the accounts feature: a copy of
// the account for "my data", and erasure when a volunteer leaves.
type Accounts interface {
	ExportAccount(ctx context.Context, userID int64) (any, error)
	EraseAccount(ctx context.Context, tx *db.Tx, userID int64) error
}

// Service is the feature's logic.
type Service struct {
	db       *db.DB
	store    *Store
	accounts Accounts
	// OnDelete, when set, erases what other features hold about a leaving
	// volunteer, inside the deletion's transaction (their inbox, say).
	OnDelete func(ctx context.Context, tx *db.Tx, userID int64) error
}

// NewService builds the service.
func NewService(d *db.DB, accounts Accounts) *Service {
	return &Service{db: d, store: NewStore(d), accounts: accounts}
}

// Store exposes reads.
func (s *Service) Store() *Store { return s.store }

// Landing sends a volunteer without a profile to onboarding after sign-in,
// and everyone else to their account.
func (s *Service) Landing(ctx context.Context, userID int64) string {
	if _, err := s.store.Profile(ctx, userID); errors.Is(err, ErrNoProfile) {
		return "/welcome"
	}
	return "/account"
}

// SaveProfile validates and stores a profile; onboarding marks it as the
// first one. The returned field errors are for the form.
func (s *Service) SaveProfile(ctx context.Context, p Profile, onboarding bool) ([]FieldError, error) {
	skills, err := s.store.Skills(ctx, false)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, k := range skills {
		known[k.Code] = true
	}
	districts, err := s.store.strings(ctx, "SELECT code FROM districts")
	if err != nil {
		return nil, err
	}
	knownDistrict := map[string]bool{}
	for _, c := range districts {
		knownDistrict[c] = true
	}
	if errs := p.Validate(func(c string) bool { return known[c] }, func(c string) bool { return knownDistrict[c] }); len(errs) > 0 {
		return errs, nil
	}
	return nil, s.db.Tx(ctx, func(tx *db.Tx) error { return saveProfile(ctx, tx, p, onboarding) })
}

// SetConsent grants or withdraws one purpose at once.
func (s *Service) SetConsent(ctx context.Context, userID int64, purpose string, grant bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := setConsent(ctx, tx, userID, purpose, grant, db.Now())
		return err
	})
}

// Export is everything held about a volunteer, for "download my data".
type Export struct {
	ExportedAt time.Time `json:"exported_at"`
	Account    any       `json:"account"`
	Profile    *Profile  `json:"profile"`
	Consents   []Consent `json:"consents"`
}

// ExportData gathers a volunteer's data and records the export in the audit
// log.
func (s *Service) ExportData(ctx context.Context, userID int64, ipNetwork string) (Export, error) {
	out := Export{ExportedAt: db.Now()}
	var err error
	if out.Account, err = s.accounts.ExportAccount(ctx, userID); err != nil {
		return out, err
	}
	p, err := s.store.Profile(ctx, userID)
	switch {
	case err == nil:
		out.Profile = &p
	case err != ErrNoProfile:
		return out, err
	}
	if out.Consents, err = s.store.Consents(ctx, userID); err != nil {
		return out, err
	}
	return out, audit.Record(ctx, s.db, audit.Entry{ActorID: userID, Action: audit.ActionDataExport, TargetType: "user",
		TargetID: strconv.FormatInt(userID, 10), IPNetwork: ipNetwork, Detail: "my data"})
}

// DeleteAccount erases a volunteer's personal data in one transaction. The
// account row stays, anonymised, so that what they contributed keeps an
// author ("anonymous volunteer").
func (s *Service) DeleteAccount(ctx context.Context, userID int64, ipNetwork string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, table := range []string{"volunteer_skills", "volunteer_interests", "volunteer_languages", "consents", "volunteer_profiles"} {
			if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE user_id = ?", userID); err != nil {
				return err
			}
		}
		if s.OnDelete != nil {
			if err := s.OnDelete(ctx, tx, userID); err != nil {
				return err
			}
		}
		if err := s.accounts.EraseAccount(ctx, tx, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: audit.ActionAccountDeleted, TargetType: "user",
			TargetID: strconv.FormatInt(userID, 10), IPNetwork: ipNetwork})
	})
}
