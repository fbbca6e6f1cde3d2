// Package episodes runs a solidarity episode: when coordinators raise an
// alert to level 3 or more for some districts, registered people there are
// assigned to trained volunteers, who are told and record their calls;
// people in trouble or not reached are escalated to coordinators.
//
// An episode of a hazard lasts while some districts are at level 3 or more
// (Sync keeps it in step with the alert levels). Each registered person of
// a covered district has one assignment row: a volunteer, or none (City
// staff call them). Volunteers see only their own people, and only while
// the episode and the assignment are active and they are available members
// of the network; any other attempt is a 404 and an audit entry.
package episodes

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/i18n"
)

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// Registry is what the episodes need of the registry of vulnerable people
// (the registry part's service answers it).
type Registry interface {
	// Active lists the people registered in these districts whose entry
	// is valid at at: what matching needs, never written in clear.
	Active(ctx context.Context, districts []string, at time.Time) ([]solidarity.Person, error)
	// Cards opens the cards of ids for reader; every read is audited.
	Cards(ctx context.Context, reader solidarity.Reader, ids []int64) (map[int64]solidarity.Card, error)
}

// Network gives the trained members of the solidarity network who may be
// given people to call now (the network part's service answers it).
type Network interface {
	Available(ctx context.Context) ([]solidarity.Member, error)
}

// Alerts gives the effective alert levels (the alerts service answers it).
type Alerts interface {
	Current(ctx context.Context) (alerts.Situation, error)
}

// CoolPlaces finds the nearest cool places (the cool places' store).
type CoolPlaces interface {
	Nearest(ctx context.Context, from coolplaces.Point, at time.Time, heatwave bool, limit int, openOnly bool) ([]coolplaces.Nearby, error)
}

