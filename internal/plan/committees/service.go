package committees

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
)

// People finds accounts for the member form and names them on pages (the
// volunteers' store answers it); accounts gone or suspended are left out.
type People interface {
	AccountByEmail(ctx context.Context, email string) (int64, bool, error)
	Names(ctx context.Context, userIDs []int64) (map[int64]Person, error)
}

// Person is an account's name and who may read it.
type Person struct {
	Name      string
	Community bool // the profile shows the name to signed-in members
}

// Meetings creates a meeting's event in the meeting's transaction: a
// published City event, whose id the committee page links. Its field
// errors use MeetingInput's field names; with errors, nothing is written.
type Meetings interface {
	Schedule(ctx context.Context, tx *db.Tx, a Actor, committee string, in MeetingInput) (eventID int64, errs []FieldError, err error)
}

// Districts lists the city's districts for the meeting form.
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// Deps are what the part needs from the rest of the platform.
type Deps struct {
	DB        *db.DB
	People    People
	Events    Meetings // creates the meetings' events
	Districts Districts
}

// Service is the committees' logic.
type Service struct{ Deps }

// NewService builds the service.
func NewService(deps Deps) *Service { return &Service{Deps: deps} }

// Actor is who asks for something.
type Actor struct {
	UserID int64
	Role   string
}

// record writes the audit entry of a change inside its transaction. Details
// say what changed, never who was added (no personal data).
func record(ctx context.Context, tx *db.Tx, a Actor, committeeID int64, detail string) error {
	return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionPlanCommitteeChanged,
		TargetType: "plan_committee", TargetID: strconv.FormatInt(committeeID, 10), Detail: detail})
}

// staffTx runs fn in a transaction for staff only, once the committee is
// known to exist.
func (s *Service) staffTx(ctx context.Context, a Actor, committeeID int64, fn func(tx *db.Tx) error) error {
	if !isStaff(a) {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := existsTx(ctx, tx, committeeID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// Create stores a new committee.
func (s *Service) Create(ctx context.Context, a Actor, in CommitteeInput) (int64, []FieldError, error) {
	if !isStaff(a) {
		return 0, nil, ErrForbidden
	}
	v, errs := in.validate()
	if len(errs) > 0 {
		return 0, errs, nil
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if errs, err = checkRefs(ctx, tx, v, 0); err != nil || len(errs) > 0 {
			return err
		}
		if id, err = insertCommittee(ctx, tx, v, db.Now()); err != nil {
			return err
		}
		return record(ctx, tx, a, id, "created")
	})
	if isUniqueViolation(err) {
		return 0, slugTaken, nil
	}
	return id, errs, err
}

// Update saves an edit made from in.Version; ErrConflict when someone saved
// in the meantime.
func (s *Service) Update(ctx context.Context, a Actor, id int64, in CommitteeInput) ([]FieldError, error) {
	v, errs := in.validate()
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	if len(errs) > 0 {
		return errs, nil
	}
	err := s.staffTx(ctx, a, id, func(tx *db.Tx) error {
		var err error
		if errs, err = checkRefs(ctx, tx, v, id); err != nil || len(errs) > 0 {
			return err
		}
		ok, err := updateCommittee(ctx, tx, id, v, db.Now())
		if err != nil {
			return err
		}
		if !ok {
			return ErrConflict
		}
		return record(ctx, tx, a, id, "edited")
	})
	if isUniqueViolation(err) {
		return slugTaken, nil
	}
	return errs, err
}

// checkRefs refuses a slug another committee has and an unknown theme.
func checkRefs(ctx context.Context, tx *db.Tx, v validCommittee, self int64) ([]FieldError, error) {
	var errs errorList
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committees WHERE slug = ? AND id <> ?", v.Slug, self).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		errs.add("slug", "plan.committees.error.slug_taken")
	}
	if v.theme > 0 {
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_themes WHERE id = ?", v.theme).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			errs.add("theme", "form.error.choice")
		}
	}
	return errs, nil
}

// AddMember seats an account (found by e-mail) or a named person.
func (s *Service) AddMember(ctx context.Context, a Actor, committeeID int64, in MemberInput) ([]FieldError, error) {
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	in, errs := in.validate()
	if len(errs) > 0 {
		return errs, nil
	}
	var userID int64
	if in.Email != "" {
		id, found, err := s.People.AccountByEmail(ctx, in.Email)
		if err != nil {
			return nil, err
		}
		if !found {
			return []FieldError{{"email", "plan.committees.error.unknown_email"}}, nil
		}
		userID = id
	}
	err := s.staffTx(ctx, a, committeeID, func(tx *db.Tx) error {
		if userID > 0 {
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committee_members WHERE committee_id = ? AND user_id = ?",
				committeeID, userID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				errs = []FieldError{{"email", "plan.committees.error.already_member"}}
				return nil
			}
		}
		if err := insertMember(ctx, tx, committeeID, userID, in, time.Now().In(Paris).Format(time.DateOnly)); err != nil {
			return err
		}
		return record(ctx, tx, a, committeeID, "member added ("+in.College+")")
	})
	if isUniqueViolation(err) { // seated by someone else at the same time
		return []FieldError{{"email", "plan.committees.error.already_member"}}, nil
	}
	return errs, err
}

// isUniqueViolation recognises both engines' duplicate-key errors: the
// indexes settle the races the checks before them cannot.
func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "SQLSTATE 23505"))
}

