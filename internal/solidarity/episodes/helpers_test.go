package episodes

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/coolplaces"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// Three Paris arrondissements: Popincourt and Ménilmontant are neighbours,
// Gobelins is across the Seine.
var testDistricts = []districts.District{
	{Code: "75111", Name: "Popincourt", Lat: 48.8591, Lon: 2.3801},
	{Code: "75113", Name: "Gobelins", Lat: 48.8284, Lon: 2.3623},
	{Code: "75120", Name: "Ménilmontant", Lat: 48.8635, Lon: 2.4012},
}

type fakeDistricts struct{}

func (fakeDistricts) List(context.Context) ([]districts.District, error) { return testDistricts, nil }

// fakeRegistry holds people and their cards in memory; their ids are real
// registry_people rows (the assignments' foreign key needs them).
type fakeRegistry struct {
	mu     sync.Mutex
	people map[int64]solidarity.Person
	cards  map[int64]solidarity.Card
	reads  []solidarity.Reader
}

func (f *fakeRegistry) Active(_ context.Context, codes []string, _ time.Time) ([]solidarity.Person, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []solidarity.Person
	for _, p := range f.people {
		if slices.Contains(codes, p.District) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b solidarity.Person) int { return int(a.ID - b.ID) })
	return out, nil
}

func (f *fakeRegistry) Cards(_ context.Context, r solidarity.Reader, ids []int64) (map[int64]solidarity.Card, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reads = append(f.reads, r)
	out := map[int64]solidarity.Card{}
	for _, id := range ids {
		if c, ok := f.cards[id]; ok {
			out[id] = c
		}
	}
	return out, nil
}

func (f *fakeRegistry) remove(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.people, id)
	delete(f.cards, id)
}

type fakeNetwork struct {
	mu      sync.Mutex
	members []solidarity.Member
	// then, when set, runs once after the next Available has read the
	// members: what changes while its caller plans.
	then func()
}

func (f *fakeNetwork) Available(context.Context) ([]solidarity.Member, error) {
	f.mu.Lock()
	out, then := slices.Clone(f.members), f.then
	f.then = nil
	f.mu.Unlock()
	if then != nil {
		then()
	}
	return out, nil
}

func (f *fakeNetwork) drop(userID int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members = slices.DeleteFunc(f.members, func(m solidarity.Member) bool { return m.UserID == userID })
}

// fakeAlerts holds effective levels per hazard and district.
type fakeAlerts struct {
	mu     sync.Mutex
	levels map[alerts.Hazard]map[string]alerts.Level
	setAt  map[alerts.Hazard]map[string]time.Time
	clock  func() time.Time
}

func (f *fakeAlerts) set(h alerts.Hazard, code string, l alerts.Level) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.levels[h] == nil {
		f.levels[h], f.setAt[h] = map[string]alerts.Level{}, map[string]time.Time{}
	}
	f.levels[h][code], f.setAt[h][code] = l, f.clock()
}

func (f *fakeAlerts) Current(context.Context) (alerts.Situation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sit := alerts.Situation{Districts: map[string][]alerts.Effective{}}
	for _, d := range testDistricts {
		for _, h := range alerts.Hazards {
			l := f.levels[h][d.Code]
			if l == 0 {
				l = 1
			}
			sit.Districts[d.Code] = append(sit.Districts[d.Code], alerts.Effective{Hazard: h, Level: l, SetAt: f.setAt[h][d.Code]})
		}
	}
	return sit, nil
}

// fakePeople answers contacts for every user, phones for those listed.
type fakePeople struct {
	mu     sync.Mutex
	phones map[int64]string
}

func (f *fakePeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	var out []volunteers.Contact
	for _, id := range ids {
		out = append(out, volunteers.Contact{UserID: id, Name: fmt.Sprintf("Volunteer %d", id),
			Email: fmt.Sprintf("v%d@example.org", id), Lang: "fr"})
	}
	return out, nil
}

