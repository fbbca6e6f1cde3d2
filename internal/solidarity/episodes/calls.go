package episodes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/volunteers"
)

// Calls: a volunteer's people ("my calls") and the outcomes they record.

// Call is one recorded call.
type Call struct {
	ID       int64
	Outcome  string
	CalledAt time.Time
	Mine     bool // made by the viewer
}

// CallCard is an assignment as its volunteer sees it.
type CallCard struct {
	Assignment
	// Card is nil when the registration can no longer be read (withdrawn
	// since the activation).
	Card   *solidarity.Card
	Places []coolplaces.Nearby // nearest open cool places
	Due    bool
}

// PendingCalls counts the people the user should call now in open
// episodes (Assignment.Due). The layout shows it.
func (s *Service) PendingCalls(ctx context.Context, userID int64) (int, error) {
	if userID <= 0 {
		return 0, nil
	}
	var n int
	err := s.DB.QueryRow(ctx, "SELECT COUNT(*)"+assignmentFrom+" WHERE "+callableWhere+
		" AND (a.last_call_at IS NULL OR a.last_outcome = ? OR a.next_due_at <= ?)", userID, OutcomeNotReached, s.now()).Scan(&n)
	return n, err
}

// MyCalls lists the user's people in open episodes, those to call first
// first, with their cards (an audited read) and nearest cool places. A
// user who is no longer an available member of the network gets
// ErrNotMember and nothing: their people are being handed to others.
func (s *Service) MyCalls(ctx context.Context, a Actor) ([]CallCard, error) {
	as, err := collectAssignments(ctx, s.DB, callableWhere+" ORDER BY a.next_due_at, a.id", a.UserID)
	if err != nil || len(as) == 0 {
		return nil, err
	}
	if ok, err := s.isMember(ctx, a.UserID); err != nil || !ok {
		return nil, cmpErr(err, ErrNotMember)
	}
	byEpisode := map[int64][]int64{}
	for _, x := range as {
		byEpisode[x.EpisodeID] = append(byEpisode[x.EpisodeID], x.PersonID)
	}
	cards := map[int64]solidarity.Card{}
	for ep, ids := range byEpisode {
		got, err := s.Registry.Cards(ctx, solidarity.Reader{UserID: a.UserID, Role: a.Role, Purpose: "calls", EpisodeID: ep}, ids)
		if err != nil {
			return nil, err
		}
		for id, c := range got {
			cards[id] = c
		}
	}
	now := s.now()
	out := make([]CallCard, 0, len(as))
	for _, x := range as {
		cc := CallCard{Assignment: x, Due: x.Due(now)}
		if c, ok := cards[x.PersonID]; ok {
			cc.Card = &c
			if cc.Places, err = s.nearestPlaces(ctx, c, x.Hazard, now); err != nil {
				return nil, err
			}
		}
		out = append(out, cc)
	}
	// People to call now first; then by when they are due.
	slices.SortStableFunc(out, func(p, q CallCard) int {
		switch {
		case p.Due && !q.Due:
			return -1
		case q.Due && !p.Due:
			return 1
		}
		return 0
	})
	return out, nil
}

// nearestPlaces are the cool places nearest to the person and open now;
// during a heatwave, heatwave openings count.
func (s *Service) nearestPlaces(ctx context.Context, c solidarity.Card, h alerts.Hazard, now time.Time) ([]coolplaces.Nearby, error) {
	if s.CoolPlaces == nil || (c.Lat == 0 && c.Lon == 0) || !validPoint(c.Lat, c.Lon) {
		return nil, nil
	}
	return s.CoolPlaces.Nearest(ctx, coolplaces.Point{Lat: c.Lat, Lon: c.Lon}, now, h == alerts.Heat, CoolPlacesShown, true)
}

