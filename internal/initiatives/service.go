package initiatives

import (
	"context"
	"log/slog"
	"strconv"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// Districts gives the city's districts: codes to validate, centroids for
// initiatives without a point, names for pages and maps.
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
}

// People gives the names, addresses and languages of accounts, for mails.
type People interface {
	Contacts(ctx context.Context, userIDs []int64) ([]volunteers.Contact, error)
}

// Deps are what the feature needs from the rest of the platform.
type Deps struct {
	DB        *db.DB
	Districts Districts
	People    People
	BaseURL   string // public address that links in mails point to
	DataDir   string // images are stored under DataDir/media/initiatives
	Notify    func() // wakes the outbox worker after a commit; may be nil
	Log       *slog.Logger
	// ReportThreshold is how many reports hide an initiative until a
	// moderator decides; 0 means the default.
	ReportThreshold int
}

// DefaultReportThreshold hides an initiative at its third report.
const DefaultReportThreshold = 3

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
	if deps.ReportThreshold <= 0 {
		deps.ReportThreshold = DefaultReportThreshold
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	return &Service{Deps: deps, store: NewStore(deps.DB), mails: m}, nil
}

// Store exposes reads.
func (s *Service) Store() *Store { return s.store }

// Actor is who asks for a change.
type Actor struct {
	UserID int64
	Role   string // the account's platform role
}

// districtIndex reads the districts once for a validation: which codes
// exist and where their centroids are.
func (s *Service) districtIndex(ctx context.Context) (map[string]Point, error) {
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Point, len(ds))
	for _, d := range ds {
		m[d.Code] = Point{Lat: d.Lat, Lon: d.Lon}
	}
	return m, nil
}

func (s *Service) check(ctx context.Context, in Input) (validated, map[string]Point, []FieldError, error) {
	idx, err := s.districtIndex(ctx)
	if err != nil {
		return validated{}, nil, nil, err
	}
	v, errs := in.validate(func(c string) bool { _, ok := idx[c]; return ok })
	return v, idx, errs, nil
}

// Create stores a new draft whose owner is the author. introductions is the
// author's consent to be introduced to organisers of similar initiatives.
func (s *Service) Create(ctx context.Context, author Actor, in Input, introductions bool) (int64, []FieldError, error) {
	v, idx, errs, err := s.check(ctx, in)
	if err != nil || len(errs) > 0 {
		return 0, errs, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		if id, err = insertInitiative(ctx, tx, v, idx[v.DistrictCode], author.UserID, Draft, now); err != nil {
			return err
		}
		if err := addOrganiser(ctx, tx, id, author.UserID, RoleOwner, introductions, now); err != nil {
			return err
		}
		return reindex(ctx, tx, id)
	})
	return id, nil, err
}

// Update saves an organiser's edit. An edit started from an older version
// than the stored one is refused with ErrConflict: the second of two
// organisers editing at once is told, never silently overwrites.
func (s *Service) Update(ctx context.Context, actor Actor, id int64, in Input) ([]FieldError, error) {
	v, idx, errs, err := s.check(ctx, in)
	if err != nil || len(errs) > 0 {
		return errs, err
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		cur, role, err := viewTx(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		if !canEdit(actor, role, cur) {
			return ErrForbidden
		}
		if err := updateInitiative(ctx, tx, id, v, idx[v.DistrictCode], db.Now()); err != nil {
			return err
		}
		return reindex(ctx, tx, id)
	})
}

// transitions an organiser may make, by action.
var organiserTransitions = map[string]struct {
	from []Status
	to   Status
}{
	"submit":  {[]Status{Draft}, Submitted},
	"pause":   {[]Status{Published}, Paused},
	"resume":  {[]Status{Paused}, Published},
	"archive": {[]Status{Draft, Published, Paused}, Archived},
}

// Act applies an organiser's action (submit, pause, resume, archive).
func (s *Service) Act(ctx context.Context, actor Actor, id int64, action string) error {
	t, ok := organiserTransitions[action]
	if !ok {
		return ErrTransition
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		cur, role, err := viewTx(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		if !canEdit(actor, role, cur) {
			return ErrForbidden
		}
		return setStatus(ctx, tx, id, t.from, t.to, db.Now())
	})
}

// SetIntroductions records an organiser's consent to introductions.
func (s *Service) SetIntroductions(ctx context.Context, actor Actor, id int64, ok bool) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, role, err := viewTx(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		if !Organises(role) {
			return ErrForbidden
		}
		return setIntroductions(ctx, tx, id, actor.UserID, ok, db.Now())
	})
}

// mailOrganisers queues one mail to each organiser of an initiative, in
// their language, within tx. key must be unique to the event mailed.
func (s *Service) mailOrganisers(ctx context.Context, tx *db.Tx, id int64, key, template string, data func(c volunteers.Contact) any) error {
	ids, err := organiserIDsTx(ctx, tx, id)
	if err != nil || len(ids) == 0 {
		return err
	}
	contacts, err := s.People.Contacts(ctx, ids)
	if err != nil {
		return err
	}
	for _, c := range contacts {
		if c.Email == "" {
			continue
		}
		m, err := s.mails.Render(template, c.Lang, data(c))
		if err != nil {
			return err
		}
		m.To = c.Email
		if _, _, err := outbox.EnqueueEmail(ctx, tx, key+":"+strconv.FormatInt(c.UserID, 10), m); err != nil {
			return err
		}
	}
	if s.Notify != nil {
		tx.AfterCommit(s.Notify)
	}
	return nil
}

func organiserIDsTx(ctx context.Context, tx *db.Tx, id int64) ([]int64, error) {
	return collectIDs(tx.Query(ctx, "SELECT user_id FROM initiative_members WHERE initiative_id = ? AND role IN (?, ?) ORDER BY user_id",
		id, RoleOwner, RoleOrganiser))
}

// Link is the initiative's public address.
func (s *Service) Link(id int64) string {
	return s.BaseURL + "/initiatives/" + strconv.FormatInt(id, 10)
}
