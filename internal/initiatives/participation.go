package initiatives

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/db"
)

// Taking part: people join an initiative (participants, who also receive
// its news) or follow it (news only). Organisers post updates; the digest
// (digest.go) mails them. Anyone signed in may report an initiative; at
// ReportThreshold open reports it is hidden until a moderator decides
// (moderation.go).

// Refusals the pages explain (see participation_http.go).
var (
	// ErrNotOpen: only visible initiatives (published or paused, not hidden
	// by reports) can be joined, followed, reported or given updates.
	ErrNotOpen = errors.New("initiatives: not open to taking part")
	// ErrPaused: a paused initiative may be followed, not joined.
	ErrPaused = errors.New("initiatives: paused")
	// ErrOrganiser: organisers run the initiative; they neither join,
	// follow nor report it.
	ErrOrganiser = errors.New("initiatives: organisers run it already")
	// ErrParticipant: participants receive the news as long as they take
	// part; to stop them, they leave.
	ErrParticipant = errors.New("initiatives: participants receive the news")
	// ErrAlreadyReported: one report per person and initiative, ever: once
	// a moderator decided, the same people cannot hide it again.
	ErrAlreadyReported = errors.New("initiatives: already reported")
)

// Limits on what people write, in characters.
const (
	maxUpdateBody   = 5000
	maxReportReason = 500
)

// Join makes the actor a participant. A follower becomes a participant;
// joining twice changes nothing.
func (s *Service) Join(ctx context.Context, a Actor, id int64) error {
	if a.UserID <= 0 {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		in, role, err := s.openFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if in.Status == Paused {
			return ErrPaused
		}
		switch role {
		case RoleParticipant:
			return nil
		case RoleFollower:
			if ok, err := changeMemberRole(ctx, tx, id, a.UserID, RoleFollower, RoleParticipant); err != nil || !ok {
				return err
			}
			return addCounts(ctx, tx, id, 1, -1)
		}
		if ok, err := insertMember(ctx, tx, id, a.UserID, RoleParticipant, db.Now()); err != nil || !ok {
			return err
		}
		return addCounts(ctx, tx, id, 1, 0)
	})
}

// Follow subscribes the actor to an initiative's news. Participants receive
// them already: for them it changes nothing.
func (s *Service) Follow(ctx context.Context, a Actor, id int64) error {
	if a.UserID <= 0 {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, role, err := s.openFor(ctx, tx, a, id)
		if err != nil || role != "" {
			return err
		}
		if ok, err := insertMember(ctx, tx, id, a.UserID, RoleFollower, db.Now()); err != nil || !ok {
			return err
		}
		return addCounts(ctx, tx, id, 0, 1)
	})
}

// Leave ends the actor's participation; they no longer receive the news.
// Whatever the initiative's status: stopping is always possible.
func (s *Service) Leave(ctx context.Context, a Actor, id int64) error {
	return s.drop(ctx, a, id, RoleParticipant, 1, 0)
}

// Unfollow stops a follower's news.
func (s *Service) Unfollow(ctx context.Context, a Actor, id int64) error {
	return s.drop(ctx, a, id, RoleFollower, 0, 1)
}

func (s *Service) drop(ctx context.Context, a Actor, id int64, role string, participants, followers int) error {
	if a.UserID <= 0 {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, err := lockInitiative(ctx, tx, id); err != nil {
			return err
		}
		cur, err := memberRoleTx(ctx, tx, id, a.UserID)
		switch {
		case err != nil:
			return err
		case Organises(cur):
			return ErrOrganiser
		case role == RoleFollower && cur == RoleParticipant:
			return ErrParticipant
		}
		if ok, err := deleteMember(ctx, tx, id, a.UserID, role); err != nil || !ok {
			return err
		}
		return addCounts(ctx, tx, id, -participants, -followers)
	})
}

// openFor locks a visible initiative for a change by a non-organiser and
// returns the actor's role in it.
func (s *Service) openFor(ctx context.Context, tx *db.Tx, a Actor, id int64) (Initiative, string, error) {
	in, err := lockInitiative(ctx, tx, id)
	if err != nil {
		return in, "", err
	}
	if !in.Visible() {
		return in, "", ErrNotOpen
	}
	role, err := memberRoleTx(ctx, tx, id, a.UserID)
	if err != nil {
		return in, "", err
	}
	if Organises(role) {
		return in, role, ErrOrganiser
	}
	return in, role, nil
}

// cleanText trims a submitted text and unifies its line ends.
func cleanText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// PostUpdate publishes an organiser's news (Markdown). Participants and
// followers see it on their news page at once and in their next digest.
func (s *Service) PostUpdate(ctx context.Context, a Actor, id int64, body string) (int64, []FieldError, error) {
	if a.UserID <= 0 {
		return 0, nil, ErrForbidden
	}
	body = cleanText(body)
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		return 0, []FieldError{{"body", "form.error.required"}}, nil
	case n > maxUpdateBody:
		return 0, []FieldError{{"body", "initiatives.participation.error.body_too_long"}}, nil
	}
	var uid int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		in, err := getTx(ctx, tx, id)
		if err != nil {
			return err
		}
		role, err := memberRoleTx(ctx, tx, id, a.UserID)
		if err != nil {
			return err
		}
		if !Organises(role) {
			return ErrForbidden
		}
		if !in.Visible() {
			return ErrNotOpen
		}
		uid, err = insertUpdate(ctx, tx, id, a.UserID, body, db.Now())
		return err
	})
	return uid, nil, err
}

// Report records a signed-in person's report with its reason. At
// ReportThreshold open reports the initiative is hidden, in the same
// transaction, until a moderator restores or removes it; hidden says
// whether this report hid it.
func (s *Service) Report(ctx context.Context, a Actor, id int64, reason string) (errs []FieldError, hidden bool, err error) {
	if a.UserID <= 0 {
		return nil, false, ErrForbidden
	}
	reason = cleanText(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return []FieldError{{"reason", "form.error.required"}}, false, nil
	case n > maxReportReason:
		return []FieldError{{"reason", "initiatives.participation.error.reason_too_long"}}, false, nil
	}
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		if _, _, err := s.openFor(ctx, tx, a, id); err != nil {
			return err
		}
		now := db.Now()
		ok, err := insertReport(ctx, tx, id, a.UserID, reason, now)
		if err != nil {
			return err
		}
		if !ok {
			return ErrAlreadyReported
		}
		n, err := countReport(ctx, tx, id)
		if err != nil {
			return err
		}
		if n >= s.ReportThreshold {
			hidden = true
			return setHidden(ctx, tx, id, true, now)
		}
		return nil
	})
	return nil, hidden, err
}