// OpenCall gives the volunteer one of their people with the calls made.
// Anyone else, and the volunteer once the assignment or the episode has
// ended, gets ErrNotFound and an audit entry.
func (s *Service) OpenCall(ctx context.Context, a Actor, id int64) (CallCard, []Call, error) {
	x, err := s.callable(ctx, a, id, false)
	if err != nil {
		return CallCard{}, nil, err
	}
	got, err := s.Registry.Cards(ctx, solidarity.Reader{UserID: a.UserID, Role: a.Role, Purpose: "calls", EpisodeID: x.EpisodeID},
		[]int64{x.PersonID})
	if err != nil {
		return CallCard{}, nil, err
	}
	now := s.now()
	cc := CallCard{Assignment: x, Due: x.Due(now)}
	if c, ok := got[x.PersonID]; ok {
		cc.Card = &c
		if cc.Places, err = s.nearestPlaces(ctx, c, x.Hazard, now); err != nil {
			return CallCard{}, nil, err
		}
	}
	calls, err := s.calls(ctx, s.DB, x.ID, a.UserID)
	return cc, calls, err
}

// callable reads an assignment for its volunteer, or refuses (audited);
// the volunteer must still be an available member of the network. A former
// volunteer submitting a form gets ErrHandedOn instead (not audited).
func (s *Service) callable(ctx context.Context, a Actor, id int64, submitting bool) (Assignment, error) {
	x, err := getAssignment(ctx, s.DB, id, false)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return x, err
	}
	if why := refusal(x, err == nil, a.UserID); why != "" {
		if submitting && handedOn(x, err == nil, a.UserID) {
			return x, ErrHandedOn
		}
		return x, s.deny(ctx, a, id, why)
	}
	ok, err := s.isMember(ctx, a.UserID)
	if err == nil && !ok {
		err = s.deny(ctx, a, id, "no longer an available member")
	}
	return x, err
}

// isMember reports whether the user is an available member of the network.
func (s *Service) isMember(ctx context.Context, userID int64) (bool, error) {
	ms, err := s.Network.Available(ctx)
	return slices.ContainsFunc(ms, func(m solidarity.Member) bool { return m.UserID == userID }), err
}

// calls lists an assignment's calls, latest first.
func (s *Service) calls(ctx context.Context, q querier, assignmentID, viewer int64) ([]Call, error) {
	rows, err := q.Query(ctx, `SELECT id, outcome, called_at, COALESCE(volunteer_id, 0) FROM solidarity_calls
		WHERE assignment_id = ? ORDER BY called_at DESC, id DESC LIMIT 50`, assignmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Call
	for rows.Next() {
		var c Call
		var by int64
		if err := rows.Scan(&c.ID, &c.Outcome, &c.CalledAt, &by); err != nil {
			return nil, err
		}
		c.CalledAt, c.Mine = c.CalledAt.UTC(), by != 0 && by == viewer
		out = append(out, c)
	}
	return out, rows.Err()
}

// CallInput is a submitted outcome. Version is the assignment's version
// the form was read from.
type CallInput struct {
	Outcome string
	Help    string // what help is needed, for OutcomeNeedsHelp
	Version int
}

func (in CallInput) validate() (CallInput, []FieldError) {
	var errs []FieldError
	if !slices.Contains(Outcomes, in.Outcome) {
		errs = append(errs, FieldError{Field: "outcome", Key: "form.error.choice"})
	}
	in.Help = strings.TrimSpace(strings.ToValidUTF8(in.Help, "\uFFFD"))
	if in.Outcome != OutcomeNeedsHelp {
		in.Help = ""
	}
	switch {
	case in.Outcome == OutcomeNeedsHelp && in.Help == "":
		errs = append(errs, FieldError{Field: "help", Key: "episodes.error.help_required"})
	case utf8.RuneCountInString(in.Help) > MaxHelp:
		errs = append(errs, FieldError{Field: "help", Key: "form.error.too_long", Args: []any{MaxHelp}})
	}
	return in, errs
}

// RecordCall records the outcome of a call by the assigned volunteer.
// Reached people are due again after their level's interval; "needs help"
// escalates at once and mails every coordinator; UnreachedAttempts calls
// without answer within UnreachedWindow, none answered in between, escalate
// as 'unreached'; a person reached and fine closes an 'overdue' or
// 'unreached' escalation. The assignment's row is locked and its version
// checked, so two submissions of the same form record one call (the second
// gets ErrConflict); a form sent after the person was handed to another
// volunteer gets ErrHandedOn.
func (s *Service) RecordCall(ctx context.Context, a Actor, id int64, in CallInput) ([]FieldError, error) {
	x, err := s.callable(ctx, a, id, true)
	if err != nil {
		return nil, err
	}
	in, errs := in.validate()
	if len(errs) > 0 {
		return errs, nil
	}
	var staff []volunteers.Contact
	var district string
	if in.Outcome == OutcomeNeedsHelp {
		if staff, err = s.Staff.Coordinators(ctx); err != nil {
			return nil, err
		}
		if district, err = s.districtName(ctx, x.District); err != nil {
			return nil, err
		}
	}
	var denied string
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		x, err := getAssignment(ctx, tx, id, true)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		if denied = refusal(x, err == nil, a.UserID); denied != "" {
			if handedOn(x, err == nil, a.UserID) {
				denied = ""
				return ErrHandedOn
			}
			return ErrNotFound
		}
		if x.Version != in.Version {
			return ErrConflict
		}
		now := s.now()
		callID, err := s.insertCall(ctx, tx, x, a.UserID, in, now)
		if err != nil {
			return err
		}
		if err := s.afterCall(ctx, tx, x, in.Outcome, now); err != nil {
			return err
		}
		if in.Outcome == OutcomeNeedsHelp {
			escID, err := raise(ctx, tx, x, ReasonNeedsHelp, now)
			if err != nil {
				return err
			}
			if err := s.mailStaff(ctx, tx, staff, "escalation_help", fmt.Sprintf("solidarity-help:%d", callID), staffMail{
				District: district, Link: fmt.Sprintf("%s/coordination/solidarity/escalations/%d", s.BaseURL, escID)}); err != nil {
				return err
			}
		}
		s.changed(tx, x.EpisodeID)
		return nil
	})
	if denied != "" {
		return nil, s.deny(ctx, a, id, denied)
	}
	return nil, err
}

