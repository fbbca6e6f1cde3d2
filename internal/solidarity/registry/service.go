package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/maps"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/volunteers"
)

// Districts gives the city's districts (codes and centroids) and, when
// known, their boundaries (for the box a point must fall in).
type Districts interface {
	List(ctx context.Context) ([]districts.District, error)
	Shapes(ctx context.Context) (map[string][]maps.Polygon, error)
}

// People gives registrants' addresses and languages, for renewal mails.
type People interface {
	Contacts(ctx context.Context, userIDs []int64) ([]volunteers.Contact, error)
}

// Staff lists the active coordinators and administrators, mailed when the
// public form meets a person already registered.
type Staff interface {
	Coordinators(ctx context.Context) ([]volunteers.Contact, error)
}

// Deps are what the registry needs from the rest of the platform.
type Deps struct {
	DB        *db.DB
	Keys      *sealed.Keyring
	Districts Districts
	People    People
	Staff     Staff // may be nil: duplicates are then only audited
	BaseURL   string
	Notify    func() // wakes the outbox worker after a commit; may be nil
	Log       *slog.Logger
	// Clock gives the time; db.Now when nil (tests move it).
	Clock func() time.Time
}

// Service is the registry's logic.
type Service struct {
	Deps
	mails *outbox.MailTemplates
	// OnErase, when set, runs in the transaction that erases entries
	// (withdrawal, purge), before their rows are deleted: other parts erase
	// what they hold about those people (the episodes' sealed notes). Its
	// error rolls the erasure back.
	OnErase func(ctx context.Context, tx *db.Tx, personIDs []int64) error
}

// NewService checks the mail templates and builds the service.
func NewService(deps Deps) (*Service, error) {
	if deps.DB == nil || deps.Keys == nil || deps.Districts == nil {
		return nil, errors.New("registry: a database, keys and districts are required")
	}
	m, err := outbox.NewMailTemplates(templates, "templates/mail")
	if err != nil {
		return nil, err
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Clock == nil {
		deps.Clock = db.Now
	}
	return &Service{Deps: deps, mails: m}, nil
}

func (s *Service) now() time.Time { return s.Clock().UTC().Truncate(time.Microsecond) }

// cityPlace reads the districts' centroids and the box points must fall in:
// the boundaries' extent when they are known, else the centroids' extent
// widened by boxMargin degrees (a few kilometres: Paris's woods lie well
// beyond the outer arrondissements' centroids).
func (s *Service) cityPlace(ctx context.Context) (place, error) {
	ds, err := s.Districts.List(ctx)
	if err != nil {
		return place{}, err
	}
	p := place{centroids: make(map[string]point, len(ds)),
		box: box{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}}
	grow := func(lat, lon float64) {
		p.box.minLat, p.box.maxLat = min(p.box.minLat, lat), max(p.box.maxLat, lat)
		p.box.minLon, p.box.maxLon = min(p.box.minLon, lon), max(p.box.maxLon, lon)
	}
	for _, d := range ds {
		p.centroids[d.Code] = point{Lat: d.Lat, Lon: d.Lon}
	}
	shapes, err := s.Districts.Shapes(ctx)
	if err != nil {
		return place{}, err
	}
	for _, shape := range shapes {
		for _, poly := range shape {
			for _, ring := range poly {
				for _, ll := range ring {
					grow(ll[1], ll[0])
				}
			}
		}
	}
	if len(shapes) == 0 {
		const boxMargin = 0.05
		for _, d := range ds {
			grow(d.Lat-boxMargin, d.Lon-boxMargin)
			grow(d.Lat+boxMargin, d.Lon+boxMargin)
		}
	}
	return p, nil
}

// sealEntry seals an entry's card and point, bound to its row.
func (s *Service) sealEntry(id int64, c Card, p point) (string, string, error) {
	cj, err := json.Marshal(c)
	if err != nil {
		return "", "", err
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return "", "", err
	}
	card, err := s.Keys.SealString(string(cj), sealed.Place(table, id, "card"))
	if err != nil {
		return "", "", err
	}
	pt, err := s.Keys.SealString(string(pj), sealed.Place(table, id, "point"))
	return card, pt, err
}

func (s *Service) openPoint(id int64, sealedPoint string) (point, error) {
	var p point
	pj, err := s.Keys.OpenString(sealedPoint, sealed.Place(table, id, "point"))
	if err != nil {
		return p, fmt.Errorf("registry entry %d point: %w", id, err)
	}
	return p, json.Unmarshal([]byte(pj), &p)
}

// openCard opens a row's card and point. Only audited reads call it.
func (s *Service) openCard(r row) (Card, error) {
	var c Card
	cj, err := s.Keys.OpenString(r.card, sealed.Place(table, r.ID, "card"))
	if err != nil {
		return c, fmt.Errorf("registry entry %d card: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(cj), &c); err != nil {
		return c, fmt.Errorf("registry entry %d card: %w", r.ID, err)
	}
	p, err := s.openPoint(r.ID, r.point)
	if err != nil {
		return c, err
	}
	c.Lat, c.Lon, c.ExactPoint = p.Lat, p.Lon, p.Exact
	return c, nil
}

// auditReads records one registry.read per entry, in tx.
func auditReads(ctx context.Context, tx *db.Tx, actor int64, ids []int64, detail string) error {
	for _, id := range ids {
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: actor, Action: audit.ActionRegistryRead,
			TargetType: "registry_person", TargetID: strconv.FormatInt(id, 10), Detail: detail}); err != nil {
			return err
		}
	}
	return nil
}

