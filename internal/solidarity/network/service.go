package network

import (
	"context"
	"errors"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/volunteers"
)

// Status is what a volunteer's network page shows.
type Status struct {
	HasProfile bool
	Profile    volunteers.Profile
	Member     *Member  // nil for someone who never joined
	Trained    *Attempt // the pass at the current training version, if any
	// Outdated: they passed an earlier version only, and must pass again.
	Outdated bool
	Last     *Attempt // the last attempt, passed or not
}

// Ready reports whether the member is given people to call (their consent
// and account are checked by Available).
func (st Status) Ready() bool { return st.Member != nil && st.Member.Active() && st.Trained != nil }

// Status reads a volunteer's place in the network. A member whose consent
// lapsed elsewhere is withdrawn first, so the page never shows a stale
// membership.
func (s *Service) Status(ctx context.Context, userID int64) (Status, error) {
	var st Status
	if err := s.SyncMember(ctx, userID); err != nil {
		return st, err
	}
	p, err := s.Volunteers.Profile(ctx, userID)
	switch {
	case err == nil:
		st.HasProfile, st.Profile = true, p
	case !errors.Is(err, volunteers.ErrNoProfile):
		return st, err
	}
	m, ok, err := s.store.Member(ctx, userID)
	if err != nil {
		return st, err
	}
	if ok {
		st.Member = &m
	}
	if st.Trained, err = s.store.Passed(ctx, userID, s.Training.Version); err != nil {
		return st, err
	}
	attempts, err := s.store.Attempts(ctx, userID, 50)
	if err != nil {
		return st, err
	}
	if len(attempts) > 0 {
		st.Last = &attempts[0]
	}
	for _, a := range attempts {
		if a.Passed && a.Version < s.Training.Version && st.Trained == nil {
			st.Outdated = true
		}
	}
	return st, nil
}

// IsMember reports whether someone is in the network now (joined and not
// withdrawn), trained or not: pages use it to show the network's links.
func (s *Service) IsMember(ctx context.Context, userID int64) (bool, error) {
	m, ok, err := s.store.Member(ctx, userID)
	return ok && m.Active(), err
}

// Save joins the network or updates a membership. It is refused (field
// errors) without a volunteer profile, before the current training is
// passed, or with invalid answers; ErrStale when the form was read from
// another version of the membership.
func (s *Service) Save(ctx context.Context, userID int64, in Input) ([]FieldError, error) {
	if _, err := s.Volunteers.Profile(ctx, userID); errors.Is(err, volunteers.ErrNoProfile) {
		return []FieldError{{"profile", "network.error.no_profile"}}, nil
	} else if err != nil {
		return nil, err
	}
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return nil, err
	}
	shapes, err := s.Districts.Shapes(ctx)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, d := range ds {
		known[d.Code] = true
	}
	// Untrained volunteers are not shown the form: the training is the
	// only thing to fix.
	if trained, err := s.store.Passed(ctx, userID, s.Training.Version); err != nil || trained == nil {
		return []FieldError{{"training", "network.error.untrained"}}, err
	}
	city, haveBox := cityBox(ds, shapes)
	v, errs := in.validate(known, city, haveBox)
	if len(errs) > 0 {
		return errs, nil
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		m, ok, err := member(ctx, tx, userID, true)
		if err != nil {
			return err
		}
		if !ok {
			if in.Version != 0 {
				return ErrStale
			}
			if inserted, err := insertMember(ctx, tx, userID, v, now); err != nil || !inserted {
				return orStale(err)
			}
		} else {
			if in.Version != m.Version {
				return ErrStale
			}
			if err := updateMember(ctx, tx, m, v, now); err != nil {
				return err
			}
		}
		_, err = volunteers.SetConsentTx(ctx, tx, userID, Purpose, true, now)
		return err
	})
}

func orStale(err error) error {
	if err != nil {
		return err
	}
	return ErrStale
}

// Withdraw takes a member out of the network and withdraws their consent;
// ErrNotMember when they were not an active member.
func (s *Service) Withdraw(ctx context.Context, userID int64) error {
	return s.withdraw(ctx, userID, true)
}

// withdraw dates the withdrawal and, when asked, the consent's, in one
// transaction; OnWithdraw hears it once that transaction has committed.
func (s *Service) withdraw(ctx context.Context, userID int64, consentToo bool) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		done, err := withdrawMember(ctx, tx, userID, now)
		if err != nil {
			return err
		}
		if !done {
			return ErrNotMember
		}
		if consentToo {
			if _, err := volunteers.SetConsentTx(ctx, tx, userID, Purpose, false, now); err != nil {
				return err
			}
		}
		s.afterWithdraw(ctx, tx, userID)
		return nil
	})
}

// afterWithdraw calls OnWithdraw once tx has committed.
func (s *Service) afterWithdraw(ctx context.Context, tx *db.Tx, userID int64) {
	if s.OnWithdraw == nil {
		return
	}
	tx.AfterCommit(func() {
		if err := s.OnWithdraw(context.WithoutCancel(ctx), userID); err != nil {
			s.Log.Error("solidarity network: withdrawal hook failed", "user_id", userID, "err", err)
		}
	})
}

