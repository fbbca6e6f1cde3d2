package events

import (
	"context"
	"log/slog"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// Districts gives the city's districts (codes, names, centroids).
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// People gives names, addresses and languages of accounts, for mails.
type People interface {
	Contacts(ctx context.Context, userIDs []int64) ([]volunteers.Contact, error)
}

// Initiatives tells who runs an initiative (its organisers organise its
// events too), names an event's initiative, and lists those a person runs
// for the event form. The initiatives' store answers it.
type Initiatives interface {
	Organises(ctx context.Context, initiativeID, userID int64) (bool, error)
	Get(ctx context.Context, id int64) (initiatives.Initiative, error)
	Mine(ctx context.Context, userID int64) ([]initiatives.Initiative, error)
}

// Deps are what the feature needs from the rest of the platform.
type Deps struct {
	DB          *db.DB
	Districts   Districts
	People      People
	Initiatives Initiatives
	BaseURL     string
	Notify      func() // wakes the outbox worker after a commit; may be nil
	Log         *slog.Logger
}

// Service is the feature's logic.
type Service struct {
	Deps
	store *Store
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
	return &Service{Deps: deps, store: NewStore(deps.DB), mails: m}, nil
}

// Store exposes reads.
func (s *Service) Store() *Store { return s.store }

// Actor is who asks for something.
type Actor struct {
	UserID int64
	Role   string
}

func (s *Service) centroids(ctx context.Context) (map[string]Point, error) {
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Point, len(ds))
	for _, d := range ds {
		m[d.Code] = Point{d.Lat, d.Lon}
	}
	return m, nil
}

func (s *Service) check(ctx context.Context, in Input) (valid, map[string]Point, []FieldError, error) {
	idx, err := s.centroids(ctx)
	if err != nil {
		return valid{}, nil, nil, err
	}
	v, errs := in.validate(func(c string) bool { _, ok := idx[c]; return ok })
	return v, idx, errs, nil
}

// Create stores a new draft event; its author becomes an organiser. Only
// an initiative's organisers create its events, partners and City staff
// theirs.
func (s *Service) Create(ctx context.Context, a Actor, in Input) (int64, []FieldError, error) {
	v, at, errs, err := s.prepare(ctx, a, in)
	if err != nil || len(errs) > 0 {
		return 0, errs, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		id, err = insertEvent(ctx, tx, v, at, a.UserID, db.Now())
		return err
	})
	return id, nil, err
}

// CreateTx is Create within the caller's transaction, the event published
// at once when publish is set: another feature's record (a committee's
// meeting) and its event are then written together or not at all. Nothing
// is written when the input or the rights are refused.
func (s *Service) CreateTx(ctx context.Context, tx *db.Tx, a Actor, in Input, publish bool) (int64, []FieldError, error) {
	v, at, errs, err := s.prepare(ctx, a, in)
	if err != nil || len(errs) > 0 {
		return 0, errs, err
	}
	now := db.Now()
	id, err := insertEvent(ctx, tx, v, at, a.UserID, now)
	if err != nil || !publish {
		return id, nil, err
	}
	if ok, err := setEventStatus(ctx, tx, id, Draft, Published, now); err != nil || !ok {
		return 0, nil, orTransition(err)
	}
	return id, nil, nil
}

// prepare validates a new event and its author's right to create it,
// returning the district's centre for the event's point.
func (s *Service) prepare(ctx context.Context, a Actor, in Input) (valid, Point, []FieldError, error) {
	v, idx, errs, err := s.check(ctx, in)
	if err != nil || len(errs) > 0 {
		return valid{}, Point{}, errs, err
	}
	ok, err := s.mayCreate(ctx, a, v)
	if err != nil {
		return valid{}, Point{}, nil, err
	}
	if !ok {
		field := map[string]string{OwnerInitiative: "initiative", OwnerPartner: "owner", OwnerCity: "owner"}[v.OwnerKind]
		return valid{}, Point{}, []FieldError{{field, "events.error.owner_rights"}}, nil
	}
	return v, idx[v.DistrictCode], nil, nil
}

// Update saves an organiser's edit made from in.Version. A capacity below
// the places already confirmed is refused; a larger one lets the waitlist
// in, first come first served.
func (s *Service) Update(ctx context.Context, a Actor, id int64, in Input) ([]FieldError, error) {
	in.ownerFixed = true
	v, idx, errs, err := s.check(ctx, in)
	if err != nil || len(errs) > 0 {
		return errs, err
	}
	var refused []FieldError
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		if v.capacity > 0 && v.capacity < e.Confirmed {
			refused = []FieldError{{"capacity", "events.error.capacity_below_confirmed"}}
			return nil
		}
		sessions, err := SessionsTx(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, ss := range sessions {
			if ss.StartsAt.Before(v.starts) || ss.EndsAt.After(v.ends) {
				refused = []FieldError{{"starts_at", "events.error.sessions_outside"}}
				return nil
			}
		}
		if err := updateEvent(ctx, tx, id, v, idx[v.DistrictCode], db.Now()); err != nil {
			return err
		}
		e.Capacity = v.capacity
		return s.fillFreedPlaces(ctx, tx, e)
	})
	return refused, err
}

// Publish makes a draft public.
func (s *Service) Publish(ctx context.Context, a Actor, id int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		if ok, err := setEventStatus(ctx, tx, id, Draft, Published, db.Now()); err != nil || !ok {
			return orTransition(err)
		}
		return nil
	})
}

// AddSession adds a workshop to an event.
func (s *Service) AddSession(ctx context.Context, a Actor, eventID int64, in SessionInput) (int64, []FieldError, error) {
	var id int64
	var refused []FieldError
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		v, errs := in.validate(e)
		if len(errs) > 0 {
			refused = errs
			return nil
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM event_sessions WHERE event_id = ?", eventID).Scan(&n); err != nil {
			return err
		}
		id, err = insertSession(ctx, tx, eventID, v, n)
		return err
	})
	return id, refused, err
}