// People gives volunteers' contacts: names, addresses and languages for
// mails, and phones of those who agreed to text messages (the volunteers'
// store answers it).
type People interface {
	Contacts(ctx context.Context, ids []int64) ([]volunteers.Contact, error)
	SMSPhones(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Staff lists the active coordinators and administrators, who are mailed
// when someone needs help or a volunteer leaves.
type Staff interface {
	Coordinators(ctx context.Context) ([]volunteers.Contact, error)
}

// Districts names the city's districts.
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// Deps are what the part needs from the rest of the platform.
type Deps struct {
	DB         *db.DB
	Registry   Registry
	Network    Network
	Alerts     Alerts
	CoolPlaces CoolPlaces
	People     People
	Staff      Staff
	Districts  Districts
	Keys       *sealed.Keyring // seals the "what help" text and coordinators' notes
	Catalog    *i18n.Catalog   // text messages are written from it
	BaseURL    string          // links in mails and text messages
	Notify     func()          // wakes the outbox worker after a commit; may be nil
	Log        *slog.Logger
	// Now is the clock (tests move it); db.Now when nil.
	Now func() time.Time
}

// Service is the part's logic.
type Service struct {
	Deps
	mails *outbox.MailTemplates
	// OnChange, when set, hears that an episode's counts changed (an
	// activation, a call, an escalation): the live dashboard listens. It
	// runs after the commit.
	OnChange func(episodeID int64)
}

// NewService checks the mail templates and builds the service.
func NewService(deps Deps) (*Service, error) {
	m, err := outbox.NewMailTemplates(templates, "templates/mail")
	if err != nil {
		return nil, err
	}
	if deps.DB == nil || deps.Catalog == nil || deps.Keys == nil {
		return nil, errors.New("episodes: DB, Catalog and Keys are required")
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Now == nil {
		deps.Now = db.Now
	}
	return &Service{Deps: deps, mails: m}, nil
}

// now is the clock, in the form stored.
func (s *Service) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// changed tells the outbox worker and the dashboard, once tx commits.
func (s *Service) changed(tx *db.Tx, episodeIDs ...int64) {
	tx.AfterCommit(func() {
		if s.Notify != nil {
			s.Notify()
		}
		if s.OnChange != nil {
			for _, id := range episodeIDs {
				s.OnChange(id)
			}
		}
	})
}

// Actor is who asks for something.
type Actor struct {
	UserID int64
	Role   string
}

// Outcomes of a call (solidarity_calls.outcome).
const (
	OutcomeFine       = "fine"
	OutcomeNeedsHelp  = "needs_help"
	OutcomeNotReached = "not_reached"
)

// Outcomes lists them in the order the form offers them.
var Outcomes = []string{OutcomeFine, OutcomeNeedsHelp, OutcomeNotReached}

// Escalation reasons (solidarity_escalations.reason).
const (
	ReasonNeedsHelp = "needs_help" // a volunteer reached the person, who needs help
	ReasonUnreached = "unreached"  // UnreachedAttempts calls in a row without answer within UnreachedWindow
	ReasonOverdue   = "overdue"    // not called within the level's interval
	ReasonUnmatched = "unmatched"  // no volunteer could take the person
	ReasonWithdrawn = "withdrawn"  // their volunteer left and nobody could take over
)

// Reasons lists them, most urgent first.
var Reasons = []string{ReasonNeedsHelp, ReasonUnreached, ReasonWithdrawn, ReasonUnmatched, ReasonOverdue}

// reasonRank orders reasons: an open escalation's reason is only ever
// raised to a more urgent one.
var reasonRank = map[string]int{ReasonOverdue: 1, ReasonUnmatched: 2, ReasonWithdrawn: 2, ReasonUnreached: 3, ReasonNeedsHelp: 4}

// How escalations end (solidarity_escalations.resolution).
const (
	ResolvedHandled      = "handled"       // a coordinator closed it with a note
	ResolvedReassigned   = "reassigned"    // another volunteer took the person
	ResolvedReached      = "reached"       // a later call reached the person
	ResolvedDistrictLeft = "district_left" // the district's level fell below 3
	ResolvedLeftRegistry = "left_registry" // the person is no longer registered
	ResolvedEpisodeEnded = "episode_ended"
)

// Why nobody was assigned (solidarity_assignments.unmatched_reason).
const (
	UnmatchedNoVolunteer   = "no_volunteer"   // nobody covering the district speaks their language
	UnmatchedAllFull       = "all_full"       // those who could are full
	UnmatchedVolunteerLeft = "volunteer_left" // their volunteer left the network
)

// Rules of the part.
const (
	// UnreachedAttempts calls without answer within UnreachedWindow, and
	// since the last answered call, escalate a person.
	UnreachedAttempts = 3
	UnreachedWindow   = 24 * time.Hour
	// MinHours and MaxHours bound the call interval of a level.
	MinHours = 1
	MaxHours = 168
	// MaxHelp bounds the "what help" text, MaxNote a coordinator's note.
	MaxHelp = 1000
	MaxNote = 500
	// CoolPlacesShown is how many cool places a call card lists.
	CoolPlacesShown = 3
	// keepBonusMeters: last episode's pair is kept unless another saves
	// more than this distance in total.
	keepBonusMeters = 3000
	// maxSuggestions bounds the reassignment choices offered.
	maxSuggestions = 10
)

// Errors the pages turn into statuses.
var (
	// ErrNotFound: no such thing, or not the viewer's to see.
	ErrNotFound = errors.New("episodes: not found")
	// ErrConflict: it changed since the form was read (409).
	ErrConflict = errors.New("episodes: changed since it was read")
	// ErrNotMember: the volunteer is no longer an available member of the
	// network, so their people are not shown to them.
	ErrNotMember = errors.New("episodes: no longer an available member of the network")
	// ErrBusy: the episode kept changing while an activation was planned.
	ErrBusy = errors.New("episodes: too many concurrent changes, try again")
	// errStale: a plan made outside the transaction no longer holds.
	errStale = errors.New("episodes: plan is stale")
)

// FieldError is a refused field and its catalog key.
type FieldError struct {
	Field string
	Key   string
	Args  []any
}
