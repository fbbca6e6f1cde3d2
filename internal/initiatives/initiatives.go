// Package initiatives holds local initiatives: what volunteers and partners
// run near home, their moderation, the people who join and follow them, and
// the synergy between initiatives that could work together.
package initiatives

import (
	"errors"
	"time"

	"climatevolunteers/internal/volunteers"
)

// Status is where an initiative is in its life cycle.
type Status string

// The life cycle: an author writes a draft and submits it; a moderator
// publishes it, sends it back to draft with a message, or rejects it. Its
// organisers pause, resume and archive a published initiative.
const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Published Status = "published"
	Paused    Status = "paused"
	Archived  Status = "archived"
	Rejected  Status = "rejected"
)

// Statuses in the order pages list them.
var Statuses = []Status{Draft, Submitted, Published, Paused, Archived, Rejected}

// Public reports whether the status shows the initiative to everyone
// (unless reports have hidden it).
func (s Status) Public() bool { return s == Published || s == Paused }

// Member roles: owners and organisers run an initiative, participants
// joined it, followers receive its updates.
const (
	RoleOwner       = "owner"
	RoleOrganiser   = "organiser"
	RoleParticipant = "participant"
	RoleFollower    = "follower"
)

// Organises reports whether a member role runs the initiative.
func Organises(role string) bool { return role == RoleOwner || role == RoleOrganiser }

// Themes are the climate themes, shared with volunteers' interests so that
// an initiative's theme matches what people said they care about.
var Themes = volunteers.Themes

// Errors the service returns for the pages to explain.
var (
	ErrNotFound   = errors.New("initiatives: not found")
	ErrConflict   = errors.New("initiatives: edited by someone else in the meantime")
	ErrTransition = errors.New("initiatives: not possible in the current status")
	ErrForbidden  = errors.New("initiatives: not allowed")
)

// Initiative is one local initiative.
type Initiative struct {
	ID           int64
	Title        string
	Summary      string
	Description  string // Markdown, rendered safely
	Theme        string
	DistrictCode string
	Address      string
	Point        *Point // the place, when given
	Geo          Point  // the point used for distances: Point, or the district's centroid
	StartsOn     string // YYYY-MM-DD, or ""
	EndsOn       string
	Ongoing      bool
	Contact      string
	Links        []string
	Image        string // file name under the data dir, or ""
	Partner      string // partner organisation, or ""
	Status       Status
	Hidden       bool // hidden after too many reports, until a moderator decides
	NeedsReview  bool // edited since a moderator last saw it (public ones only)
	Version      int
	Participants int
	Followers    int
	Reports      int
	CreatedBy    int64
	CreatedAt    time.Time
	UpdatedAt    time.Time
	SubmittedAt  *time.Time
	PublishedAt  *time.Time
}

// Visible reports whether everyone may see the initiative.
func (in Initiative) Visible() bool { return in.Status.Public() && !in.Hidden }

// Point is a WGS84 position.
type Point struct{ Lat, Lon float64 }

// FieldError is a form field and the catalog key of its error.
type FieldError struct{ Field, Key string }
