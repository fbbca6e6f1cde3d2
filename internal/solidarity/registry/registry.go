// Package registry keeps the registry of vulnerable people: registered by
// themselves, a relative or a social worker (or by a coordinator on the
// phone) with recorded consent, their personal fields sealed in the
// database, every read audited, and entries expiring at the end of the
// season unless renewed.
//
// What stays in clear is what matching and the season need: the district,
// the languages, who registered and how, the consent's version and time, the
// season's end. Name, phone, address, needs, call times and the emergency
// contact are one sealed "card"; the point used for matching is sealed
// apart, so that matching can read it without opening anyone's card.
package registry

import (
	"embed"
	"errors"
	"time"
)

//go:embed templates
var templates embed.FS

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

// ConsentVersion is the version of the consent text shown with the
// registration form ("registry.consent.text"). Raise it when the wording
// changes: entries keep the version their registrant agreed to, and a
// renewal records the current one.
const ConsentVersion = 1

// How an entry was registered (registry_people.registered_as).
const (
	RelationSelf         = "self"
	RelationRelative     = "relative"
	RelationSocialWorker = "social_worker"
	RelationStaff        = "staff" // a coordinator took it on the phone
)

// Relations are those a registrant chooses on the public form.
var Relations = []string{RelationSelf, RelationRelative, RelationSocialWorker}

// Status is where an entry stands in its season.
type Status string

const (
	Active   Status = "active"   // more than RenewalWindow before its end
	Expiring Status = "expiring" // within RenewalWindow of its end: renewal is open
	Expired  Status = "expired"  // past its end: never given to matching
)

// Statuses lists the statuses in the order filters offer them.
var Statuses = []Status{Active, Expiring, Expired}

// Errors of the service.
var (
	ErrNotFound  = errors.New("registry: no such entry") // unknown, or not the viewer's
	ErrForbidden = errors.New("registry: not allowed")
	ErrConflict  = errors.New("registry: changed since it was read")
	ErrNotDue    = errors.New("registry: renewal is not open yet")
)

// FieldError is a refused field and its catalog key (with arguments).
type FieldError struct {
	Field string
	Key   string
	Args  []any
}

// Entry is a registry entry. Card is filled only by reads that open it, and
// those are audited.
type Entry struct {
	ID             int64
	District       string
	Languages      []string
	RegisteredAs   string
	RegisteredBy   int64 // 0 when the account is gone (or for demo entries)
	ConsentVersion int
	ConsentAt      time.Time
	SeasonEndsAt   time.Time
	RemindedAt     *time.Time
	Version        int
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Card           *Card
}

// StatusAt is the entry's status at now.
func (e Entry) StatusAt(now time.Time) Status { return StatusOf(e.SeasonEndsAt, now) }

// Card is an entry's personal fields, sealed in the database.
type Card struct {
	Name           string  `json:"n"`
	Phone          string  `json:"p"` // normalised, +33…
	Address        string  `json:"a"`
	LivesAlone     bool    `json:"alone"`
	Mobility       string  `json:"mob,omitempty"`
	CareNeeds      string  `json:"care,omitempty"`
	CallTimes      string  `json:"times,omitempty"`
	EmergencyName  string  `json:"en,omitempty"`
	EmergencyPhone string  `json:"ep,omitempty"`
	Lat            float64 `json:"-"` // from the sealed point
	Lon            float64 `json:"-"`
	ExactPoint     bool    `json:"-"` // given by the registrant, not the district's centroid
}

// point is the sealed point column.
type point struct {
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Exact bool    `json:"exact,omitempty"`
}

// Actor is who asks: the signed-in person and their platform role.
type Actor struct {
	UserID int64
	Role   string
}
