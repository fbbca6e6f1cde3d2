// Package committees holds the Climate Plan's monitoring committees: members, meetings, minutes, decisions and their follow-up.
package committees

import (
	"embed"
	"errors"
	"time"
	_ "time/tzdata" // Europe/Paris even without the system's zone database
)

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// Colleges a member sits in, in the order pages group them.
const (
	CollegeVolunteer = "volunteer"
	CollegeResident  = "resident"
	CollegeElected   = "elected"
	CollegeStaff     = "staff"
)

// Colleges in the order pages show them.
var Colleges = []string{CollegeVolunteer, CollegeResident, CollegeElected, CollegeStaff}

// Decision statuses.
const (
	DecisionOpen       = "open"
	DecisionInProgress = "in_progress"
	DecisionDone       = "done"
	DecisionDropped    = "dropped"
)

// DecisionStatuses in the order forms offer them.
var DecisionStatuses = []string{DecisionOpen, DecisionInProgress, DecisionDone, DecisionDropped}

// Errors the service returns for pages to explain.
var (
	ErrNotFound  = errors.New("committees: not found")
	ErrForbidden = errors.New("committees: not allowed")
	ErrConflict  = errors.New("committees: edited by someone else in the meantime")
)

// Committee is one monitoring committee.
type Committee struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	ThemeID     int64 // 0: no theme
	ThemeName   string
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Summary is a committee as the public list shows it.
type Summary struct {
	Committee
	Members       int
	OpenDecisions int        // open or in progress
	NextMeeting   *time.Time // the next meeting's start, if one is scheduled
}

// Member sits on a committee: an account (UserID > 0) or a named person.
type Member struct {
	ID          int64
	CommitteeID int64
	UserID      int64
	Name        string // the named person's, or the account's current name
	College     string
	Role        string
	JoinedOn    string
}

// Meeting is a committee meeting; EventID links its event page (0 when it
// has none, as the demo's).
type Meeting struct {
	ID                 int64
	CommitteeID        int64
	EventID            int64
	Title              string
	StartsAt, EndsAt   time.Time
	Place              string
	Minutes            string // the published text: all the public reads
	Draft              string // staff's working text; "" when never saved
	MinutesPublishedAt *time.Time
	Version            int
}

// Working is the text the staff's minutes form starts from: the draft, or
// the published text when no draft was saved (as the demo's).
func (m Meeting) Working() string {
	if m.Draft != "" {
		return m.Draft
	}
	return m.Minutes
}

// DraftPending reports a saved draft that differs from the published text.
func (m Meeting) DraftPending() bool {
	return m.MinutesPublished() && m.Draft != "" && m.Draft != m.Minutes
}

// MinutesPublished reports whether the minutes are public.
func (m Meeting) MinutesPublished() bool { return m.MinutesPublishedAt != nil }

// Decision is what a committee decided, with its follow-up.
type Decision struct {
	ID               int64
	CommitteeID      int64
	ActionID         int64 // 0: no plan action
	ActionIdentifier string
	ActionTitle      string
	Text             string
	Status           string
	DueOn            string // YYYY-MM-DD or ""
	Version          int
	CreatedAt        time.Time
	FollowUps        []FollowUp
}

// DueDate is a due date's parts, for pages to write it in the reader's
// language ("28 févr. 2027", "28 Feb 2027").
type DueDate struct{ Day, Month, Year int }

// Due is the decision's due date; nil without one.
func (d Decision) Due() *DueDate {
	t, err := time.Parse(time.DateOnly, d.DueOn)
	if err != nil {
		return nil
	}
	return &DueDate{t.Day(), int(t.Month()), t.Year()}
}

// FollowUp is one entry of a decision's follow-up.
type FollowUp struct {
	ID             int64
	DecisionID     int64
	AuthorID       int64
	AuthorName     string
	PreviousStatus string
	Status         string
	Note           string
	CreatedAt      time.Time
}

// StatusChanged reports whether the entry changed the decision's status.
func (f FollowUp) StatusChanged() bool { return f.PreviousStatus != f.Status }

// FieldError is a form field and the catalog key of its error.
type FieldError struct{ Field, Key string }

// Paris is the city's time zone: meeting forms are read in it.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}()

// LocalLayout is the layout of datetime-local fields.
const LocalLayout = "2006-01-02T15:04"
