package events

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/volunteers"
)

// pgDistricts are three arrondissements with their centroids.
type pgDistricts struct{}

func (pgDistricts) List(context.Context) ([]districts.District, error) {
	return []districts.District{
		{Code: "4", Name: "Hôtel-de-Ville", Position: 4, Lat: 48.8543, Lon: 2.3576},
		{Code: "11", Name: "Popincourt", Position: 11, Lat: 48.8591, Lon: 2.3801},
		{Code: "16", Name: "Passy", Position: 16, Lat: 48.8604, Lon: 2.2620},
	}, nil
}

type pgPeople struct{}

func (pgPeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	out := make([]volunteers.Contact, len(ids))
	for i, id := range ids {
		out[i] = volunteers.Contact{UserID: id, Name: fmt.Sprint("User ", id), Email: fmt.Sprintf("user%d@example.org", id), Lang: "fr"}
	}
	return out, nil
}

// pgInitiatives says who organises which initiative.
type pgInitiatives map[[2]int64]bool

func (p pgInitiatives) Organises(_ context.Context, initiative, user int64) (bool, error) {
	return p[[2]int64{initiative, user}], nil
}

func (p pgInitiatives) Get(context.Context, int64) (initiatives.Initiative, error) {
	return initiatives.Initiative{}, initiatives.ErrNotFound
}

func (p pgInitiatives) Mine(context.Context, int64) ([]initiatives.Initiative, error) {
	return nil, nil
}

