package initiatives

import (
	"context"
	"strings"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// activePeople answers like corePeople, leaving out suspended accounts as
// volunteers.Store.Contacts does.
type activePeople struct{ suspended map[int64]bool }

func (p activePeople) Contacts(ctx context.Context, ids []int64) ([]volunteers.Contact, error) {
	all, _ := corePeople{}.Contacts(ctx, ids)
	var out []volunteers.Contact
	for _, c := range all {
		if !p.suspended[c.UserID] {
			out = append(out, c)
		}
	}
	return out, nil
}

func mailsTo(ms []outbox.Email, u Actor) []outbox.Email {
	var out []outbox.Email
	for _, m := range ms {
		if m.To == "user"+itoa(u.UserID)+"@example.org" {
			out = append(out, m)
		}
	}
	return out
}

func post(t *testing.T, s *Service, o Actor, id int64, body string) int64 {
	t.Helper()
	uid, errs, err := s.PostUpdate(t.Context(), o, id, body)
	if err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	return uid
}

func cursor(t *testing.T, d *db.DB, u Actor) int64 {
	t.Helper()
	var c int64
	d.QueryRow(t.Context(), "SELECT last_update_id FROM initiative_digests WHERE user_id = ?", u.UserID).Scan(&c)
	return c
}

func TestDigestGathersUpdatesIntoOneMailPerPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		a, ownerA := corePublished(t, s, coreInput())
		inB := coreInput()
		inB.Title = "Atelier vélo du 20e"
		b, ownerB := corePublished(t, s, inB)
		before := len(coreMails(t, d)) // the publication mails

		// History before joining is not news.
		post(t, s, ownerA, a, "Ancienne nouvelle")
		both, onlyA, suspended := coreUser(t, d, "volunteer"), coreUser(t, d, "volunteer"), coreUser(t, d, "volunteer")
		s.People = activePeople{suspended: map[int64]bool{suspended.UserID: true}}
		for _, err := range []error{s.Join(ctx, both, a), s.Follow(ctx, both, b), s.Follow(ctx, onlyA, a), s.Join(ctx, suspended, a)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		post(t, s, ownerA, a, "Samedi : **plantation** des bulbes")
		post(t, s, ownerB, b, "Nouvel horaire le mardi")
		last := post(t, s, ownerA, a, "Merci à toutes et tous")

		n, err := s.SendDigests(ctx)
		if err != nil || n != 2 {
			t.Fatalf("first run: %d mails, %v", n, err)
		}
		mails := coreMails(t, d)[before:]
		if len(mails) != 2 {
			t.Fatalf("%d mails queued, want 2", len(mails))
		}
		m := mailsTo(mails, both)
		if len(m) != 1 {
			t.Fatalf("%d mails to the person following both", len(m))
		}
		for _, want := range []string{"Samedi : **plantation** des bulbes", "Nouvel horaire le mardi", "Merci à toutes et tous",
			"Jardin partagé", "Atelier vélo du 20e", "https://cv.example/initiatives/" + itoa(a), "https://cv.example/initiatives/" + itoa(b),
			"https://cv.example/my/updates"} {
			if !strings.Contains(m[0].Text, want) {
				t.Errorf("the digest's text lacks %q", want)
			}
		}
		if strings.Contains(m[0].Text, "Ancienne nouvelle") {
			t.Error("a newcomer got the history")
		}
		if !strings.Contains(m[0].HTML, "<strong>plantation</strong>") || strings.Contains(m[0].Subject, "\n") {
			t.Errorf("html or subject: %q", m[0].Subject)
		}
		if m := mailsTo(mails, onlyA); len(m) != 1 || strings.Contains(m[0].Text, "Nouvel horaire") {
			t.Errorf("the follower of a only: %+v", m)
		}
		for _, o := range []Actor{ownerA, ownerB, suspended} {
			if len(mailsTo(mails, o)) != 0 {
				t.Errorf("user %d was mailed", o.UserID)
			}
		}
		if c := cursor(t, d, both); c != last {
			t.Errorf("cursor %d, want %d", c, last)
		}
		if c := cursor(t, d, suspended); c != last {
			t.Errorf("a suspended account's cursor %d, want %d (moved without a mail)", c, last)
		}

		// Nothing new: nothing sent.
		if n, err := s.SendDigests(ctx); err != nil || n != 0 {
			t.Fatalf("second run: %d mails, %v", n, err)
		}
		// One more update: one more mail each, with only that update.
		post(t, s, ownerB, b, "Annulé pour cause de pluie")
		if n, err := s.SendDigests(ctx); err != nil || n != 1 {
			t.Fatalf("third run: %d mails, %v", n, err)
		}
		mails = coreMails(t, d)
		if lastMail := mails[len(mails)-1]; !strings.Contains(lastMail.Text, "Annulé") || strings.Contains(lastMail.Text, "Samedi") {
			t.Errorf("third digest: %s", lastMail.Text)
		}
	})
}

func TestDigestRunsAtOnceMailOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())
		before := len(coreMails(t, d))
		const people = 30
		for range people {
			if err := s.Follow(ctx, coreUser(t, d, "volunteer"), id); err != nil {
				t.Fatal(err)
			}
		}
		post(t, s, owner, id, "Une")
		post(t, s, owner, id, "Deux")
		// Two instances at the same time: every follower gets one mail.
		var wg sync.WaitGroup
		total := 0
		var mu sync.Mutex
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := s.SendDigests(ctx)
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if got := len(coreMails(t, d)) - before; got != people || total != people {
			t.Errorf("%d mails queued (%d counted), want %d", got, total, people)
		}
	})
}

func TestDigestBatchesManyPeople(t *testing.T) {
	if testing.Short() {
		t.Skip("many accounts")
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())
		before := len(coreMails(t, d))
		// More followers than one batch, added in bulk.
		n := digestBatch*2 + 7
		now := db.Now()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for i := range n {
				var u int64
				if err := tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
					VALUES (?, '', 'volunteer', 'active', 'fr', ?, ?) RETURNING id`, "bulk"+itoa(int64(i))+"@example.org", now, now).Scan(&u); err != nil {
					return err
				}
				if _, err := insertMember(ctx, tx, id, u, RoleFollower, now); err != nil {
					return err
				}
			}
			return addCounts(ctx, tx, id, 0, n)
		})
		if err != nil {
			t.Fatal(err)
		}
		post(t, s, owner, id, "Pour tout le monde")
		if sent, err := s.SendDigests(ctx); err != nil || sent != n {
			t.Fatalf("%d mails, %v; want %d", sent, err, n)
		}
		if got := len(coreMails(t, d)) - before; got != n {
			t.Errorf("%d mails queued, want %d", got, n)
		}
	})
}

func TestRunDigestsStopsWithContext(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	s := coreService(t, d)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- s.RunDigests(ctx, 0) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
