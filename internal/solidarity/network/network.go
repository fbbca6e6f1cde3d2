// Package network is the volunteers' solidarity network: opting in (a
// consent), how many people one can call, languages and districts, and the
// built-in heatwave check-in training with its quiz. The episodes part asks
// it who is available for matching (Available) and hears withdrawals
// (OnWithdraw).
package network

import (
	"context"
	"embed"
	"errors"
	"log/slog"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/maps"
	"climatevolunteers/internal/volunteers"
)

// Purpose is the volunteers' consent that makes someone a member.
const Purpose = "solidarity_network"

// Capacity bounds: how many people a member may be given to call.
const (
	MinCapacity = 1
	MaxCapacity = 5
)

// MaxDistricts is how many districts a member may cover.
const MaxDistricts = 5

// Locales holds this part's messages (locales/*.json).
//
//go:embed locales
var Locales embed.FS

//go:embed templates
var templates embed.FS

// Errors the pages turn into statuses.
var (
	ErrNotMember = errors.New("not a member of the solidarity network")
	ErrStale     = errors.New("the form was read from an older version")
	ErrTampered  = errors.New("the quiz answers do not match the quiz")
)

// Districts gives the city's districts: codes and centroids to check and
// place members, boundaries (when imported) for the city's bounding box.
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
	Shapes(ctx context.Context) (map[string][]maps.Polygon, error)
}

// Volunteers is what the network reads of the volunteers feature (its
// store answers it): the profile (members are volunteers), the consents
// and names. Who holds the network's consent is volunteers.Consenting.
type Volunteers interface {
	Profile(ctx context.Context, userID int64) (volunteers.Profile, error)
	Consents(ctx context.Context, userID int64) ([]volunteers.Consent, error)
	Contacts(ctx context.Context, ids []int64) ([]volunteers.Contact, error)
}

// Deps are what the part needs from the rest of the platform.
type Deps struct {
	DB         *db.DB
	Districts  Districts
	Volunteers Volunteers
	Log        *slog.Logger
}

// Service is the network's logic.
type Service struct {
	Deps
	store *Store
	// Training is the current training; its version decides who is trained.
	Training Training
	// OnWithdraw, when set, hears that a member left the network (from the
	// network page, by withdrawing the consent elsewhere, or by deleting
	// their account). It runs once, after the commit; its error is logged.
	OnWithdraw func(ctx context.Context, userID int64) error
}

// NewService builds the service with the built-in heatwave training.
func NewService(deps Deps) *Service {
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	return &Service{Deps: deps, store: &Store{db: deps.DB}, Training: Heatwave}
}

// FieldError names a form field and a catalog key.
type FieldError struct{ Field, Key string }