// check validates an input against the city.
func (s *Service) check(ctx context.Context, in Input, relations []string) (valid, place, []FieldError, error) {
	p, err := s.cityPlace(ctx)
	if err != nil {
		return valid{}, p, nil, err
	}
	v, errs := in.validate(p, relations)
	return v, p, errs, nil
}

// pointFor is the sealed point of a valid input: the one given, else the
// district's centroid.
func pointFor(v valid, p place) point {
	if v.point != nil {
		return *v.point
	}
	return p.centroids[v.district]
}

var errDuplicate = []FieldError{{Field: "name", Key: "registry.error.duplicate"}}

func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "SQLSTATE 23505"))
}

// Create registers a person. From ScopeMine any account registers (with a
// relation); from ScopeStaff a coordinator registers on the phone. Consent
// must be given: the box ticked, its version and time recorded.
//
// A person already registered is refused to coordinators (errDuplicate).
// The public form must not tell an account who is registered: there the
// duplicate is accepted like a new entry (id 0, nothing added), audited
// against the existing entry and mailed to coordinators.
func (s *Service) Create(ctx context.Context, a Actor, sc Scope, in Input) (int64, []FieldError, error) {
	if !mayRegister(a, sc) {
		return 0, nil, ErrForbidden
	}
	relations := Relations
	if sc == ScopeStaff {
		relations = nil
	}
	v, p, errs, err := s.check(ctx, in, relations)
	if err != nil {
		return 0, nil, err
	}
	if !v.consent {
		errs = append(errs, FieldError{Field: "consent", Key: "registry.error.consent"})
	}
	if len(errs) > 0 {
		return 0, errs, nil
	}
	if sc == ScopeStaff {
		v.relation = RelationStaff
	}
	now := s.now()
	identity := s.Keys.Blind("registry.identity", identityKey(v.card))
	var id, existing int64
	create := func(tx *db.Tx) error {
		if existing, err = identityOwner(ctx, tx, identity, 0); err != nil || existing > 0 {
			return err
		}
		id, err = insertRow(ctx, tx, newRow{district: v.district, languages: strings.Join(v.languages, ","),
			phoneBlind: s.Keys.Blind("registry.phone", []byte(v.card.Phone)), identityBlind: identity,
			registeredAs: v.relation, registeredBy: a.UserID, consentAt: now, seasonEnd: SeasonEnd(now), now: now})
		if err != nil {
			return err
		}
		card, pt, err := s.sealEntry(id, v.card, pointFor(v, p))
		if err != nil {
			return err
		}
		if err := setSealed(ctx, tx, id, card, pt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionRegistryCreated,
			TargetType: "registry_person", TargetID: strconv.FormatInt(id, 10),
			Detail: fmt.Sprintf("registered as %s, consent v%d, district %s", v.relation, ConsentVersion, v.district)})
	}
	err = s.DB.Tx(ctx, create)
	if isUniqueViolation(err) { // the same person was registered meanwhile: now a duplicate
		err = s.DB.Tx(ctx, create)
	}
	switch {
	case err != nil:
		return 0, nil, err
	case existing > 0 && sc == ScopeStaff:
		return 0, errDuplicate, nil
	case existing > 0:
		return 0, nil, s.quietDuplicate(ctx, a, existing, v.relation)
	}
	return id, nil, nil
}

// duplicateMail fills templates/mail/duplicate.*: the existing entry's
// number and link, nothing of the person.
type duplicateMail struct {
	Name string // the coordinator's
	ID   int64
	Link string
}

