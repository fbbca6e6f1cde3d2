// Package actions holds the Climate Plan's themes and actions: their pages, staff editing, milestones, tasks, links, the CSV import and the exports.
package actions

import (
	"embed"
	"errors"
	"time"
)

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// Statuses of an action, as stored (the codes of the history vocabulary).
const (
	StatusNotStarted = "not_started"
	StatusOnTrack    = "on_track"
	StatusLate       = "late"
	StatusDone       = "done"
	StatusCancelled  = "cancelled"
	StatusMerged     = "merged"
)

// Statuses in the order pages list them.
var Statuses = []string{StatusNotStarted, StatusOnTrack, StatusLate, StatusDone, StatusCancelled, StatusMerged}

// Phases of implementation, in order; "" is "not said".
var Phases = []string{"planning", "implementation", "evaluation", "completed"}

// Progress modes: typed by staff, or rolled up from sub-actions.
const (
	ModeManual = "manual"
	ModeRollup = "rollup"
)

// StaleAfter is how long without an update flags an action on public pages.
const StaleAfter = 90 * 24 * time.Hour

const dateLayout = "2006-01-02"

var (
	ErrNotFound = errors.New("actions: not found")
	ErrConflict = errors.New("actions: edited by someone else in the meantime")
	ErrInvalid  = errors.New("actions: invalid input")
)

// Theme is a node of the plan's tree of themes.
type Theme struct {
	ID          int64
	ParentID    int64 // 0 for a top-level theme
	Slug        string
	Name        string
	Description string
	Position    int
	Version     int // raised by every rename or move to another parent
	Depth       int // 0 for a top-level theme, set by the tree readers
}

// Action is one commitment of the plan.
type Action struct {
	ID             int64
	Identifier     string
	Title          string
	Description    string
	ThemeID        int64
	ThemeName      string
	ThemeSlug      string
	ParentID       int64
	ParentLabel    string // "identifier title" of the parent
	Weight         float64
	Status         string
	MergedIntoID   int64
	MergedLabel    string
	Phase          string
	StartsOn       string // YYYY-MM-DD or ""
	EndsOn         string
	ProgressMode   string
	ProgressManual *int
	Progress       float64 // the effective figure pages show
	Departments    []string
	Partners       []string
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Label is how history and lists name an action: "MOB-03 Pistes cyclables".
func (a Action) Label() string { return a.Identifier + " " + a.Title }

// Late reports whether the dashboard counts the action as late: said so, or
// past its end date while still open.
func (a Action) Late(today string) bool {
	if a.Status == StatusLate {
		return true
	}
	open := a.Status != StatusDone && a.Status != StatusCancelled && a.Status != StatusMerged
	return open && a.EndsOn != "" && a.EndsOn < today
}

// Stale reports whether nobody updated the action for StaleAfter.
func (a Action) Stale(now time.Time) bool {
	open := a.Status != StatusDone && a.Status != StatusCancelled && a.Status != StatusMerged
	return open && now.Sub(a.UpdatedAt) > StaleAfter
}

// Milestone is a dated step of an action.
type Milestone struct {
	ID      int64
	OnDate  string
	Title   string
	Reached bool
}

// Task is a piece of work with an optional due date.
type Task struct {
	ID     int64
	Title  string
	DueOn  string
	Done   bool
	DoneAt *time.Time
}

// Link points from an action to an indicator, an initiative or an event.
type Link struct {
	Kind  string // "indicator", "initiative", "event"
	ID    int64
	Title string
	Href  string
}

// LinkKinds are the kinds of things an action may link to.
var LinkKinds = []string{"indicator", "initiative", "event"}

// Detail is an action with everything attached to it.
type Detail struct {
	Action
	Children   []Action
	Milestones []Milestone
	Tasks      []Task
	Links      []Link
}

// Actor is the staff member making a change, as history records them.
type Actor struct {
	UserID int64
	Name   string
}

// FieldError is one refused field: the form field and a catalog key.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// InvalidError carries the field errors of a refused input.
type InvalidError struct{ Fields []FieldError }

func (e *InvalidError) Error() string { return "actions: invalid input" }
func (e *InvalidError) Unwrap() error { return ErrInvalid }
