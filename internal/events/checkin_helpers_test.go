package events

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/volunteers"
)

// Helpers of the check-in tests, prefixed chk. Registrations are written
// with SQL so that these tests do not depend on the registration engine.

type chkDistricts struct{}

func (chkDistricts) List(context.Context) ([]districts.District, error) {
	return []districts.District{{Code: "75111", Name: "Paris 11e", Lat: 48.8590, Lon: 2.3800}}, nil
}

// chkPeople answers names from a map (User <id> otherwise).
type chkPeople struct{ names map[int64]string }

func (p chkPeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	out := make([]volunteers.Contact, 0, len(ids))
	for _, id := range ids {
		name, ok := p.names[id]
		if !ok {
			name = fmt.Sprintf("User %d", id)
		}
		out = append(out, volunteers.Contact{UserID: id, Name: name, Email: fmt.Sprintf("user%d@example.org", id), Lang: "fr"})
	}
	return out, nil
}

type chkInitiatives struct{}

func (chkInitiatives) Organises(context.Context, int64, int64) (bool, error) { return false, nil }

func (chkInitiatives) Get(context.Context, int64) (initiatives.Initiative, error) {
	return initiatives.Initiative{}, initiatives.ErrNotFound
}

func (chkInitiatives) Mine(context.Context, int64) ([]initiatives.Initiative, error) { return nil, nil }

func chkService(t testing.TB, d *db.DB, names map[int64]string) *Service {
	t.Helper()
	s, err := NewService(Deps{DB: d, Districts: chkDistricts{}, People: chkPeople{names}, Initiatives: chkInitiatives{},
		BaseURL: "https://cv.example"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var chkSeq atomic.Int64

func chkUser(t testing.TB, d *db.DB, role string) Actor {
	t.Helper()
	now := db.Now()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("chk-%s-%d@example.org", role, chkSeq.Add(1)), role, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Role: role}
}

func chkExec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if err := d.Tx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// chkEvent creates a published City event in the 11th run by organiser.
func chkEvent(t testing.TB, d *db.DB, organiser Actor, title string) int64 {
	t.Helper()
	now := db.Now()
	starts := now.Add(48 * time.Hour).Truncate(time.Hour)
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		if err := tx.QueryRow(context.Background(), `INSERT INTO events (title, theme, owner_kind, district_code, address,
			starts_at, ends_at, status, created_by, created_at, updated_at, published_at)
			VALUES (?, 'greening', 'city', NULL, '12 rue Oberkampf', ?, ?, 'published', ?, ?, ?, ?) RETURNING id`,
			title, starts, starts.Add(3*time.Hour), organiser.UserID, now, now, now).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), "INSERT INTO event_organisers (event_id, user_id, created_at) VALUES (?, ?, ?)",
			id, organiser.UserID, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// chkRegister writes a registration with status and returns its id and
// ticket code; the event's counters follow.
func chkRegister(t testing.TB, d *db.DB, eventID, userID int64, status string) (int64, string) {
	t.Helper()
	now := db.Now()
	code := fmt.Sprintf("chkTicket%015d", chkSeq.Add(1))
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		if err := tx.QueryRow(context.Background(), `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, eventID, userID, status, code, now, now).Scan(&id); err != nil {
			return err
		}
		switch status {
		case RegConfirmed:
			_, err := tx.Exec(context.Background(), "UPDATE events SET confirmed = confirmed + 1 WHERE id = ?", eventID)
			return err
		case RegWaitlisted:
			_, err := tx.Exec(context.Background(), "UPDATE events SET waitlisted = waitlisted + 1 WHERE id = ?", eventID)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, code
}

// chkSession adds a workshop to an event.
func chkSession(t testing.TB, d *db.DB, eventID int64, title string, offset time.Duration) int64 {
	t.Helper()
	var starts time.Time
	if err := d.QueryRow(context.Background(), "SELECT starts_at FROM events WHERE id = ?", eventID).Scan(&starts); err != nil {
		t.Fatal(err)
	}
	starts = starts.Add(offset)
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO event_sessions (event_id, title, starts_at, ends_at)
			VALUES (?, ?, ?, ?) RETURNING id`, eventID, title, starts, starts.Add(time.Hour)).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func chkChoose(t testing.TB, d *db.DB, regID, sessionID int64, status string) {
	t.Helper()
	chkExec(t, d, "INSERT INTO event_session_choices (registration_id, session_id, status, created_at) VALUES (?, ?, ?, ?)",
		regID, sessionID, status, db.Now())
}

func chkCounter(t testing.TB, d *db.DB, eventID int64) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT checked_in FROM events WHERE id = ?", eventID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