// slugTaken is the refusal of a slug another committee took meanwhile.
var slugTaken = []FieldError{{"slug", "plan.committees.error.slug_taken"}}

// RemoveMember takes a member off the committee.
func (s *Service) RemoveMember(ctx context.Context, a Actor, committeeID, memberID int64) error {
	return s.staffTx(ctx, a, committeeID, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, "DELETE FROM plan_committee_members WHERE id = ? AND committee_id = ?", memberID, committeeID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		return record(ctx, tx, a, committeeID, "member removed")
	})
}

// ScheduleMeeting creates the meeting and its City event in one
// transaction: there is never an event without its meeting, nor a meeting
// without its event.
func (s *Service) ScheduleMeeting(ctx context.Context, a Actor, committeeID int64, in MeetingInput) (int64, []FieldError, error) {
	if !isStaff(a) {
		return 0, nil, ErrForbidden
	}
	v, errs := in.validate()
	if len(errs) > 0 {
		return 0, errs, nil
	}
	c, err := s.committee(ctx, s.DB, committeeID)
	if err != nil {
		return 0, nil, err
	}
	var id int64
	err = s.staffTx(ctx, a, committeeID, func(tx *db.Tx) error {
		eventID, refused, err := s.Events.Schedule(ctx, tx, a, c.Name, v.MeetingInput)
		if err != nil {
			return err
		}
		if len(refused) > 0 {
			errs = refused
			return errEventRefused // roll back whatever the events side wrote
		}
		if id, err = insertMeeting(ctx, tx, committeeID, eventID, v, db.Now()); err != nil {
			return err
		}
		return record(ctx, tx, a, committeeID, "meeting scheduled")
	})
	if errors.Is(err, errEventRefused) {
		return 0, errs, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return id, nil, nil
}

// errEventRefused ends a meeting's transaction when its event is refused.
var errEventRefused = errors.New("committees: the meeting's event was refused")

// SaveMinutes saves a meeting's minutes as a draft, which only staff read;
// publishing makes the text public (a later draft leaves the published
// text as it is until published in turn). ErrConflict when someone saved
// the minutes since in.Version.
func (s *Service) SaveMinutes(ctx context.Context, a Actor, committeeID, meetingID int64, in MinutesInput) ([]FieldError, error) {
	minutes, publish := clean(in.Text), in.Publish
	var errs errorList
	errs.length("minutes", minutes, 0, 50000)
	if publish && minutes == "" {
		errs.add("minutes", "plan.committees.error.minutes_empty")
	}
	if !isStaff(a) {
		return nil, ErrForbidden
	}
	if len(errs) > 0 {
		return errs, nil
	}
	err := s.staffTx(ctx, a, committeeID, func(tx *db.Tx) error {
		ok, err := updateMinutes(ctx, tx, committeeID, meetingID, minutes, publish, in.Version, db.Now())
		if err != nil {
			return err
		}
		if !ok {
			return meetingMissingOrChanged(ctx, tx, committeeID, meetingID)
		}
		detail := "minutes saved"
		if publish {
			detail = "minutes published"
		}
		return record(ctx, tx, a, committeeID, detail)
	})
	return nil, err
}

// RecordDecision stores a decision, linked to a plan action by its
// identifier when one is given.
func (s *Service) RecordDecision(ctx context.Context, a Actor, committeeID int64, in DecisionInput) (int64, []FieldError, error) {
	if !isStaff(a) {
		return 0, nil, ErrForbidden
	}
	in, errs := in.validate()
	if len(errs) > 0 {
		return 0, errs, nil
	}
	var id int64
	err := s.staffTx(ctx, a, committeeID, func(tx *db.Tx) error {
		var actionID int64
		if in.Action != "" {
			found, err := actionByIdentifier(ctx, tx, in.Action)
			if err != nil {
				return err
			}
			if found == 0 {
				errs = []FieldError{{"action", "plan.committees.error.unknown_action"}}
				return nil
			}
			actionID = found
		}
		var err error
		if id, err = insertDecision(ctx, tx, committeeID, actionID, in, db.Now()); err != nil {
			return err
		}
		return record(ctx, tx, a, committeeID, "decision recorded")
	})
	return id, errs, err
}

// FollowUp adds an entry to a decision's follow-up. Staff may change the
// status; members with an account add notes only. A status comes with the
// version its form was read at: ErrConflict when the decision changed since
// (the form preselects the status it read, so a stale one would revert).
func (s *Service) FollowUp(ctx context.Context, a Actor, committeeID, decisionID int64, in FollowUpInput) ([]FieldError, error) {
	in, errs := in.validate()
	var refused []FieldError
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := existsTx(ctx, tx, committeeID); err != nil {
			return err
		}
		staff, ok, err := mayFollowUp(ctx, tx, a, committeeID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrForbidden
		}
		current, version, err := decisionStatusTx(ctx, tx, committeeID, decisionID)
		if err != nil {
			return err
		}
		sent := in.Status != ""
		if in.Status == "" {
			in.Status = current
		}
		if in.Status != current && !staff {
			return ErrForbidden
		}
		if sent && in.Version != version {
			return ErrConflict
		}
		if len(errs) > 0 {
			refused = errs
			return nil
		}
		if err := insertFollowUp(ctx, tx, decisionID, a.UserID, current, in, db.Now()); err != nil {
			return err
		}
		return record(ctx, tx, a, committeeID, "decision follow-up")
	})
	return refused, err
}
