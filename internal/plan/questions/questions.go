// Package questions holds public questions on the Climate Plan's actions,
// the official answers of the City's departments, and the followers who are
// told when an answer is posted.
//
// Editing an official answer writes a new answer row that supersedes the
// previous one (supersedes_id, and superseded_at on the old row), so every
// version stays on the question's page.
package questions

import (
	"embed"
	"errors"
	"time"

	"climatevolunteers/internal/auth"
)

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// Bounds of what people type, in characters.
const (
	MaxTitle  = 150
	MaxBody   = 4000
	MaxAnswer = 8000
	MaxReason = 500
)

// CityDepartment signs the answers on actions without a responsible department.
const CityDepartment = "Ville de Paris"

// PageSize is the number of questions a list shows at a time.
const PageSize = 20

// Errors.
var (
	ErrNotFound  = errors.New("questions: not found")
	ErrForbidden = errors.New("questions: not allowed")
	// ErrConflict: the official answer being edited was edited by someone else since.
	ErrConflict = errors.New("questions: the answer was edited since")
	ErrInvalid  = errors.New("questions: invalid input")
)

// RateLimitError refuses a question asked too soon after the account's last ones.
type RateLimitError struct{ Retry time.Duration }

func (e *RateLimitError) Error() string {
	return "questions: too many questions, retry in " + e.Retry.String()
}

// FieldError says which input is wrong, with a catalog key. It matches
// ErrInvalid under errors.Is.
type FieldError struct{ Field, Key string }

func (e *FieldError) Error() string        { return "questions: invalid " + e.Field + " (" + e.Key + ")" }
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Actor is who asks for something; UserID 0 is a visitor.
type Actor struct {
	UserID int64
	Role   auth.Role
}

// ActionRef names the action a question is about.
type ActionRef struct {
	ID         int64
	Identifier string
	Title      string
}

// Question is a question as pages show it.
type Question struct {
	ID           int64
	Action       ActionRef
	AuthorID     int64 // 0 once the account is deleted: a former member
	Title        string
	Body         string
	AnsweredAt   *time.Time
	HiddenAt     *time.Time
	HiddenReason string
	CreatedAt    time.Time
	Followers    int
}

// Answered reports whether the question has an official answer.
func (q Question) Answered() bool { return q.AnsweredAt != nil }

// Hidden reports whether a moderator hid the question.
func (q Question) Hidden() bool { return q.HiddenAt != nil }

// Answer is one version of an answer.
type Answer struct {
	ID           int64
	QuestionID   int64
	Department   string
	Official     bool
	Body         string
	SupersedesID int64
	SupersededAt *time.Time
	CreatedAt    time.Time
}

// Current reports whether this version is the answer's latest.
func (a Answer) Current() bool { return a.SupersededAt == nil }

// AskInput is a question as typed.
type AskInput struct{ Title, Body string }

// AnswerInput is an official answer as typed; Replaces is the id of the
// answer version being edited, 0 for a new answer.
type AnswerInput struct {
	Body       string
	Department string
	Replaces   int64
}

// Filter selects questions in lists.
type Filter string

const (
	FilterAll        Filter = ""
	FilterAnswered   Filter = "answered"
	FilterUnanswered Filter = "unanswered"
	FilterHidden     Filter = "hidden" // staff and moderators only
)

// ParseFilter reads a filter from a query; unknown values mean all.
func ParseFilter(s string, withHidden bool) Filter {
	switch f := Filter(s); f {
	case FilterAnswered, FilterUnanswered:
		return f
	case FilterHidden:
		if withHidden {
			return f
		}
	}
	return FilterAll
}
