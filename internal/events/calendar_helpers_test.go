package events

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/webtest"
)

// Helpers of the calendar, reminder and API tests, prefixed cal. Events and
// registrations are written with SQL so that these tests do not depend on
// the rest of the feature.

type calPeople struct{}

func (calPeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	out := make([]volunteers.Contact, 0, len(ids))
	for _, id := range ids {
		lang := "fr"
		if id%2 == 0 {
			lang = "en"
		}
		out = append(out, volunteers.Contact{UserID: id, Name: fmt.Sprintf("Person %d", id), Email: fmt.Sprintf("cal%d@example.org", id), Lang: lang})
	}
	return out, nil
}

type calNoInitiatives struct{}

func (calNoInitiatives) Organises(context.Context, int64, int64) (bool, error) { return false, nil }

func (calNoInitiatives) Get(context.Context, int64) (initiatives.Initiative, error) {
	return initiatives.Initiative{}, initiatives.ErrNotFound
}

func (calNoInitiatives) Mine(context.Context, int64) ([]initiatives.Initiative, error) {
	return nil, nil
}

// calSetup gives a service over d with Paris's districts.
func calSetup(t testing.TB, d *db.DB) *Service {
	t.Helper()
	ctx := context.Background()
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, dist := range districts.Paris {
			if err := districts.Upsert(ctx, tx, dist); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := NewService(Deps{DB: d, Districts: districts.NewStore(d), People: calPeople{}, Initiatives: calNoInitiatives{},
		BaseURL: "https://volontaires.example", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// calSite serves the calendar routes and the API of s. The header
// X-Cal-User signs a person in.
func calSite(t testing.TB, s *Service) http.Handler {
	t.Helper()
	rn := webtest.NewRenderer(t, volunteers.Locales, Locales)
	signedIn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, err := strconv.ParseInt(r.Header.Get("X-Cal-User"), 10, 64)
			if err != nil {
				http.Error(w, "sign in", http.StatusUnauthorized)
				return
			}
			web.SetViewer(r, &web.Viewer{UserID: id, Role: "volunteer"})
			next.ServeHTTP(w, r)
		})
	}
	h := &handlers{svc: s, rn: rn, guards: Guards{User: signedIn}, views: map[string]*web.View{}}
	r := web.NewRouter()
	h.registerCalendar(r)
	return web.Chain(r, web.Track(slog.New(slog.DiscardHandler), nil))
}

var calSeq atomic.Int64

func calUser(t testing.TB, d *db.DB) int64 {
	t.Helper()
	now := db.Now()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', 'volunteer', 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("cal-%d@example.org", calSeq.Add(1)), now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// calEv describes an event to insert.
type calEv struct {
	Title, Theme, District, Address, Description string
	Status                                       Status
	Start, End                                   time.Time
	Capacity                                     int
	Initiative                                   int64
}

func calExec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if err := d.Tx(context.Background(), func(tx *db.Tx) error {
		_, err := tx.Exec(context.Background(), q, args...)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func calInsert(t testing.TB, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), q+" RETURNING id", args...).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func calEvent(t testing.TB, d *db.DB, e calEv) int64 {
	t.Helper()
	if e.Theme == "" {
		e.Theme = "greening"
	}
	if e.Status == "" {
		e.Status = Published
	}
	if e.End.IsZero() {
		e.End = e.Start.Add(2 * time.Hour)
	}
	var district, initiative any
	owner := OwnerCity
	if e.District != "" {
		district = e.District
	}
	if e.Initiative > 0 {
		initiative, owner = e.Initiative, OwnerInitiative
	}
	now := db.Now()
	return calInsert(t, d, `INSERT INTO events (title, summary, description, theme, owner_kind, initiative_id, district_code, address,
		starts_at, ends_at, capacity, status, created_at, updated_at, published_at) VALUES (?, 'Un résumé', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Title, e.Description, e.Theme, owner, initiative, district, e.Address, e.Start.UTC(), e.End.UTC(), e.Capacity, string(e.Status), now, now, now)
}

func calSession(t testing.TB, d *db.DB, event int64, title string, start, end time.Time, capacity int) int64 {
	t.Helper()
	return calInsert(t, d, `INSERT INTO event_sessions (event_id, title, starts_at, ends_at, capacity) VALUES (?, ?, ?, ?, ?)`,
		event, title, start.UTC(), end.UTC(), capacity)
}

// calRegister writes a registration made at created; returns its id and
// ticket. Counters follow for confirmed ones.
func calRegister(t testing.TB, d *db.DB, event, user int64, status string, created time.Time) (int64, string) {
	t.Helper()
	ticket := fmt.Sprintf("calTicket%015d", calSeq.Add(1))
	id := calInsert(t, d, `INSERT INTO event_registrations (event_id, user_id, status, ticket, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		event, user, status, ticket, created.UTC(), created.UTC())
	if status == RegConfirmed {
		calExec(t, d, "UPDATE events SET confirmed = confirmed + 1 WHERE id = ?", event)
	}
	return id, ticket
}

func calChoose(t testing.TB, d *db.DB, reg, session int64, status string) {
	t.Helper()
	calExec(t, d, "INSERT INTO event_session_choices (registration_id, session_id, status, created_at) VALUES (?, ?, ?, ?)",
		reg, session, status, db.Now())
	if status == RegConfirmed {
		calExec(t, d, "UPDATE event_sessions SET confirmed = confirmed + 1 WHERE id = ?", session)
	}
}

// calParis is a wall time in Paris.
func calParis(y int, m time.Month, day, h, min int) time.Time {
	return time.Date(y, m, day, h, min, 0, 0, Paris).UTC()
}

// calProp is one unfolded content line.
type calProp struct {
	Name   string
	Params map[string]string
	Value  string
}

// calParse checks the physical form of an iCalendar object (CRLF ends, at
// most 75 octets a line, UTF-8 never cut) and returns its unfolded lines.
func calParse(t testing.TB, body string) []calProp {
	t.Helper()
	if !strings.HasSuffix(body, "\r\n") {
		t.Fatalf("the object does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	var logical []string
	for i, l := range physical {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, l)
		}
		if len(l) > 75 {
			t.Errorf("line %d is %d octets long: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d cuts a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			if len(logical) == 0 {
				t.Fatalf("the object starts with a continuation line")
			}
			logical[len(logical)-1] += l[1:]
			continue
		}
		logical = append(logical, l)
	}
	out := make([]calProp, 0, len(logical))
	for _, l := range logical {
		head, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("content line without a colon: %q", l)
		}
		parts := strings.Split(head, ";")
		p := calProp{Name: parts[0], Params: map[string]string{}, Value: value}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.Params[k] = v
		}
		out = append(out, p)
	}
	return out
}

// calEvents groups the properties of each VEVENT by name.
func calEvents(props []calProp) []map[string]calProp {
	var out []map[string]calProp
	var cur map[string]calProp
	for _, p := range props {
		switch {
		case p.Name == "BEGIN" && p.Value == "VEVENT":
			cur = map[string]calProp{}
		case p.Name == "END" && p.Value == "VEVENT":
			out = append(out, cur)
			cur = nil
		case cur != nil:
			cur[p.Name] = p
		}
	}
	return out
}

// calUnescape reads a TEXT value back.
func calUnescape(s string) string {
	var b strings.Builder
	sc := bufio.NewReader(strings.NewReader(s))
	for {
		r, _, err := sc.ReadRune()
		if err != nil {
			return b.String()
		}
		if r != '\\' {
			b.WriteRune(r)
			continue
		}
		n, _, err := sc.ReadRune()
		if err != nil {
			return b.String()
		}
		if n == 'n' || n == 'N' {
			b.WriteByte('\n')
		} else {
			b.WriteRune(n)
		}
	}
}
