package initiatives

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// coreDistricts are three Paris arrondissements with their centroids.
type coreDistricts struct{}

func (coreDistricts) List(context.Context) ([]districts.District, error) {
	return []districts.District{
		{Code: "75104", Name: "Paris 4e", Lat: 48.8543, Lon: 2.3576},
		{Code: "75111", Name: "Paris 11e", Lat: 48.8590, Lon: 2.3800},
		{Code: "75120", Name: "Paris 20e", Lat: 48.8634, Lon: 2.4012},
	}, nil
}

// corePeople answers every account as user<id>@example.org, in French.
type corePeople struct{}

func (corePeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	out := make([]volunteers.Contact, len(ids))
	for i, id := range ids {
		out[i] = volunteers.Contact{UserID: id, Name: fmt.Sprintf("User %d", id), Email: fmt.Sprintf("user%d@example.org", id), Lang: "fr"}
	}
	return out, nil
}

// coreService builds the service over d with the fakes above and images
// stored in a temporary folder.
func coreService(t testing.TB, d *db.DB) *Service {
	t.Helper()
	ds, _ := coreDistricts{}.List(context.Background())
	if err := d.Tx(context.Background(), func(tx *db.Tx) error {
		for _, x := range ds {
			if err := districts.Upsert(context.Background(), tx, x); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := NewService(Deps{DB: d, Districts: coreDistricts{}, People: corePeople{}, BaseURL: "https://cv.example",
		DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// coreUser creates an account with the given role and returns it as an Actor.
func coreUser(t testing.TB, d *db.DB, role string) Actor {
	t.Helper()
	now := db.Now()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("%s-%d@example.org", role, now.UnixNano()), role, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Role: role}
}

// coreInput is a valid initiative.
func coreInput() Input {
	return Input{Title: "Jardin partagé de la rue Oberkampf", Summary: "Un jardin partagé ouvert à tous les habitants du quartier.",
		Description: "Nous **jardinons** chaque samedi.", Theme: "greening", DistrictCode: "75111", Address: "12 rue Oberkampf",
		Ongoing: true, Links: "https://example.org/jardin"}
}

// corePublished creates an initiative by a new volunteer and has a new
// moderator publish it.
func corePublished(t testing.TB, s *Service, in Input) (int64, Actor) {
	t.Helper()
	ctx := context.Background()
	owner := coreUser(t, s.DB, "volunteer")
	id, errs, err := s.Create(ctx, owner, in, true)
	if err != nil || len(errs) > 0 {
		t.Fatalf("create: %v %v", errs, err)
	}
	if err := s.Act(ctx, owner, id, "submit"); err != nil {
		t.Fatal(err)
	}
	if errs, err := s.Decide(ctx, coreUser(t, s.DB, "moderator"), id, Approve, ""); err != nil || len(errs) > 0 {
		t.Fatalf("approve: %v %v", errs, err)
	}
	return id, owner
}

// coreMails reads the mails queued in the outbox.
func coreMails(t testing.TB, d *db.DB) []outbox.Email {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT payload FROM outbox_jobs WHERE kind = ? ORDER BY id", outbox.KindEmail)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outbox.Email
	for rows.Next() {
		var p []byte
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		var m outbox.Email
		if err := json.Unmarshal(p, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func itoa(n int64) string { return fmt.Sprint(n) }