// quietDuplicate records a public registration of someone already
// registered: an audit row against the existing entry (the account is the
// actor) and a mail to each coordinator, once per account and entry.
func (s *Service) quietDuplicate(ctx context.Context, a Actor, existing int64, relation string) error {
	var staff []volunteers.Contact
	if s.Staff != nil {
		var err error
		if staff, err = s.Staff.Coordinators(ctx); err != nil {
			return err
		}
	}
	target := strconv.FormatInt(existing, 10)
	var jobs []outbox.Job
	for _, c := range staff {
		if c.Email == "" {
			continue
		}
		m, err := s.mails.Render("duplicate", c.Lang, duplicateMail{Name: c.Name, ID: existing,
			Link: s.BaseURL + "/coordination/registry/" + target})
		if err != nil {
			return err
		}
		m.To = c.Email
		jobs = append(jobs, outbox.Job{Kind: outbox.KindEmail, Payload: m,
			Key: fmt.Sprintf("registry-duplicate:%d:%d:%d", existing, a.UserID, c.UserID)})
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		n, err := outbox.EnqueueMany(ctx, tx, jobs)
		if err != nil {
			return err
		}
		if n > 0 && s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionRegistryCreated,
			TargetType: "registry_person", TargetID: target,
			Detail: "duplicate from the public form (as " + relation + "): no entry added, the account was not told, coordinators mailed"})
	})
}

// Get opens one entry for a page, auditing the read.
func (s *Service) Get(ctx context.Context, a Actor, sc Scope, id int64) (Entry, error) {
	r, err := getRow(ctx, s.DB, id)
	if err != nil {
		return Entry{}, err
	}
	if err := authorise(a, sc, r.Entry); err != nil {
		return Entry{}, s.denied(ctx, a, id, "read", err)
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		return auditReads(ctx, tx, a.UserID, []int64{id}, "purpose: "+purposeOf(sc))
	}); err != nil {
		return Entry{}, err
	}
	c, err := s.openCard(r)
	if err != nil {
		return Entry{}, err
	}
	r.Card = &c
	return r.Entry, nil
}

// Facts reads an entry's clear fields only (no card opened, nothing to
// audit), for pages that show back what was typed.
func (s *Service) Facts(ctx context.Context, a Actor, sc Scope, id int64) (Entry, error) {
	r, err := getRow(ctx, s.DB, id)
	if err != nil {
		return Entry{}, err
	}
	if err := authorise(a, sc, r.Entry); err != nil {
		return Entry{}, s.denied(ctx, a, id, "read", err)
	}
	return r.Entry, nil
}

// Update saves an edit made from in.Version: ErrConflict when someone saved
// in the meantime (nothing is written). Consent and relation do not change.
func (s *Service) Update(ctx context.Context, a Actor, sc Scope, id int64, in Input) ([]FieldError, error) {
	v, p, errs, err := s.check(ctx, in, nil)
	if err != nil {
		return nil, err
	}
	cur, err := getRow(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := authorise(a, sc, cur.Entry); err != nil {
		return nil, s.denied(ctx, a, id, "update", err)
	}
	if len(errs) > 0 {
		return errs, nil
	}
	now := s.now()
	identity := s.Keys.Blind("registry.identity", identityKey(v.card))
	var other int64 // an entry of the same person
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := getRowTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorise(a, sc, r.Entry); err != nil {
			return err
		}
		if r.Version != v.version {
			return ErrConflict
		}
		if other, err = identityOwner(ctx, tx, identity, id); err != nil || other > 0 {
			return err
		}
		card, pt, err := s.sealEntry(id, v.card, pointFor(v, p))
		if err != nil {
			return err
		}
		if err := updateRow(ctx, tx, id, v.version, v.district, strings.Join(v.languages, ","),
			s.Keys.Blind("registry.phone", []byte(v.card.Phone)), identity, card, pt, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionRegistryUpdated,
			TargetType: "registry_person", TargetID: strconv.FormatInt(id, 10),
			Detail: fmt.Sprintf("version %d -> %d", v.version, v.version+1)})
	})
	if other > 0 || isUniqueViolation(err) {
		return errDuplicate, nil
	}
	return nil, s.denied(ctx, a, id, "update", err)
}

// Renew carries an entry into the next season, with its consent given again
// (the current version). It opens RenewalWindow before the end: ErrNotDue
// before that.
func (s *Service) Renew(ctx context.Context, a Actor, sc Scope, id int64, consent bool) ([]FieldError, error) {
	now := s.now()
	var errs []FieldError
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := getRowTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorise(a, sc, r.Entry); err != nil {
			return err
		}
		if !RenewalOpen(r.SeasonEndsAt, now) {
			return ErrNotDue
		}
		if !consent {
			errs = []FieldError{{Field: "renew_consent", Key: "registry.error.consent"}}
			return nil
		}
		end := RenewedEnd(r.SeasonEndsAt, now)
		if err := renewRow(ctx, tx, id, end, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionRegistryRenewed,
			TargetType: "registry_person", TargetID: strconv.FormatInt(id, 10),
			Detail: fmt.Sprintf("until %s, consent v%d", end.In(Paris).Format("2006-01-02"), ConsentVersion)})
	})
	return errs, s.denied(ctx, a, id, "renewal", err)
}

