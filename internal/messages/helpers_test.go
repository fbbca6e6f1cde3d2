package messages_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/messages"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

const site = "https://volontaires.example"

// fakeAudience answers every filter with the same recipients, or with
// what pick returns when set.
type fakeAudience struct {
	rs   []volunteers.Recipient
	pick func(volunteers.Filter) []volunteers.Recipient
	last volunteers.Filter
}

func (a *fakeAudience) Recipients(_ context.Context, f volunteers.Filter) ([]volunteers.Recipient, error) {
	a.last = f
	if a.pick != nil {
		return a.pick(f), nil
	}
	return a.rs, nil
}

type fakeConsents struct{ withdrawn []int64 }

func (c *fakeConsents) SetConsent(_ context.Context, userID int64, purpose string, grant bool) error {
	if purpose != "newsletter" || grant {
		return fmt.Errorf("unexpected consent change %s %v", purpose, grant)
	}
	c.withdrawn = append(c.withdrawn, userID)
	return nil
}

type fakeLists struct{}

func (fakeLists) List(context.Context) ([]districts.District, error) {
	return []districts.District{{Code: "11", Name: "Paris 11e"}, {Code: "20", Name: "Paris 20e"}}, nil
}

func (fakeLists) Skills(context.Context, bool) ([]volunteers.Skill, error) {
	return []volunteers.Skill{{Code: "repair", LabelFR: "Réparation", LabelEN: "Repair", Active: true}}, nil
}

// newService builds the service over d with fakes for the other features.
func newService(t testing.TB, d *db.DB, a messages.Audience, c messages.Consents) *messages.Service {
	t.Helper()
	if c == nil {
		c = &fakeConsents{}
	}
	svc, err := messages.NewService(messages.Deps{DB: d, Audience: a, Consents: c, Skills: fakeLists{},
		Districts: fakeLists{}, BaseURL: site})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// addUsers creates n accounts named prefix-i@example.org, with multi-row
// inserts so that benchmarks can make 15,000 quickly, and returns their ids.
func addUsers(t testing.TB, d *db.DB, prefix string, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	const chunk = 500
	for start := 0; start < n; start += chunk {
		size := min(chunk, n-start)
		args := make([]any, 0, 4*size)
		for i := start; i < start+size; i++ {
			args = append(args, fmt.Sprintf("%s-%d@example.org", prefix, i), now, now, "fr")
		}
		_, err := d.Exec(ctx, "INSERT INTO users (email, created_at, updated_at, language) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", size), ", "), args...)
		if err != nil {
			t.Fatal(err)
		}
	}
	rows, err := d.Query(ctx, "SELECT id FROM users WHERE email LIKE ? ORDER BY id", prefix+"-%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if len(ids) != n {
		t.Fatalf("created %d users, want %d", len(ids), n)
	}
	return ids
}

func jobsByKind(t testing.TB, d *db.DB) map[string][]outbox.JobInfo {
	t.Helper()
	all, err := outbox.List(context.Background(), d, "", 100000, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]outbox.JobInfo{}
	for _, j := range all {
		out[j.Kind] = append(out[j.Kind], j)
	}
	return out
}

func count(t testing.TB, d *db.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func draft(author int64) messages.Draft {
	return messages.Draft{AuthorID: author, Subject: "Canicule : points d'eau", Body: "Bonjour,\r\nles fontaines sont ouvertes.\r\n\r\n<b>Merci</b>",
		Segment: messages.Everyone()}
}
