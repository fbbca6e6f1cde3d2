// Package events holds events and workshops: what initiatives, partners and
// the City organise, registration with capacity and waitlists, reminders,
// tickets and check-in, and calendars.
package events

import (
	"errors"
	"time"
	_ "time/tzdata" // Europe/Paris even without the system's zone database

	"climatevolunteers/internal/volunteers"
)

// Status is where an event stands.
type Status string

// Organisers prepare a draft and publish it; a published event may be
// cancelled (registrants are told).
const (
	Draft     Status = "draft"
	Published Status = "published"
	Cancelled Status = "cancelled"
)

// Owner kinds: who an event belongs to.
const (
	OwnerInitiative = "initiative"
	OwnerPartner    = "partner"
	OwnerCity       = "city"
)

// OwnerKinds in the order forms offer them.
var OwnerKinds = []string{OwnerInitiative, OwnerPartner, OwnerCity}

// Registration statuses (and those of workshop choices, without cancelled).
const (
	RegConfirmed  = "confirmed"
	RegWaitlisted = "waitlisted"
	RegCancelled  = "cancelled" // withdrawn by its person or an organiser
)

// Themes are the climate themes shared with initiatives and volunteers.
var Themes = volunteers.Themes

// Errors the service returns for pages to explain.
var (
	ErrNotFound  = errors.New("events: not found")
	ErrForbidden = errors.New("events: not allowed")
	ErrConflict  = errors.New("events: edited by someone else in the meantime")
)

// Event is one event, or a day made of workshops (Sessions).
type Event struct {
	ID                   int64
	Title                string
	Summary              string
	Description          string // Markdown
	Theme                string
	OwnerKind            string
	InitiativeID         int64 // 0 unless OwnerKind is initiative
	Partner              string
	DistrictCode         string
	Address              string
	OnlineURL            string
	Point                *Point
	Geo                  Point // Point, or the district's centroid
	StartsAt, EndsAt     time.Time
	Capacity             int // 0: no limit
	RegistrationOpensAt  *time.Time
	RegistrationClosesAt *time.Time
	Accessibility        string
	Status               Status
	Version              int
	Confirmed            int
	Waitlisted           int
	CheckedIn            int
	CreatedBy            int64
	CreatedAt, UpdatedAt time.Time
	PublishedAt          *time.Time
}

// Point is a WGS84 position.
type Point struct{ Lat, Lon float64 }

// Online reports whether the event happens online only.
func (e Event) Online() bool { return e.OnlineURL != "" && e.DistrictCode == "" }

// Full reports whether every place is taken.
func (e Event) Full() bool { return e.Capacity > 0 && e.Confirmed >= e.Capacity }

// RegistrationOpen reports whether people may register at now.
func (e Event) RegistrationOpen(now time.Time) bool {
	if e.Status != Published || !now.Before(e.EndsAt) {
		return false
	}
	if e.RegistrationOpensAt != nil && now.Before(*e.RegistrationOpensAt) {
		return false
	}
	if e.RegistrationClosesAt != nil && !now.Before(*e.RegistrationClosesAt) {
		return false
	}
	return true
}

// Session is one workshop of an event.
type Session struct {
	ID               int64
	EventID          int64
	Title            string
	Description      string
	StartsAt, EndsAt time.Time
	Capacity         int
	Confirmed        int
	Waitlisted       int
	Position         int
}

// Full reports whether every place of the workshop is taken.
func (s Session) Full() bool { return s.Capacity > 0 && s.Confirmed >= s.Capacity }

// Overlaps reports whether two workshops' times clash.
func (s Session) Overlaps(o Session) bool {
	return s.StartsAt.Before(o.EndsAt) && o.StartsAt.Before(s.EndsAt)
}

// FieldError is a form field and the catalog key of its error.
type FieldError struct{ Field, Key string }

// Paris is the city's time zone: forms are read and pages written in it.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded

	}
	return loc
}()