func pgService(t testing.TB, d *db.DB, ins pgInitiatives) *Service {
	t.Helper()
	ctx := context.Background()
	ds, _ := pgDistricts{}.List(ctx)
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, x := range ds {
			if err := districts.Upsert(ctx, tx, x); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := NewService(Deps{DB: d, Districts: pgDistricts{}, People: pgPeople{}, Initiatives: ins, BaseURL: "https://cv.example"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pgUser(t testing.TB, d *db.DB, role string) Actor {
	t.Helper()
	now := db.Now()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("pg-%s-%d@example.org", role, now.UnixNano()), role, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Role: role}
}

func pgExec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if err := d.Tx(context.Background(), func(tx *db.Tx) error { _, err := tx.Exec(context.Background(), q, args...); return err }); err != nil {
		t.Fatal(err)
	}
}

// pgInitiative inserts a published initiative.
func pgInitiative(t testing.TB, d *db.DB, title string) int64 {
	t.Helper()
	now := db.Now()
	var id int64
	if err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO initiatives (title, summary, theme, district_code, status, created_at, updated_at)
			VALUES (?, 'Résumé', 'waste', '11', 'published', ?, ?) RETURNING id`, title, now, now).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// pgInput is a valid City event in the 11th, on 1 July 2027 at 18:00.
func pgInput() Input {
	return Input{Title: "Repair café de la rue Oberkampf", Summary: "Réparer ensemble.", Description: "Venez **nombreux**.",
		Theme: "waste", OwnerKind: OwnerCity, DistrictCode: "11", Address: "12 rue Oberkampf",
		StartsAt: "2027-07-01T18:00", EndsAt: "2027-07-01T21:00", Capacity: "30", Accessibility: "Plain-pied."}
}

func pgHas(errs []FieldError, field, key string) bool {
	for _, e := range errs {
		if e.Field == field && e.Key == key {
			return true
		}
	}
	return false
}

func TestPagesCreateRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		organiser := pgUser(t, d, "volunteer")
		ins := pgInitiatives{}
		s := pgService(t, d, ins)
		initiative := pgInitiative(t, d, "Repair café Oberkampf")
		ins[[2]int64{initiative, organiser.UserID}] = true

		volunteer := pgUser(t, d, "volunteer")
		_, errs, err := s.Create(ctx, volunteer, pgInput())
		if err != nil || !pgHas(errs, "owner", "events.error.owner_rights") {
			t.Errorf("a volunteer creates a City event: %v %v", errs, err)
		}
		forInitiative := pgInput()
		forInitiative.OwnerKind, forInitiative.InitiativeID = OwnerInitiative, strconv.FormatInt(initiative, 10)
		if _, errs, err := s.Create(ctx, volunteer, forInitiative); err != nil || !pgHas(errs, "initiative", "events.error.owner_rights") {
			t.Errorf("a non-organiser creates for the initiative: %v %v", errs, err)
		}
		partnerInput := pgInput()
		partnerInput.OwnerKind, partnerInput.Partner = OwnerPartner, "Association (test)"
		if _, errs, err := s.Create(ctx, volunteer, partnerInput); err != nil || !pgHas(errs, "owner", "events.error.owner_rights") {
			t.Errorf("a volunteer creates a partner event: %v %v", errs, err)
		}
		if id, errs, err := s.Create(ctx, organiser, forInitiative); err != nil || len(errs) > 0 || id == 0 {
			t.Errorf("the initiative's organiser: %d %v %v", id, errs, err)
		}
		if id, errs, err := s.Create(ctx, pgUser(t, d, "partner"), partnerInput); err != nil || len(errs) > 0 || id == 0 {
			t.Errorf("a partner: %d %v %v", id, errs, err)
		}
		coordinator := pgUser(t, d, "coordinator")
		id, errs, err := s.Create(ctx, coordinator, pgInput())
		if err != nil || len(errs) > 0 {
			t.Fatalf("a coordinator creates a City event: %v %v", errs, err)
		}
		e, err := s.store.Get(ctx, id)
		if err != nil || e.Status != Draft || e.OwnerKind != OwnerCity || e.Capacity != 30 {
			t.Errorf("stored: %+v %v", e, err)
		}
		// Drafts stay out of the list until published.
		res, err := s.store.List(ctx, ListQuery{From: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil || res.Total != 0 {
			t.Errorf("drafts listed: %+v %v", res, err)
		}
		if err := s.Publish(ctx, volunteer, id); !errors.Is(err, ErrForbidden) {
			t.Errorf("a volunteer publishes: %v", err)
		}
		if err := s.Publish(ctx, coordinator, id); err != nil {
			t.Fatal(err)
		}
		if err := s.Publish(ctx, coordinator, id); !errors.Is(err, ErrTransition) {
			t.Errorf("published twice: %v", err)
		}
	})
}

func TestPagesRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := pgService(t, d, pgInitiatives{})
		staff := pgUser(t, d, "coordinator")

		in := pgInput()
		in.EndsAt = "2027-07-01T17:00"
		if _, errs, err := s.Create(ctx, staff, in); err != nil || !pgHas(errs, "ends_at", "events.error.end_before_start") {
			t.Errorf("end before start: %v %v", errs, err)
		}
		in = pgInput()
		in.ClosesAt = "2027-07-02T09:00"
		if _, errs, err := s.Create(ctx, staff, in); err != nil || !pgHas(errs, "closes_at", "events.error.closes_after_end") {
			t.Errorf("registration closing after the end: %v %v", errs, err)
		}
		in = pgInput()
		in.DistrictCode, in.OnlineURL = "", ""
		if _, errs, err := s.Create(ctx, staff, in); err != nil || !pgHas(errs, "district", "events.error.place") {
			t.Errorf("no place: %v %v", errs, err)
		}

		id, errs, err := s.Create(ctx, staff, pgInput())
		if err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		pgExec(t, d, "UPDATE events SET confirmed = 10 WHERE id = ?", id)
		e, _ := s.store.Get(ctx, id)
		in = pgInput()
		in.Capacity, in.Version = "5", e.Version
		if errs, err := s.Update(ctx, staff, id, in); err != nil || !pgHas(errs, "capacity", "events.error.capacity_below_confirmed") {
			t.Errorf("capacity below confirmed: %v %v", errs, err)
		}
		in.Capacity = "10"
		if errs, err := s.Update(ctx, staff, id, in); err != nil || len(errs) > 0 {
			t.Errorf("capacity equal to confirmed: %v %v", errs, err)
		}
		// The form was read at version 1; someone saved since.
		in.Capacity, in.Title = "40", "Repair café (modifié)"
		if _, err := s.Update(ctx, staff, id, in); !errors.Is(err, ErrConflict) {
			t.Errorf("stale version: %v", err)
		}
		if e, _ := s.store.Get(ctx, id); e.Capacity != 10 || e.Version != 2 {
			t.Errorf("after the conflict: capacity %d version %d", e.Capacity, e.Version)
		}
		if _, err := s.Update(ctx, pgUser(t, d, "volunteer"), id, in); !errors.Is(err, ErrForbidden) {
			t.Errorf("a stranger edits: %v", err)
		}
	})
}

// Form values are Paris time: summer time is UTC+2, winter time UTC+1.
func TestPagesTimeZone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := pgService(t, d, pgInitiatives{})
		staff := pgUser(t, d, "coordinator")
		for _, c := range []struct {
			local string
			utc   time.Time
		}{
			{"2027-07-01T18:00", time.Date(2027, 7, 1, 16, 0, 0, 0, time.UTC)},
			{"2027-01-15T18:00", time.Date(2027, 1, 15, 17, 0, 0, 0, time.UTC)},
		} {
			in := pgInput()
			in.StartsAt = c.local
			end, _ := ParseLocal(c.local)
			in.EndsAt = FormatLocal(end.Add(2 * time.Hour))
			id, errs, err := s.Create(ctx, staff, in)
			if err != nil || len(errs) > 0 {
				t.Fatal(errs, err)
			}
			e, err := s.store.Get(ctx, id)
			if err != nil || !e.StartsAt.Equal(c.utc) || !e.EndsAt.Equal(c.utc.Add(2*time.Hour)) {
				t.Errorf("%s stored as %v (want %v) %v", c.local, e.StartsAt, c.utc, err)
			}
			var hour int
			var raw time.Time
			if err := d.QueryRow(ctx, "SELECT starts_at FROM events WHERE id = ?", id).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if hour = raw.UTC().Hour(); hour != c.utc.Hour() {
				t.Errorf("%s: the row holds %v", c.local, raw)
			}
			if FormatLocal(e.StartsAt) != c.local {
				t.Errorf("shown back as %s, want %s", FormatLocal(e.StartsAt), c.local)
			}
		}
	})
}

func TestPagesDeleteSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := pgService(t, d, pgInitiatives{})
		staff := pgUser(t, d, "coordinator")
		id, _, err := s.Create(ctx, staff, pgInput())
		if err != nil {
			t.Fatal(err)
		}
		free, errs, err := s.AddSession(ctx, staff, id, SessionInput{Title: "Vélos", StartsAt: "2027-07-01T18:00", EndsAt: "2027-07-01T19:00", Capacity: "10"})
		if err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		taken, _, _ := s.AddSession(ctx, staff, id, SessionInput{Title: "Couture", StartsAt: "2027-07-01T19:00", EndsAt: "2027-07-01T20:00"})
		if _, errs, _ := s.AddSession(ctx, staff, id, SessionInput{Title: "Trop tard", StartsAt: "2027-07-01T20:30", EndsAt: "2027-07-01T22:00"}); !pgHas(errs, "session_starts_at", "events.error.session_outside") {
			t.Errorf("workshop after the event: %v", errs)
		}
		person := pgUser(t, d, "volunteer")
		now := db.Now()
		var reg int64
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
				VALUES (?, ?, 'confirmed', 'pg-ticket-1', ?, ?) RETURNING id`, id, person.UserID, now, now).Scan(&reg)
		}); err != nil {
			t.Fatal(err)
		}
		pgExec(t, d, "INSERT INTO event_session_choices (registration_id, session_id, status, created_at) VALUES (?, ?, 'confirmed', ?)", reg, taken, now)
		pgExec(t, d, "UPDATE event_sessions SET confirmed = 1 WHERE id = ?", taken)

		if err := s.DeleteSession(ctx, person, id, free); !errors.Is(err, ErrForbidden) {
			t.Errorf("a participant removes a workshop: %v", err)
		}
		if err := s.DeleteSession(ctx, staff, id, taken); !errors.Is(err, ErrSessionTaken) {
			t.Errorf("a chosen workshop removed: %v", err)
		}
		if err := s.DeleteSession(ctx, staff, id, 999999); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown workshop: %v", err)
		}
		if err := s.DeleteSession(ctx, staff, id, free); err != nil {
			t.Fatal(err)
		}
		ss, _ := s.store.Sessions(ctx, id)
		if len(ss) != 1 || ss[0].ID != taken {
			t.Errorf("left: %+v", ss)
		}
	})
}

func TestPagesListFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := pgService(t, d, pgInitiatives{})
		staff := pgUser(t, d, "coordinator")
		mk := func(title, theme, district, online, starts string, publish bool) int64 {
			in := pgInput()
			in.Title, in.Theme, in.DistrictCode, in.OnlineURL, in.StartsAt = title, theme, district, online, starts
			t0, _ := ParseLocal(starts)
			in.EndsAt = FormatLocal(t0.Add(2 * time.Hour))
			id, errs, err := s.Create(ctx, staff, in)
			if err != nil || len(errs) > 0 {
				t.Fatal(title, errs, err)
			}
			if publish {
				if err := s.Publish(ctx, staff, id); err != nil {
					t.Fatal(err)
				}
			}
			return id
		}
		a := mk("Compost au 11e", "waste", "11", "", "2027-03-01T10:00", true)
		b := mk("Vélo au 4e", "mobility", "4", "", "2027-03-02T10:00", true)
		c := mk("Webinaire énergie", "energy", "", "https://visio.example.org/x", "2027-03-03T18:00", true)
		p := mk("Balade à Passy", "greening", "16", "", "2027-04-01T10:00", true)
		mk("Brouillon", "waste", "11", "", "2027-03-01T12:00", false)
		if _, err := s.Cancel(ctx, staff, b, "Pluie"); err != nil {
			t.Fatal(err)
		}
		from := time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
		ids := func(q ListQuery) []int64 {
			t.Helper()
			if q.From.IsZero() {
				q.From = from
			}
			res, err := s.store.List(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, e := range res.Items {
				out = append(out, e.ID)
			}
			if len(out) != res.Total && q.Offset == 0 && res.Total <= PageSize {
				t.Errorf("total %d for %d items", res.Total, len(out))
			}
			return out
		}
		eq := func(name string, got []int64, want ...int64) {
			t.Helper()
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %v, want %v", name, got, want)
			}
		}
		eq("all (cancelled kept, draft hidden)", ids(ListQuery{}), a, b, c, p)
		eq("theme", ids(ListQuery{Theme: "waste"}), a)
		eq("district", ids(ListQuery{District: "4"}), b)
		eq("online", ids(ListQuery{Mode: ModeOnline}), c)
		eq("in person", ids(ListQuery{Mode: ModeInPerson}), a, b, p)
		centre := Point{48.8591, 2.3801}
		eq("near the 11th", ids(ListQuery{Near: &centre}), a, b)
		eq("from March 2", ids(ListQuery{From: time.Date(2027, 3, 2, 0, 0, 0, 0, time.UTC)}), b, c, p)
		res, _ := s.store.List(ctx, ListQuery{From: from})
		if res.ByDistrict["11"] != 1 || res.ByDistrict["16"] != 1 || res.Total != 4 {
			t.Errorf("counts: %v total %d", res.ByDistrict, res.Total)
		}
		res, _ = s.store.List(ctx, ListQuery{From: from, Limit: 2, Offset: 2})
		if len(res.Items) != 2 || res.Items[0].ID != c {
			t.Errorf("second page: %+v", res.Items)
		}

		// "My events": registered (confirmed and waitlisted) and organised.
		person := pgUser(t, d, "volunteer")
		now := db.Now()
		pgExec(t, d, `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
			VALUES (?, ?, 'waitlisted', 'pg-t-a', ?, ?)`, a, person.UserID, now, now)
		pgExec(t, d, `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at)
			VALUES (?, ?, 'cancelled', 'pg-t-c', ?, ?)`, c, person.UserID, now, now)
		mine, err := s.store.Registered(ctx, person.UserID, from, false, 10)
		if err != nil || len(mine) != 1 || mine[0].ID != a || mine[0].RegStatus != RegWaitlisted || mine[0].Ticket != "pg-t-a" {
			t.Errorf("registered: %+v %v", mine, err)
		}
		org, err := s.store.Organised(ctx, staff.UserID, nil, from, 10)
		if err != nil || len(org) != 5 {
			t.Errorf("organised: %d %v", len(org), err)
		}
	})
}
