package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// eventCheckinRoutes are the route-by-role lines of the events' checkin part.
// The event is a published City event: City staff (coordinators) and
// admins run its check-in desk, everyone else is refused; its ticket is
// public to whoever holds the code.
func eventCheckinRoutes(t *testing.T, a *apptest.App) []routeCase {
	ev, reg, code := chkAppEvent(t, a, "Accueil du tableau des routes", "RouteTableTicket0123456789")
	base := "/events/" + strconv.FormatInt(ev, 10)
	return []routeCase{
		{"GET /tickets/{code}", "/tickets/" + code, public, 200, 200, false},
		{"GET /tickets/{code}/qr.png", "/tickets/" + code + "/qr.png", public, 200, 200, false},
		{"GET /events/{id}/checkin", base + "/checkin", coordinators, 303, 200, false},
		{"POST /events/{id}/checkin", base + "/checkin", coordinators, 403, 422, false},
		{"POST /events/{id}/checkin/{reg}/undo", base + "/checkin/" + strconv.FormatInt(reg, 10) + "/undo", coordinators, 403, 303, false},
		{"GET /events/{id}/attendance.csv", base + "/attendance.csv", coordinators, 303, 200, false},
	}
}

// chkAppEvent writes a published City event with one confirmed
// registration whose ticket is code, straight in SQL (the check-in tests do
// not depend on the registration engine).
func chkAppEvent(t testing.TB, a *apptest.App, title, code string) (eventID, regID int64, _ string) {
	t.Helper()
	user := a.CreateUser(t, "chk-"+code+"@example.org", auth.RoleVolunteer)
	now := db.Now()
	starts := now.Add(24 * time.Hour).Truncate(time.Hour)
	err := a.DB.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO events (title, theme, owner_kind, address, starts_at, ends_at,
			status, created_at, updated_at, published_at) VALUES (?, 'greening', 'city', '5 place de l’Hôtel de Ville', ?, ?, 'published', ?, ?, ?)
			RETURNING id`, title, starts, starts.Add(2*time.Hour), now, now, now).Scan(&eventID)
	})
	if err != nil {
		t.Fatal(err)
	}
	regID = chkAppRegisterAs(t, a, eventID, user, "confirmed", code)
	return eventID, regID, code
}

// chkAppRegisterAs writes a registration of user with status and ticket
// code and moves the event's counters.
func chkAppRegisterAs(t testing.TB, a *apptest.App, eventID, user int64, status, code string) int64 {
	t.Helper()
	now := db.Now()
	var id int64
	err := a.DB.Tx(context.Background(), func(tx *db.Tx) error {
		if err := tx.QueryRow(context.Background(), `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, eventID, user, status, code, now, now).Scan(&id); err != nil {
			return err
		}
		col := map[string]string{"confirmed": "confirmed", "waitlisted": "waitlisted"}[status]
		if col == "" {
			return nil
		}
		_, err := tx.Exec(context.Background(), "UPDATE events SET "+col+" = "+col+" + 1 WHERE id = ?", eventID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
