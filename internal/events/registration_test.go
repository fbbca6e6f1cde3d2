package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// Helpers of the registration tests carry a "reg" prefix: other parts of
// the feature have test files in the same package.

type regDistricts struct{}

func (regDistricts) List(context.Context) ([]districts.District, error) {
	return []districts.District{{Code: "75111", Name: "Paris 11e", Lat: 48.8590, Lon: 2.3800}}, nil
}

// regPeople answers every account as user<id>@example.org, in French.
type regPeople struct{}

func (regPeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	out := make([]volunteers.Contact, len(ids))
	for i, id := range ids {
		out[i] = volunteers.Contact{UserID: id, Name: fmt.Sprintf("User %d", id), Email: fmt.Sprintf("user%d@example.org", id), Lang: "fr"}
	}
	return out, nil
}

// regPeopleDB finds accounts by address in the test database, as the
// volunteers' store does in the platform.
type regPeopleDB struct {
	regPeople
	accounts *volunteers.Store
}

func (p regPeopleDB) AccountByEmail(ctx context.Context, email string) (int64, bool, error) {
	return p.accounts.AccountByEmail(ctx, email)
}

type regNoInitiatives struct{}

func (regNoInitiatives) Organises(context.Context, int64, int64) (bool, error) { return false, nil }

func (regNoInitiatives) Get(context.Context, int64) (initiatives.Initiative, error) {
	return initiatives.Initiative{}, initiatives.ErrNotFound
}

func (regNoInitiatives) Mine(context.Context, int64) ([]initiatives.Initiative, error) {
	return nil, nil
}