// Withdraw erases an entry: the row and its sealed fields are deleted at
// once, and OnErase erases what other parts hold about the person; an
// episode's counts keep the call without the person.
func (s *Service) Withdraw(ctx context.Context, a Actor, sc Scope, id int64) error {
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		r, err := getRowTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authorise(a, sc, r.Entry); err != nil {
			return err
		}
		if err := s.erase(ctx, tx, []int64{id}); err != nil {
			return err
		}
		by := "registrant"
		if sc == ScopeStaff {
			by = "coordinator"
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionRegistryWithdrawn,
			TargetType: "registry_person", TargetID: strconv.FormatInt(id, 10), Detail: "erased by the " + by})
	})
	return s.denied(ctx, a, id, "withdrawal", err)
}

// erase deletes entries in tx, OnErase first, a chunk at a time.
func (s *Service) erase(ctx context.Context, tx *db.Tx, ids []int64) error {
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		if s.OnErase != nil {
			if err := s.OnErase(ctx, tx, part); err != nil {
				return err
			}
		}
		if err := deleteRows(ctx, tx, part); err != nil {
			return err
		}
	}
	return nil
}

// Mine lists the entries an account registered, opened (and audited) for
// its page.
func (s *Service) Mine(ctx context.Context, a Actor) ([]Entry, error) {
	if a.UserID <= 0 {
		return nil, ErrForbidden
	}
	rows, err := mineRows(ctx, s.DB, a.UserID)
	if err != nil {
		return nil, err
	}
	return s.openAudited(ctx, a, rows, "purpose: registrant list")
}

// openAudited records a read of each row, then opens them.
func (s *Service) openAudited(ctx context.Context, a Actor, rows []row, detail string) ([]Entry, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if err := s.DB.Tx(ctx, func(tx *db.Tx) error { return auditReads(ctx, tx, a.UserID, ids, detail) }); err != nil {
		return nil, err
	}
	out := make([]Entry, len(rows))
	for i, r := range rows {
		c, err := s.openCard(r)
		if err != nil {
			return nil, err
		}
		r.Card = &c
		out[i] = r.Entry
	}
	return out, nil
}

// Filter selects entries on the coordinators' list.
type Filter struct {
	District string
	Status   string
	Phone    string // found through the blind index
	Page     int    // from 1
}

// PerPage is the coordinators' list page size; pages past maxPage are read
// as maxPage (still empty), so an offset never overflows.
const (
	PerPage = 50
	maxPage = math.MaxInt32 / PerPage
)

// Page is one page of the coordinators' list.
type Page struct {
	Entries []Entry
	Total   int
	Offset  int
}

// List gives coordinators a page of entries, each opened and audited.
func (s *Service) List(ctx context.Context, a Actor, f Filter) (Page, []FieldError, error) {
	if !isStaff(a) {
		return Page{}, nil, ErrForbidden
	}
	q := listQuery{now: s.now(), limit: PerPage}
	var errs []FieldError
	if f.District != "" {
		p, err := s.cityPlace(ctx)
		if err != nil {
			return Page{}, nil, err
		}
		if _, ok := p.centroids[f.District]; !ok {
			errs = append(errs, FieldError{Field: "district", Key: "registry.error.district_unknown"})
		}
		q.district = f.District
	}
	switch st := Status(f.Status); st {
	case "", Active, Expiring, Expired:
		q.status = st
	default:
		errs = append(errs, FieldError{Field: "status", Key: "form.error.choice"})
	}
	if f.Phone != "" {
		n, ok := NormalisePhone(f.Phone)
		if !ok {
			errs = append(errs, FieldError{Field: "phone", Key: "registry.error.phone"})
		}
		q.phoneBlind = s.Keys.Blind("registry.phone", []byte(n))
	}
	if len(errs) > 0 {
		return Page{}, errs, nil
	}
	if f.Page > 1 {
		q.offset = (min(f.Page, maxPage) - 1) * PerPage
	}
	rows, total, err := listRows(ctx, s.DB, q)
	if err != nil {
		return Page{}, nil, err
	}
	entries, err := s.openAudited(ctx, a, rows, "purpose: registry list")
	return Page{Entries: entries, Total: total, Offset: q.offset}, nil, err
}