// SyncMember withdraws a member whose network consent is no longer active
// (withdrawn from the profile page, or lapsed with a new wording). The
// volunteers feature may call it after a consent change; SyncConsents
// sweeps everyone.
func (s *Service) SyncMember(ctx context.Context, userID int64) error {
	m, ok, err := s.store.Member(ctx, userID)
	if err != nil || !ok || !m.Active() {
		return err
	}
	consents, err := s.Volunteers.Consents(ctx, userID)
	if err != nil {
		return err
	}
	if _, active := volunteers.ActiveConsents(consents)[Purpose]; active {
		return nil
	}
	if err := s.withdraw(ctx, userID, false); err != nil && !errors.Is(err, ErrNotMember) {
		return err
	}
	return nil
}

// SyncConsents withdraws every member whose consent is no longer active
// and returns how many it looked at closely. Members on a suspended account
// keep their membership (Available leaves them out while suspended).
func (s *Service) SyncConsents(ctx context.Context) (int, error) {
	ids, err := s.store.activeIDs(ctx)
	if err != nil {
		return 0, err
	}
	consenting, err := s.consenting(ctx)
	if err != nil {
		return 0, err
	}
	checked := 0
	for _, id := range ids {
		if consenting[id] {
			continue
		}
		checked++
		if err := s.SyncMember(ctx, id); err != nil {
			return checked, err
		}
	}
	return checked, nil
}

// RunConsentSync runs SyncConsents every interval (a minute when zero)
// until ctx ends: the backstop for consents withdrawn outside the network
// page.
func (s *Service) RunConsentSync(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.SyncConsents(ctx); err != nil && ctx.Err() == nil {
			s.Log.Warn("solidarity network: consent sync failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// consenting is the set of volunteers whose network consent is active at
// its current version, on an active account.
func (s *Service) consenting(ctx context.Context) (map[int64]bool, error) {
	return volunteers.Consenting(ctx, s.DB, Purpose)
}

// Available lists the members matching may give people to: opted in (the
// consent active at its current version), trained at the current training
// version, not withdrawn, on an active account. A member without a
// location stands at the centroid of their main district.
func (s *Service) Available(ctx context.Context) ([]solidarity.Member, error) {
	ready, err := s.store.readyMembers(ctx, s.Training.Version)
	if err != nil {
		return nil, err
	}
	consenting, err := s.consenting(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return nil, err
	}
	centroid := map[string][2]float64{}
	for _, d := range ds {
		centroid[d.Code] = [2]float64{d.Lat, d.Lon}
	}
	all, err := memberLists(ctx, s.DB, nil)
	if err != nil {
		return nil, err
	}
	out := make([]solidarity.Member, 0, len(ready))
	for _, m := range ready {
		l := all[m.UserID]
		if !consenting[m.UserID] || len(l.districts) == 0 || len(l.languages) == 0 {
			continue
		}
		sm := solidarity.Member{UserID: m.UserID, Capacity: m.Capacity, Languages: l.languages, Districts: l.districts}
		if m.Lat != nil {
			sm.Lat, sm.Lon = *m.Lat, *m.Lon
		} else if c, ok := centroid[l.districts[0]]; ok {
			sm.Lat, sm.Lon = c[0], c[1]
		} else {
			continue
		}
		out = append(out, sm)
	}
	return out, nil
}

// SubmitQuiz grades an attempt at the training and records it. The page's
// version must be the current one (ErrStale otherwise: the training
// changed while it was open); ErrTampered for answers the page cannot send;
// unanswered questions come back as field errors and record nothing.
func (s *Service) SubmitQuiz(ctx context.Context, userID int64, version int, fields map[string][]string) (Result, []FieldError, error) {
	if version != s.Training.Version {
		return Result{}, nil, ErrStale
	}
	answers, missing, err := s.Training.Read(fields)
	if err != nil {
		return Result{}, nil, err
	}
	if len(missing) > 0 {
		errs := make([]FieldError, len(missing))
		for i, id := range missing {
			errs[i] = FieldError{"q-" + id, "network.error.unanswered"}
		}
		return Result{Answers: answers}, errs, nil
	}
	r := s.Training.Grade(answers)
	err = s.DB.Tx(ctx, func(tx *db.Tx) error { return recordAttempt(ctx, tx, userID, r, db.Now()) })
	return r, nil, err
}

// EraseMember removes what the network holds about an account being
// deleted, inside the deletion's transaction (chain it into volunteers'
// OnDelete: the account row is anonymised, not deleted, so the foreign
// keys do not cascade). An active member's withdrawal is heard by
// OnWithdraw after the commit.
func (s *Service) EraseMember(ctx context.Context, tx *db.Tx, userID int64) error {
	done, err := withdrawMember(ctx, tx, userID, db.Now())
	if err != nil {
		return err
	}
	if done {
		s.afterWithdraw(ctx, tx, userID)
	}
	for _, table := range []string{"solidarity_members", "solidarity_training_attempts"} {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE user_id = ?", userID); err != nil {
			return err
		}
	}
	return nil
}
