package questions

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// People gives names, addresses and languages of active accounts (the
// volunteers' store answers it): authors' names on pages, followers' mails.
type People interface {
	Contacts(ctx context.Context, userIDs []int64) ([]volunteers.Contact, error)
}

// Limiter bounds how often one account asks (internal/ratelimit).
type Limiter interface {
	Allow(key string) (bool, time.Duration)
}

// Deps are what the part needs from the rest of the platform.
type Deps struct {
	DB      *db.DB
	People  People
	Limiter Limiter // nil: no limit
	BaseURL string
	Notify  func() // wakes the outbox worker after a commit; may be nil
	Log     *slog.Logger
}

// Service is the part's logic.
type Service struct {
	Deps
	mails *outbox.MailTemplates
}

// NewService checks the mail templates and builds the service.
func NewService(deps Deps) (*Service, error) {
	m, err := outbox.NewMailTemplates(templates, "templates/mail")
	if err != nil {
		return nil, err
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	return &Service{Deps: deps, mails: m}, nil
}

// text checks a required text of at most max characters.
func text(field, v string, max int) []FieldError {
	switch {
	case v == "":
		return []FieldError{{field, "plan.questions.error." + field + "_required"}}
	case utf8.RuneCountInString(v) > max:
		return []FieldError{{field, "plan.questions.error." + field + "_too_long"}}
	case !utf8.ValidString(v):
		return []FieldError{{field, "plan.questions.error.invalid_text"}}
	}
	return nil
}

func (in *AskInput) validate() []FieldError {
	in.Title, in.Body = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	return append(text("title", in.Title, MaxTitle), text("body", in.Body, MaxBody)...)
}

// Ask stores a signed-in person's question on an action; the asker follows
// it. Only valid questions count against the account's rate limit.
func (s *Service) Ask(ctx context.Context, a Actor, actionID int64, in AskInput) (int64, []FieldError, error) {
	if !canAsk(a) {
		return 0, nil, ErrForbidden
	}
	if _, err := getAction(ctx, s.DB, actionID); err != nil {
		return 0, nil, err
	}
	if errs := in.validate(); len(errs) > 0 {
		return 0, errs, nil
	}
	if s.Limiter != nil {
		if ok, retry := s.Limiter.Allow("plan-question:" + strconv.FormatInt(a.UserID, 10)); !ok {
			return 0, nil, &RateLimitError{Retry: retry}
		}
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		var err error
		if id, err = insertQuestion(ctx, tx, actionID, a.UserID, in, now); err != nil {
			return err
		}
		return follow(ctx, tx, id, a.UserID, now)
	})
	return id, nil, err
}

// Question is one question as a viewer may see it: a hidden one is
// ErrNotFound but to staff and moderators.
func (s *Service) Question(ctx context.Context, a Actor, id int64) (Question, []Answer, error) {
	q, err := getQuestion(ctx, s.DB, id)
	if err != nil {
		return Question{}, nil, err
	}
	if q.Hidden() && !seesHidden(a) {
		return Question{}, nil, ErrNotFound
	}
	answers, err := answersOf(ctx, s.DB, []int64{id})
	return q, answers[id], err
}

// Following reports whether the account follows the question.
func (s *Service) Following(ctx context.Context, questionID, userID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	return following(ctx, s.DB, questionID, userID)
}

// Follow and Unfollow are idempotent: doing it twice is doing it once.
func (s *Service) Follow(ctx context.Context, a Actor, questionID int64) error {
	return s.setFollow(ctx, a, questionID, true)
}

func (s *Service) Unfollow(ctx context.Context, a Actor, questionID int64) error {
	return s.setFollow(ctx, a, questionID, false)
}

func (s *Service) setFollow(ctx context.Context, a Actor, questionID int64, on bool) error {
	if !canAsk(a) {
		return ErrForbidden
	}
	if _, _, err := s.Question(ctx, a, questionID); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		if on {
			return follow(ctx, tx, questionID, a.UserID, db.Now())
		}
		return unfollow(ctx, tx, questionID, a.UserID)
	})
}