// insertCall writes the call; the "what help" text is sealed to its row.
func (s *Service) insertCall(ctx context.Context, tx *db.Tx, x Assignment, volunteer int64, in CallInput, now time.Time) (int64, error) {
	var callID int64
	if err := tx.QueryRow(ctx, `INSERT INTO solidarity_calls (assignment_id, episode_id, volunteer_id, outcome, called_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, x.ID, x.EpisodeID, volunteer, in.Outcome, now).Scan(&callID); err != nil {
		return 0, err
	}
	if in.Help == "" {
		return callID, nil
	}
	help, err := s.Keys.SealString(in.Help, sealed.Place("solidarity_calls", callID, "help"))
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, "UPDATE solidarity_calls SET help_sealed = ? WHERE id = ?", help, callID)
	return callID, err
}

// afterCall updates the assignment after a call and escalates people not
// reached too often.
func (s *Service) afterCall(ctx context.Context, tx *db.Tx, x Assignment, outcome string, now time.Time) error {
	next := x.NextDueAt
	if outcome != OutcomeNotReached {
		iv, err := intervals(ctx, tx)
		if err != nil {
			return err
		}
		next = now.Add(interval(iv, x.Level))
	}
	res, err := tx.Exec(ctx, `UPDATE solidarity_assignments SET calls = calls + 1, last_outcome = ?, last_call_at = ?,
		next_due_at = ?, version = version + 1 WHERE id = ? AND version = ?`, outcome, now, next, x.ID, x.Version)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return cmpErr(err, ErrConflict)
	}
	switch outcome {
	case OutcomeFine:
		return resolveOpen(ctx, tx, []int64{x.ID}, []string{ReasonOverdue, ReasonUnreached}, ResolvedReached, 0, now)
	case OutcomeNotReached:
		n, err := unansweredInARow(ctx, tx, x.ID, now.Add(-UnreachedWindow))
		if err != nil || n < UnreachedAttempts {
			return err
		}
		_, err = raise(ctx, tx, x, ReasonUnreached, now)
		return err
	}
	return nil
}

// unansweredInARow counts the calls without answer since the later of
// since and the last answered call.
func unansweredInARow(ctx context.Context, tx *db.Tx, assignmentID int64, since time.Time) (int, error) {
	rows, err := tx.Query(ctx, `SELECT outcome FROM solidarity_calls WHERE assignment_id = ? AND called_at > ?
		ORDER BY called_at DESC, id DESC`, assignmentID, since)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var outcome string
		if err := rows.Scan(&outcome); err != nil {
			return 0, err
		}
		if outcome != OutcomeNotReached {
			break
		}
		n++
	}
	return n, rows.Err()
}
