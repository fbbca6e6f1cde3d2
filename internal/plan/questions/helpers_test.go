package questions_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/plan/questions"
	"climatevolunteers/internal/volunteers"
)

// people answers Contacts from the users table, as the volunteers' store does.
type people struct{ d *db.DB }

func (p people) Contacts(ctx context.Context, ids []int64) ([]volunteers.Contact, error) {
	var out []volunteers.Contact
	for _, id := range ids {
		c := volunteers.Contact{UserID: id}
		err := p.d.QueryRow(ctx, "SELECT display_name, email, language FROM users WHERE id = ? AND status = 'active'", id).
			Scan(&c.Name, &c.Email, &c.Lang)
		if err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

type fixture struct {
	d      *db.DB
	svc    *questions.Service
	action int64 // with two responsible departments
	bare   int64 // with none
}

func newFixture(t *testing.T, d *db.DB, lim questions.Limiter) fixture {
	t.Helper()
	svc, err := questions.NewService(questions.Deps{DB: d, People: people{d}, Limiter: lim, BaseURL: "https://example.org"})
	if err != nil {
		t.Fatal(err)
	}
	f := fixture{d: d, svc: svc}
	ctx := context.Background()
	now := db.Now()
	err = d.Tx(ctx, func(tx *db.Tx) error {
		var theme int64
		if err := tx.QueryRow(ctx, "INSERT INTO plan_themes (slug, name) VALUES ('mobilite', 'Mobilité') RETURNING id").Scan(&theme); err != nil {
			return err
		}
		for i, id := range []*int64{&f.action, &f.bare} {
			if err := tx.QueryRow(ctx, `INSERT INTO plan_actions (identifier, title, theme_id, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?) RETURNING id`, fmt.Sprintf("M%d", i+1), fmt.Sprintf("Action %d", i+1), theme, now, now).Scan(id); err != nil {
				return err
			}
		}
		for i, name := range []string{"Direction de la Voirie et des Déplacements", "Direction de l'Urbanisme"} {
			if _, err := tx.Exec(ctx, "INSERT INTO plan_action_responsibles (action_id, kind, name, position) VALUES (?, 'department', ?, ?)",
				f.action, name, i); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, "INSERT INTO plan_action_responsibles (action_id, kind, name) VALUES (?, 'partner', 'Île-de-France Mobilités')", f.action)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f fixture) user(t *testing.T, email string, role auth.Role, lang string) questions.Actor {
	t.Helper()
	var id int64
	now := db.Now()
	err := f.d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, role, language, display_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, email, string(role), lang, "Nom "+email, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return questions.Actor{UserID: id, Role: role}
}

func (f fixture) ask(t *testing.T, a questions.Actor, title string) int64 {
	t.Helper()
	id, errs, err := f.svc.Ask(context.Background(), a, f.action, questions.AskInput{Title: title, Body: "Quand les travaux commencent-ils ?"})
	if err != nil || len(errs) > 0 {
		t.Fatalf("ask: %v %v", errs, err)
	}
	return id
}

// mails are the queued emails by recipient.
func mails(t *testing.T, d *db.DB) map[string]outbox.Email {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT payload FROM outbox_jobs WHERE kind = 'email'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]outbox.Email{}
	for rows.Next() {
		var p string
		var m outbox.Email
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(p), &m); err != nil {
			t.Fatal(err)
		}
		out[m.To] = m
	}
	return out
}

// fixedClock is a rate limiter's clock that only moves by hand.
type fixedClock struct{ now time.Time }

func (c *fixedClock) Now() time.Time { return c.now }