func (f *fakePeople) SMSPhones(_ context.Context, ids []int64) (map[int64]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[int64]string{}
	for _, id := range ids {
		if p, ok := f.phones[id]; ok {
			out[id] = p
		}
	}
	return out, nil
}

type fakeStaff struct{ staff []volunteers.Contact }

func (f *fakeStaff) Coordinators(context.Context) ([]volunteers.Contact, error) { return f.staff, nil }

type fakeCoolPlaces struct{}

func (fakeCoolPlaces) Nearest(_ context.Context, from coolplaces.Point, _ time.Time, heatwave bool, limit int, _ bool) ([]coolplaces.Nearby, error) {
	out := []coolplaces.Nearby{
		{Place: coolplaces.Place{ID: 1, Name: "Square Maurice-Gardette", Kind: coolplaces.Park, Address: "Rue du Général Blaise"}, DistanceM: 240, OpenNow: true},
		{Place: coolplaces.Place{ID: 2, Name: "Piscine Oberkampf", Kind: coolplaces.Pool, Address: "160 rue Oberkampf", HeatwaveOpen: true}, DistanceM: 610, OpenNow: heatwave},
	}
	return out[:min(limit, len(out))], nil
}

// env is a service over a fresh database with fakes around it.
type env struct {
	t      *testing.T
	d      *db.DB
	svc    *Service
	reg    *fakeRegistry
	net    *fakeNetwork
	alerts *fakeAlerts
	people *fakePeople
	staff  *fakeStaff
	keys   *sealed.Keyring
	clock  atomic.Pointer[time.Time]
	seq    int
	coord  Actor
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	for i, x := range testDistricts {
		if _, err := d.Exec(ctx, `INSERT INTO districts (code, name, position, lat, lon, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, x.Code, x.Name, i, x.Lat, x.Lon, now, now); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := sealed.Load("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.New(web.Locales, Locales)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, d: d, reg: &fakeRegistry{people: map[int64]solidarity.Person{}, cards: map[int64]solidarity.Card{}},
		net: &fakeNetwork{}, alerts: &fakeAlerts{levels: map[alerts.Hazard]map[string]alerts.Level{},
			setAt: map[alerts.Hazard]map[string]time.Time{}},
		people: &fakePeople{phones: map[int64]string{}}, staff: &fakeStaff{}, keys: keys}
	start := time.Date(2026, 7, 20, 8, 0, 0, 0, time.UTC)
	e.clock.Store(&start)
	e.alerts.clock = e.now
	e.svc, err = NewService(Deps{DB: d, Registry: e.reg, Network: e.net, Alerts: e.alerts, CoolPlaces: fakeCoolPlaces{},
		People: e.people, Staff: e.staff, Districts: fakeDistricts{}, Keys: keys, Catalog: cat,
		BaseURL: "https://cv.example", Now: func() time.Time { return *e.clock.Load() }})
	if err != nil {
		t.Fatal(err)
	}
	coord := e.user("coordinator")
	admin := e.user("admin")
	e.coord = Actor{UserID: coord, Role: "coordinator"}
	e.staff.staff = []volunteers.Contact{
		{UserID: coord, Name: "Coord", Email: "coord@example.org", Lang: "fr"},
		{UserID: admin, Name: "Admin", Email: "admin@example.org", Lang: "en"},
	}
	return e
}

// advance moves the clock.
func (e *env) advance(d time.Duration) {
	t := e.clock.Load().Add(d)
	e.clock.Store(&t)
}

func (e *env) now() time.Time { return *e.clock.Load() }

// user makes an account and returns its id.
func (e *env) user(role string) int64 {
	e.t.Helper()
	e.seq++
	now := db.Now()
	var id int64
	err := e.d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("%s-%d@example.org", role, e.seq), role, now, now).Scan(&id)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// person registers someone in district at (lat, lon) speaking langs.
func (e *env) person(district string, lat, lon float64, langs ...string) int64 {
	e.t.Helper()
	e.seq++
	now := db.Now()
	var id int64
	err := e.d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO registry_people (district_code, languages, phone_blind, identity_blind,
			registered_as, consent_version, consent_at, season_ends_at, created_at, updated_at)
			VALUES (?, 'fr', ?, ?, 'self', 1, ?, ?, ?, ?) RETURNING id`, district, fmt.Sprint("p", e.seq), fmt.Sprint("i", e.seq),
			now, now.AddDate(1, 0, 0), now, now).Scan(&id)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(langs) == 0 {
		langs = []string{"fr"}
	}
	e.reg.mu.Lock()
	defer e.reg.mu.Unlock()
	e.reg.people[id] = solidarity.Person{ID: id, District: district, Lat: lat, Lon: lon, Languages: langs}
	e.reg.cards[id] = solidarity.Card{PersonID: id, Name: fmt.Sprintf("Jeanne Secret%d", id), Phone: fmt.Sprintf("+3310000%04d", id),
		Address: fmt.Sprintf("%d rue Cachée", id), District: district, Languages: langs, CareNeeds: "insuline", Lat: lat, Lon: lon,
		EmergencyContact: "Paul, 06 00 00 00 00"}
	return id
}

// member makes a volunteer who joined the network.
func (e *env) member(capacity int, districts []string, lat, lon float64, langs ...string) int64 {
	e.t.Helper()
	id := e.user("volunteer")
	if len(langs) == 0 {
		langs = []string{"fr"}
	}
	e.net.mu.Lock()
	defer e.net.mu.Unlock()
	e.net.members = append(e.net.members, solidarity.Member{UserID: id, Capacity: capacity, Languages: langs, Districts: districts, Lat: lat, Lon: lon})
	return id
}

func (e *env) sync(h alerts.Hazard) {
	e.t.Helper()
	if err := e.svc.Sync(context.Background(), e.coord.UserID, h); err != nil {
		e.t.Fatalf("Sync %s: %v", h, err)
	}
}

// rows reads every assignment of every episode.
func (e *env) rows() []Assignment {
	e.t.Helper()
	as, err := collectAssignments(context.Background(), e.d, "1 = 1 ORDER BY a.id")
	if err != nil {
		e.t.Fatal(err)
	}
	return as
}

// assignmentOf is the assignment of person in the open episode.
func (e *env) assignmentOf(person int64) Assignment {
	e.t.Helper()
	as, err := collectAssignments(context.Background(), e.d, "a.person_id = ? AND e.ended_at IS NULL", person)
	if err != nil || len(as) != 1 {
		e.t.Fatalf("assignment of %d: %v %d rows", person, err, len(as))
	}
	return as[0]
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// openEscalation is the reason of the person's open escalation, "" if none.
func (e *env) openEscalation(assignmentID int64) string {
	e.t.Helper()
	var reason string
	err := e.d.QueryRow(context.Background(), "SELECT reason FROM solidarity_escalations WHERE assignment_id = ? AND resolved_at IS NULL",
		assignmentID).Scan(&reason)
	if err != nil {
		return ""
	}
	return reason
}

// jobs lists the outbox's jobs, oldest first.
func (e *env) jobs() []outbox.JobInfo {
	e.t.Helper()
	js, err := outbox.List(context.Background(), e.d, "", 100000, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	slices.Reverse(js)
	return js
}

func smsOf(t *testing.T, j outbox.JobInfo) outbox.SMS {
	t.Helper()
	var m outbox.SMS
	if err := json.Unmarshal([]byte(j.Payload), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// audits counts the audit entries of an action (and target, if given).
func (e *env) audits(action string, target ...string) int {
	e.t.Helper()
	q, args := "SELECT COUNT(*) FROM audit_log WHERE action = ?", []any{action}
	if len(target) > 0 {
		q += " AND target_id = ?"
		args = append(args, target[0])
	}
	return e.count(q, args...)
}