func regService(t testing.TB, d *db.DB) *Service {
	t.Helper()
	ctx := context.Background()
	ds, _ := regDistricts{}.List(ctx)
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
	s, err := NewService(Deps{DB: d, Districts: regDistricts{}, People: regPeopleDB{accounts: volunteers.NewStore(d)}, Initiatives: regNoInitiatives{},
		BaseURL: "https://cv.example"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var regSeq atomic.Int64

// regUsers creates n active accounts with role and returns them as actors.
func regUsers(t testing.TB, d *db.DB, role string, n int) []Actor {
	t.Helper()
	ctx := context.Background()
	out := make([]Actor, 0, n)
	now := db.Now()
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for range n {
			var id int64
			email := fmt.Sprintf("reg-%s-%d@example.org", role, regSeq.Add(1))
			if err := tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
				VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, email, role, now, now).Scan(&id); err != nil {
				return err
			}
			out = append(out, Actor{UserID: id, Role: role})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func regUser(t testing.TB, d *db.DB) Actor { return regUsers(t, d, "volunteer", 1)[0] }

// regEvent creates and publishes a City event by a new admin, starting in
// two days; edit may change the input.
func regEvent(t testing.TB, s *Service, capacity int, edit func(*Input)) (int64, Actor) {
	t.Helper()
	ctx := context.Background()
	admin := regUsers(t, s.DB, "admin", 1)[0]
	start := time.Now().In(Paris).Add(48 * time.Hour).Truncate(time.Hour)
	in := Input{Title: "Journée des Volontaires du Climat", Summary: "Ateliers", Theme: Themes[0], OwnerKind: OwnerCity,
		DistrictCode: "75111", Address: "Mairie du 11e", StartsAt: start.Format(LocalLayout),
		EndsAt: start.Add(8 * time.Hour).Format(LocalLayout), Capacity: fmt.Sprint(capacity)}
	if edit != nil {
		edit(&in)
	}
	id, errs, err := s.Create(ctx, admin, in)
	if err != nil || len(errs) > 0 {
		t.Fatalf("create: %v %v", errs, err)
	}
	if err := s.Publish(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	return id, admin
}

// regSession adds a workshop from hour h to h+length (hours after the
// event's start).
func regSession(t testing.TB, s *Service, admin Actor, eventID int64, title string, h, length float64, capacity int) int64 {
	t.Helper()
	e, err := s.store.Get(context.Background(), eventID)
	if err != nil {
		t.Fatal(err)
	}
	from := e.StartsAt.Add(time.Duration(h * float64(time.Hour)))
	to := from.Add(time.Duration(length * float64(time.Hour)))
	id, errs, err := s.AddSession(context.Background(), admin, eventID, SessionInput{Title: title,
		StartsAt: FormatLocal(from), EndsAt: FormatLocal(to), Capacity: fmt.Sprint(capacity)})
	if err != nil || len(errs) > 0 {
		t.Fatalf("add session: %v %v", errs, err)
	}
	return id
}

// regCounts checks the counters against the rows they count.
func regCounts(t testing.TB, d *db.DB, eventID int64) (confirmed, waitlisted int) {
	t.Helper()
	ctx := context.Background()
	var c, w, rc, rw int
	if err := d.QueryRow(ctx, "SELECT confirmed, waitlisted FROM events WHERE id = ?", eventID).Scan(&c, &w); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN status = 'waitlisted' THEN 1 ELSE 0 END), 0) FROM event_registrations WHERE event_id = ?`,
		eventID).Scan(&rc, &rw); err != nil {
		t.Fatal(err)
	}
	if c != rc || w != rw {
		t.Errorf("event %d: counters %d/%d, rows %d/%d", eventID, c, w, rc, rw)
	}
	rows, err := d.Query(ctx, `SELECT s.id, s.confirmed, s.waitlisted,
		(SELECT COUNT(*) FROM event_session_choices c WHERE c.session_id = s.id AND c.status = 'confirmed'),
		(SELECT COUNT(*) FROM event_session_choices c WHERE c.session_id = s.id AND c.status = 'waitlisted')
		FROM event_sessions s WHERE s.event_id = ?`, eventID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var sc, sw, cc, cw int
		if err := rows.Scan(&id, &sc, &sw, &cc, &cw); err != nil {
			t.Fatal(err)
		}
		if sc != cc || sw != cw {
			t.Errorf("workshop %d: counters %d/%d, rows %d/%d", id, sc, sw, cc, cw)
		}
	}
	return c, w
}

// regMails reads the mails queued in the outbox.
func regMails(t testing.TB, d *db.DB) []outbox.Email {
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

func regMailsTo(t testing.TB, d *db.DB, a Actor) []outbox.Email {
	var out []outbox.Email
	for _, m := range regMails(t, d) {
		if m.To == fmt.Sprintf("user%d@example.org", a.UserID) {
			out = append(out, m)
		}
	}
	return out
}

// 200 people registering at the same moment for 50 places leave exactly
// 50 confirmed and 150 waitlisted.
func TestRegistrationNoOverbooking(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := regService(t, d)
		id, _ := regEvent(t, s, 50, nil)
		people := regUsers(t, d, "volunteer", 200)
		var wg sync.WaitGroup
		start := make(chan struct{})
		var confirmed, waitlisted atomic.Int64
		errs := make(chan error, len(people))
		for _, p := range people {
			wg.Go(func() {
				<-start
				reg, err := s.Register(context.Background(), p, id, nil)
				if err != nil {
					errs <- err
					return
				}
				if reg.Status == RegConfirmed {
					confirmed.Add(1)
				} else {
					waitlisted.Add(1)
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if confirmed.Load() != 50 || waitlisted.Load() != 150 {
			t.Fatalf("answers: %d confirmed, %d waitlisted", confirmed.Load(), waitlisted.Load())
		}
		if c, w := regCounts(t, d, id); c != 50 || w != 150 {
			t.Fatalf("stored: %d confirmed, %d waitlisted", c, w)
		}
		if n := len(regMails(t, d)); n != 200 {
			t.Errorf("%d mails, want 200", n)
		}
	})
}

func TestRegistrationCancelPromotesAndMails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, _ := regEvent(t, s, 2, nil)
		p := regUsers(t, d, "volunteer", 4)
		var regs []Registration
		for _, a := range p {
			reg, err := s.Register(ctx, a, id, nil)
			if err != nil {
				t.Fatal(err)
			}
			regs = append(regs, reg)
		}
		if regs[1].Status != RegConfirmed || regs[2].Status != RegWaitlisted || regs[2].Position != 1 || regs[3].Position != 2 {
			t.Fatalf("statuses: %+v", regs)
		}
		conf := regMailsTo(t, d, p[0])
		if len(conf) != 1 || !strings.Contains(conf[0].Text, "https://cv.example/tickets/"+regs[0].Ticket) ||
			!strings.Contains(conf[0].Subject, "Inscription confirmée") ||
			!strings.Contains(conf[0].HTML, `src="https://cv.example/tickets/`+regs[0].Ticket+`/qr.png"`) {
			t.Errorf("confirmation mail: %+v", conf)
		}
		if len(regs[0].Ticket) < 22 || regs[0].Ticket == regs[1].Ticket {
			t.Errorf("tickets %q %q", regs[0].Ticket, regs[1].Ticket)
		}
		if w := regMailsTo(t, d, p[3]); len(w) != 1 || !strings.Contains(w[0].Text, "position 2") {
			t.Errorf("waitlist mail: %+v", w)
		}
		if _, err := s.Register(ctx, p[0], id, nil); !errors.Is(err, ErrRegAlready) {
			t.Errorf("second registration: %v", err)
		}

		// The first confirmed cancels: the first waitlisted is promoted and mailed.
		if err := s.CancelRegistration(ctx, p[0], id); err != nil {
			t.Fatal(err)
		}
		r2, _, _ := s.store.Registration(ctx, id, p[2].UserID)
		r3, _, _ := s.store.Registration(ctx, id, p[3].UserID)
		if r2.Status != RegConfirmed || r3.Status != RegWaitlisted || r3.Position != 1 {
			t.Errorf("after the cancellation: %s, %s at %d", r2.Status, r3.Status, r3.Position)
		}
		m := regMailsTo(t, d, p[2])
		if len(m) != 2 || !strings.Contains(m[1].Subject, "Une place s'est libérée") ||
			!strings.Contains(m[1].Text, "https://cv.example/tickets/"+regs[2].Ticket) ||
			!strings.Contains(m[1].HTML, "/tickets/"+regs[2].Ticket+"/qr.png") {
			t.Errorf("promotion mail: %+v", m)
		}
		if c, w := regCounts(t, d, id); c != 2 || w != 1 {
			t.Errorf("counts %d/%d", c, w)
		}
		if err := s.CancelRegistration(ctx, p[0], id); !errors.Is(err, ErrRegNotRegistered) {
			t.Errorf("cancelling twice: %v", err)
		}

		// Registering again comes back at the back of the queue, same ticket.
		again, err := s.Register(ctx, p[0], id, nil)
		if err != nil || again.Status != RegWaitlisted || again.Position != 2 || again.Ticket != regs[0].Ticket {
			t.Errorf("registering again: %+v %v", again, err)
		}
		// A waitlisted person leaving frees no place.
		if err := s.CancelRegistration(ctx, p[3], id); err != nil {
			t.Fatal(err)
		}
		if c, w := regCounts(t, d, id); c != 2 || w != 1 {
			t.Errorf("counts %d/%d", c, w)
		}
	})
}

func TestRegistrationWorkshops(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, admin := regEvent(t, s, 0, nil)
		morning := regSession(t, s, admin, id, "Fresque du climat", 0, 2, 1)
		overlap := regSession(t, s, admin, id, "Vélo", 1, 2, 0)
		afternoon := regSession(t, s, admin, id, "Compost", 3, 2, 0)
		other, admin2 := regEvent(t, s, 0, nil)
		foreign := regSession(t, s, admin2, other, "Ailleurs", 0, 1, 0)
		p := regUsers(t, d, "volunteer", 3)

		if _, err := s.Register(ctx, p[0], id, []int64{morning, overlap}); !errors.Is(err, ErrRegClash) {
			t.Errorf("clash: %v", err)
		}
		if _, err := s.Register(ctx, p[0], id, []int64{morning, foreign}); !errors.Is(err, ErrRegUnknownSession) {
			t.Errorf("foreign workshop: %v", err)
		}
		if c, w := regCounts(t, d, id); c+w != 0 {
			t.Errorf("a refused registration left %d/%d", c, w)
		}
		r0, err := s.Register(ctx, p[0], id, []int64{morning, afternoon})
		if err != nil || r0.Status != RegConfirmed || len(r0.Choices) != 2 {
			t.Fatalf("register: %+v %v", r0, err)
		}
		r1, err := s.Register(ctx, p[1], id, []int64{morning})
		if err != nil || r1.Status != RegConfirmed || r1.Choices[0].Status != RegWaitlisted {
			t.Fatalf("full workshop: %+v %v", r1, err)
		}
		got, _, _ := s.store.Registration(ctx, id, p[1].UserID)
		if got.Choices[0].Position != 1 {
			t.Errorf("workshop waitlist position %d", got.Choices[0].Position)
		}
		// Changing choices: a clash is refused and nothing changes.
		if _, err := s.ChangeSessions(ctx, p[0], id, []int64{overlap, morning}); !errors.Is(err, ErrRegClash) {
			t.Errorf("change with a clash: %v", err)
		}
		if _, err := s.ChangeSessions(ctx, p[2], id, []int64{afternoon}); !errors.Is(err, ErrRegNotRegistered) {
			t.Errorf("change without registration: %v", err)
		}
		// p0 drops the morning workshop: p1 gets its place and a mail.
		if _, err := s.ChangeSessions(ctx, p[0], id, []int64{overlap, afternoon}); err != nil {
			t.Fatal(err)
		}
		got, _, _ = s.store.Registration(ctx, id, p[1].UserID)
		if got.Choices[0].Status != RegConfirmed {
			t.Errorf("p1's workshop after the change: %+v", got.Choices)
		}
		if m := regMailsTo(t, d, p[1]); len(m) != 2 || !strings.Contains(m[1].Text, "Fresque du climat") {
			t.Errorf("workshop promotion mail: %+v", m)
		}
		regCounts(t, d, id)
		// Cancelling frees the workshops too.
		if err := s.CancelRegistration(ctx, p[0], id); err != nil {
			t.Fatal(err)
		}
		ss, _ := s.store.Sessions(ctx, id)
		for _, x := range ss {
			if x.ID != morning && x.Confirmed != 0 {
				t.Errorf("workshop %s still counts %d", x.Title, x.Confirmed)
			}
		}
		regCounts(t, d, id)
	})
}

// A person waitlisted for the day waits for its workshops too, and gets
// them with the day.
func TestRegistrationWaitlistedDayHoldsNoWorkshop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, admin := regEvent(t, s, 1, nil)
		ws := regSession(t, s, admin, id, "Fresque", 0, 2, 5)
		p := regUsers(t, d, "volunteer", 2)
		if _, err := s.Register(ctx, p[0], id, []int64{ws}); err != nil {
			t.Fatal(err)
		}
		r1, err := s.Register(ctx, p[1], id, []int64{ws})
		if err != nil || r1.Status != RegWaitlisted || r1.Choices[0].Status != RegWaitlisted {
			t.Fatalf("%+v %v", r1, err)
		}
		if err := s.CancelRegistration(ctx, p[0], id); err != nil {
			t.Fatal(err)
		}
		got, _, _ := s.store.Registration(ctx, id, p[1].UserID)
		if got.Status != RegConfirmed || got.Choices[0].Status != RegConfirmed {
			t.Errorf("after promotion: %+v", got)
		}
		if m := regMailsTo(t, d, p[1]); len(m) != 2 || !strings.Contains(m[1].Text, "est maintenant confirmée") ||
			!strings.Contains(m[1].Text, "Fresque") {
			t.Errorf("one mail for the day and its workshop: %+v", m)
		}
		regCounts(t, d, id)
	})
}

func TestRegistrationWindowRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		a := regUser(t, d)
		later := time.Now().In(Paris).Add(24 * time.Hour).Format(LocalLayout)
		notYet, _ := regEvent(t, s, 0, func(in *Input) { in.OpensAt = later })
		if _, err := s.Register(ctx, a, notYet, nil); !errors.Is(err, ErrRegNotOpenYet) {
			t.Errorf("before opening: %v", err)
		}
		closed, _ := regEvent(t, s, 0, func(in *Input) {
			in.ClosesAt = time.Now().In(Paris).Add(-time.Hour).Format(LocalLayout)
		})
		if _, err := s.Register(ctx, a, closed, nil); !errors.Is(err, ErrRegClosed) {
			t.Errorf("after closing: %v", err)
		} else if ref, _ := RefusalOf(err); ref.Key() != "flash.events_registration_closed" {
			t.Errorf("key %s", ref.Key())
		}
		over, _ := regEvent(t, s, 0, func(in *Input) {
			start := time.Now().In(Paris).Add(-5 * time.Hour)
			in.StartsAt, in.EndsAt = start.Format(LocalLayout), start.Add(2*time.Hour).Format(LocalLayout)
		})
		if _, err := s.Register(ctx, a, over, nil); !errors.Is(err, ErrRegEventOver) {
			t.Errorf("after the event: %v", err)
		}
		cancelled, admin := regEvent(t, s, 0, nil)
		if _, err := s.Cancel(ctx, admin, cancelled, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Register(ctx, a, cancelled, nil); !errors.Is(err, ErrRegEventCancelled) {
			t.Errorf("cancelled event: %v", err)
		}
		if _, err := s.Register(ctx, a, 999999, nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown event: %v", err)
		}
		if _, err := s.Register(ctx, Actor{}, cancelled, nil); !errors.Is(err, ErrForbidden) {
			t.Errorf("visitor: %v", err)
		}
	})
}

func TestRegistrationOrganisersAddAndRemove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		id, admin := regEvent(t, s, 1, func(in *Input) {
			in.ClosesAt = time.Now().In(Paris).Add(-time.Hour).Format(LocalLayout)
		})
		p := regUsers(t, d, "volunteer", 3)
		stranger := regUser(t, d)
		if _, err := s.AddPerson(ctx, stranger, id, p[0].UserID); !errors.Is(err, ErrForbidden) {
			t.Errorf("a stranger adds: %v", err)
		}
		// Organisers add after closing, within capacity.
		r0, err := s.AddPerson(ctx, admin, id, p[0].UserID)
		if err != nil || r0.Status != RegConfirmed || r0.AddedBy != admin.UserID {
			t.Fatalf("add: %+v %v", r0, err)
		}
		var email string
		if err := d.QueryRow(ctx, "SELECT email FROM users WHERE id = ?", p[1].UserID).Scan(&email); err != nil {
			t.Fatal(err)
		}
		r1, err := s.AddPersonByEmail(ctx, admin, id, " "+strings.ToUpper(email)+" ")
		if err != nil || r1.Status != RegWaitlisted {
			t.Fatalf("add by email: %+v %v", r1, err)
		}
		if _, err := s.AddPersonByEmail(ctx, admin, id, "nobody@example.org"); !errors.Is(err, ErrRegNoAccount) {
			t.Errorf("unknown address: %v", err)
		}
		if _, err := s.AddPersonByEmail(ctx, stranger, id, "nobody@example.org"); !errors.Is(err, ErrForbidden) {
			t.Errorf("a stranger probing addresses: %v", err)
		}
		if _, err := s.AddPerson(ctx, admin, id, p[0].UserID); !errors.Is(err, ErrRegAlready) {
			t.Errorf("adding twice: %v", err)
		}
		if err := s.RemovePerson(ctx, stranger, id, r0.ID); !errors.Is(err, ErrForbidden) {
			t.Errorf("a stranger removes: %v", err)
		}
		if err := s.RemovePerson(ctx, admin, id, r0.ID); err != nil {
			t.Fatal(err)
		}
		if m := regMailsTo(t, d, p[0]); len(m) != 2 || !strings.Contains(m[1].Subject, "Inscription retirée") {
			t.Errorf("removal mail: %+v", m)
		}
		got, _, _ := s.store.Registration(ctx, id, p[1].UserID)
		if got.Status != RegConfirmed {
			t.Errorf("the waitlisted person is %s after a removal", got.Status)
		}
		if err := s.RemovePerson(ctx, admin, id, r0.ID); !errors.Is(err, ErrRegNotRegistered) {
			t.Errorf("removing twice: %v", err)
		}
		if err := s.RemovePerson(ctx, admin, regOtherEvent(id), r1.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("a registration of another event: %v", err)
		}
		regCounts(t, d, id)
	})
}

func regOtherEvent(id int64) int64 { return id + 1000 }

// Raising the capacity lets the waitlist in, oldest first.
func TestRegistrationCapacityRaisePromotes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := regService(t, d)
		var in Input
		id, admin := regEvent(t, s, 1, func(x *Input) { in = *x })
		p := regUsers(t, d, "volunteer", 4)
		for _, a := range p {
			if _, err := s.Register(ctx, a, id, nil); err != nil {
				t.Fatal(err)
			}
		}
		e, _ := s.store.Get(ctx, id)
		in.Capacity, in.Version = "3", e.Version
		if errs, err := s.Update(ctx, admin, id, in); err != nil || len(errs) > 0 {
			t.Fatalf("update: %v %v", errs, err)
		}
		for i, want := range []string{RegConfirmed, RegConfirmed, RegConfirmed, RegWaitlisted} {
			got, _, _ := s.store.Registration(ctx, id, p[i].UserID)
			if got.Status != want {
				t.Errorf("person %d: %s, want %s", i, got.Status, want)
			}
		}
		if m := regMailsTo(t, d, p[2]); len(m) != 2 || !strings.Contains(m[1].Subject, "Une place s'est libérée") {
			t.Errorf("promotion mail: %+v", m)
		}
		if c, w := regCounts(t, d, id); c != 3 || w != 1 {
			t.Errorf("counts %d/%d", c, w)
		}
		// Unlimited lets everyone in.
		e, _ = s.store.Get(ctx, id)
		in.Capacity, in.Version = "", e.Version
		if errs, err := s.Update(ctx, admin, id, in); err != nil || len(errs) > 0 {
			t.Fatalf("update: %v %v", errs, err)
		}
		if c, w := regCounts(t, d, id); c != 4 || w != 0 {
			t.Errorf("counts %d/%d", c, w)
		}
	})
}

func TestRegistrationChoicesCheck(t *testing.T) {
	base := time.Date(2030, 5, 1, 9, 0, 0, 0, time.UTC)
	all := []Session{
		{ID: 1, StartsAt: base, EndsAt: base.Add(time.Hour)},
		{ID: 2, StartsAt: base.Add(time.Hour), EndsAt: base.Add(2 * time.Hour)}, // touches 1: no clash
		{ID: 3, StartsAt: base.Add(90 * time.Minute), EndsAt: base.Add(3 * time.Hour)},
	}
	for _, c := range []struct {
		ids  []int64
		want error
	}{
		{nil, nil}, {[]int64{1, 2}, nil}, {[]int64{1, 1, 2}, nil}, {[]int64{2, 3}, ErrRegClash},
		{[]int64{1, 4}, ErrRegUnknownSession}, {[]int64{1, 2, 3, 4, 5}, ErrRegTooManyChoices},
	} {
		if _, err := checkChoices(all, c.ids); !errors.Is(err, c.want) {
			t.Errorf("%v: %v, want %v", c.ids, err, c.want)
		}
	}
}