// Departments are those who may sign an answer on the action: its
// responsible City departments, or the City itself when it has none.
func (s *Service) Departments(ctx context.Context, actionID int64) ([]string, error) {
	ds, err := departments(ctx, s.DB, actionID)
	if err != nil || len(ds) > 0 {
		return ds, err
	}
	return []string{CityDepartment}, nil
}

// Answer posts staff's official answer, or a new version of one (in.Replaces).
// The question is answered from its first official answer; every follower
// but the one who answers is mailed in the same transaction (not for an
// edit, nor while the question is hidden).
func (s *Service) Answer(ctx context.Context, a Actor, questionID int64, in AnswerInput) (int64, []FieldError, error) {
	if !isStaff(a) {
		return 0, nil, ErrForbidden
	}
	q, _, err := s.Question(ctx, a, questionID)
	if err != nil {
		return 0, nil, err
	}
	deps, err := s.Departments(ctx, q.Action.ID)
	if err != nil {
		return 0, nil, err
	}
	in.Body, in.Department = strings.TrimSpace(in.Body), strings.TrimSpace(in.Department)
	errs := text("answer", in.Body, MaxAnswer)
	if !slices.Contains(deps, in.Department) {
		errs = append(errs, FieldError{"department", "plan.questions.error.department"})
	}
	if len(errs) > 0 {
		return 0, errs, nil
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		// Hidden or not is read again here, holding the question's row: a
		// restore committed since the read above must not leave this answer
		// public but untold (Restore mails only the answers it can see).
		hidden, err := hiddenLocked(ctx, tx, questionID)
		if err != nil {
			return err
		}
		now := db.Now()
		if in.Replaces != 0 {
			// An edit stays with its department: choosing another one
			// would silently end that department's answer.
			dep, err := answerDepartment(ctx, tx, questionID, in.Replaces)
			if err != nil {
				return err
			}
			if dep != in.Department {
				return errOtherDepartment
			}
			ok, err := supersede(ctx, tx, questionID, in.Replaces, now)
			if err != nil {
				return err
			}
			if !ok {
				return ErrConflict
			}
		}
		// One current answer per department: a second one (a double
		// click, two agents at once) is refused; the unique index settles
		// the race the count cannot.
		n, err := currentAnswers(ctx, tx, questionID, in.Department)
		if err != nil {
			return err
		}
		if n > 0 {
			return errAnswered
		}
		if id, err = insertAnswer(ctx, tx, questionID, a.UserID, in, now); err != nil {
			if isUniqueViolation(err) {
				return errAnswered
			}
			return err
		}
		detail := "question " + strconv.FormatInt(questionID, 10) + ", " + in.Department
		if in.Replaces != 0 {
			detail += ", edits answer " + strconv.FormatInt(in.Replaces, 10)
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionPlanAnswerPosted,
			TargetType: "plan_answer", TargetID: strconv.FormatInt(id, 10), Detail: detail}); err != nil {
			return err
		}
		// Followers hear of an answer once, and only of one they can read:
		// not of an edit, nor of an answer on a hidden question.
		if in.Replaces != 0 || hidden {
			return nil
		}
		return s.mailFollowers(ctx, tx, q, id, in.Department, a.UserID)
	})
	if errors.Is(err, errAnswered) {
		return 0, []FieldError{{"department", "plan.questions.error.already_answered"}}, nil
	}
	if errors.Is(err, errOtherDepartment) {
		return 0, []FieldError{{"department", "plan.questions.error.department_fixed"}}, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return id, nil, nil
}

// errOtherDepartment: an edit names another department than its answer's.
var errOtherDepartment = errors.New("questions: an answer is edited by its own department")

// errAnswered: the department has a current answer to the question.
var errAnswered = errors.New("questions: the department has answered")

// isUniqueViolation recognises both engines' duplicate-key errors.
func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "SQLSTATE 23505"))
}

