package registry

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/volunteers"
)

// fakePeople answers Contacts for every id with a made-up address.
type fakePeople struct{}

func (fakePeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	var out []volunteers.Contact
	for _, id := range ids {
		out = append(out, volunteers.Contact{UserID: id, Name: "Registrant", Email: fmt.Sprintf("user%d@example.org", id), Lang: "fr"})
	}
	return out, nil
}

// testClock is a settable time for the service.
type testClock struct{ t atomic.Pointer[time.Time] }

func (c *testClock) set(t time.Time) { t = t.UTC(); c.t.Store(&t) }
func (c *testClock) now() time.Time  { return *c.t.Load() }

// env is a service over a fresh database holding the Paris districts.
type env struct {
	d     *db.DB
	svc   *Service
	keys  *sealed.Keyring
	clock *testClock
	dir   string // where the key file is
}

// start is 2026-11-27, "today" in the project.
var start = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, x := range districts.Paris {
			if err := districts.Upsert(ctx, tx, x); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keys, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	clock := &testClock{}
	clock.set(start)
	svc, err := NewService(Deps{DB: d, Keys: keys, Districts: districts.NewStore(d), People: fakePeople{},
		BaseURL: "https://example.org", Clock: clock.now})
	if err != nil {
		t.Fatal(err)
	}
	return &env{d: d, svc: svc, keys: keys, clock: clock, dir: dir}
}

var userSeq atomic.Int64

// user makes an account with role.
func (e *env) user(t *testing.T, role string) Actor {
	t.Helper()
	now := db.Now()
	var id int64
	err := e.d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("%s-%d@example.org", role, userSeq.Add(1)), role, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Role: role}
}

// person is a valid registration, varied by n.
func person(n int) Input {
	return Input{Name: fmt.Sprintf("Marie-Thérèse Lefebvre %d", n), Phone: fmt.Sprintf("01 99 00 %02d %02d", n/100, n%100),
		Address: fmt.Sprintf("%d rue des Cascades, 75020 Paris", n), District: "20", Languages: []string{"fr"},
		LivesAlone: "yes", Mobility: "Canne", CareNeeds: "Infirmière le matin", CallTimes: "Avant 11 h",
		EmergencyName: "Paul Lefebvre", EmergencyPhone: "06 12 34 56 78", Relation: RelationRelative, Consent: true}
}

func (e *env) create(t *testing.T, a Actor, sc Scope, in Input) int64 {
	t.Helper()
	id, errs, err := e.svc.Create(context.Background(), a, sc, in)
	if err != nil || len(errs) > 0 {
		t.Fatalf("create: %v %v", errs, err)
	}
	return id
}

// count runs a COUNT(*) query.
func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (e *env) audits(t *testing.T, action string) int {
	return e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action)
}

// setEnd moves an entry's season end.
func (e *env) setEnd(t *testing.T, id int64, end time.Time) {
	t.Helper()
	if _, err := e.d.Exec(context.Background(), "UPDATE registry_people SET season_ends_at = ? WHERE id = ?", end.UTC(), id); err != nil {
		t.Fatal(err)
	}
}

func hasField(errs []FieldError, field, key string) bool {
	for _, e := range errs {
		if e.Field == field && e.Key == key {
			return true
		}
	}
	return false
}