// Hide takes a question out of public view, with the moderator's reason.
// Hiding a hidden question changes nothing.
func (s *Service) Hide(ctx context.Context, a Actor, questionID int64, reason string) ([]FieldError, error) {
	if !canModerate(a) {
		return nil, ErrForbidden
	}
	if _, err := getQuestion(ctx, s.DB, questionID); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if errs := text("reason", reason, MaxReason); len(errs) > 0 {
		return errs, nil
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		changed, err := hide(ctx, tx, questionID, a.UserID, reason, db.Now())
		if err != nil || !changed {
			return err
		}
		// The reason stays in the question's row, out of the audit log:
		// it may quote the question.
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionPlanQuestionHidden,
			TargetType: "plan_question", TargetID: strconv.FormatInt(questionID, 10)})
	})
}

// Restore makes a hidden question public again. Its followers then hear
// of the answers first given while it was hidden, as they would have on
// the day; not of those they were told of before, edited since or not.
// Restoring a public question changes nothing.
func (s *Service) Restore(ctx context.Context, a Actor, questionID int64) error {
	if !canModerate(a) {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		q, err := getQuestion(ctx, tx, questionID)
		if err != nil || !q.Hidden() {
			return err
		}
		if changed, err := unhide(ctx, tx, questionID); err != nil || !changed {
			return err // !changed: restored by someone else meanwhile
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionPlanQuestionRestored,
			TargetType: "plan_question", TargetID: strconv.FormatInt(questionID, 10)}); err != nil {
			return err
		}
		answers, err := answersFirstGivenSince(ctx, tx, questionID, *q.HiddenAt)
		if err != nil {
			return err
		}
		for _, ans := range answers {
			if err := s.mailFollowers(ctx, tx, q, ans.ID, ans.Department, ans.Author); err != nil {
				return err
			}
		}
		return nil
	})
}

// CountByAction is the number of visible questions on an action, for the
// action's page.
func (s *Service) CountByAction(ctx context.Context, actionID int64) (int, error) {
	return countVisible(ctx, s.DB, actionID)
}

// ForAction is an action and its questions as the viewer may see them,
// newest first, with their answers.
func (s *Service) ForAction(ctx context.Context, a Actor, actionID int64) (ActionRef, []Question, map[int64][]Answer, error) {
	ref, err := getAction(ctx, s.DB, actionID)
	if err != nil {
		return ActionRef{}, nil, nil, err
	}
	list, err := actionQuestions(ctx, s.DB, actionID, seesHidden(a))
	if err != nil {
		return ref, nil, nil, err
	}
	ids := make([]int64, len(list))
	for i, q := range list {
		ids[i] = q.ID
	}
	answers, err := answersOf(ctx, s.DB, ids)
	return ref, list, answers, err
}

// Recent is a page (from 1) of the public list, newest first.
func (s *Service) Recent(ctx context.Context, f Filter, page int) ([]Question, int, error) {
	if f == FilterHidden {
		f = FilterAll
	}
	return listQuestions(ctx, s.DB, f, false, (max(page, 1)-1)*PageSize)
}

// Manage is a page of staff's list: unanswered first, hidden ones on demand.
func (s *Service) Manage(ctx context.Context, a Actor, f Filter, page int) ([]Question, int, error) {
	if !seesHidden(a) {
		return nil, 0, ErrForbidden
	}
	return listQuestions(ctx, s.DB, f, true, (max(page, 1)-1)*PageSize)
}

// AuthorNames names the authors of the questions with active accounts; the
// others are former members.
func (s *Service) AuthorNames(ctx context.Context, list []Question) (map[int64]string, error) {
	var ids []int64
	for _, q := range list {
		if q.AuthorID != 0 && !slices.Contains(ids, q.AuthorID) {
			ids = append(ids, q.AuthorID)
		}
	}
	names := map[int64]string{}
	if len(ids) == 0 || s.People == nil {
		return names, nil
	}
	cs, err := s.People.Contacts(ctx, ids)
	for _, c := range cs {
		names[c.UserID] = c.Name
	}
	return names, err
}
