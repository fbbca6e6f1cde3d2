package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"climatevolunteers/internal/api"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/demo"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/initiatives"
	vols "climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/webtest"
)

func document(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3.0: %v", err)
	}
	return doc
}

func TestDocumentIsValid(t *testing.T) {
	doc := document(t)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") || !strings.Contains(doc.Info.Title, "Climate Volunteers") {
		t.Errorf("openapi %q, title %q", doc.OpenAPI, doc.Info.Title)
	}
	for _, p := range []string{"/api/v1/districts", "/api/v1/districts/{code}", "/api/v1/initiatives", "/api/v1/initiatives/{id}",
		"/api/v1/events", "/api/v1/events/{id}"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("no path %s", p)
		}
	}
}

type volunteers struct{ fail bool }

func (v volunteers) CountByDistrict(context.Context) (map[string]int, error) {
	if v.fail {
		return nil, errors.New("down")
	}
	return map[string]int{"1": 32, "11": 420}, nil
}

func (volunteers) CommunityInDistrict(context.Context, string, int) ([]string, error) {
	return nil, nil
}

func site(t *testing.T, d *db.DB, vols districts.Volunteers) (http.Handler, *web.Router) {
	t.Helper()
	rn := webtest.NewRenderer(t, districts.Locales)
	r := web.NewRouter()
	districts.Register(r, rn, districts.NewStore(d), vols)
	api.Register(r)
	return web.Chain(r, web.Track(slog.New(slog.DiscardHandler), nil)), r
}

func TestServesTheDocument(t *testing.T) {
	h, _ := site(t, dbtest.Open(t, db.SQLite), nil)
	w := webtest.Do(t, h, "GET", "/api/openapi.json", nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/json; charset=utf-8" || !bytes.Equal(w.Body.Bytes(), api.OpenAPI) {
		t.Errorf("status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
}

// Every answer of the district handlers, errors included, matches the
// document, and every JSON route is in it.
func TestAnswersMatchTheDocument(t *testing.T) {
	doc := document(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for _, dist := range districts.Paris {
				if err := districts.Upsert(ctx, tx, dist); err != nil {
					return err
				}
			}
			// No population known: volunteers_per_1000 is null.
			return districts.Upsert(ctx, tx, districts.District{Code: "bois", Name: "Bois", Position: 99, Lat: 48.86, Lon: 2.25})
		})
		if err != nil {
			t.Fatal(err)
		}
		h, r := site(t, d, volunteers{})
		failing, _ := site(t, d, volunteers{fail: true})
		for _, p := range r.Patterns() {
			_, path, _ := strings.Cut(p, " ")
			if strings.HasPrefix(path, "/api/v") && doc.Paths.Find(path) == nil {
				t.Errorf("route %s is not in the OpenAPI document", p)
			}
		}
		cases := []struct {
			h    http.Handler
			path string
			want int
			body string
		}{
			{h, "/api/v1/districts", 200, `"volunteers_per_1000": null`},
			{h, "/api/v1/districts/11", 200, `"volunteers": 420`},
			{h, "/api/v1/districts/bois", 200, `"volunteers_per_1000": null`},
			{h, "/api/v1/districts/99", 404, `"error"`},
			{failing, "/api/v1/districts", 500, `"error"`},
			{failing, "/api/v1/districts/1", 500, `"error"`},
		}
		for _, c := range cases {
			req := httptest.NewRequest("GET", "http://localhost"+c.path, nil)
			w := httptest.NewRecorder()
			c.h.ServeHTTP(w, req)
			if w.Code != c.want || !strings.Contains(w.Body.String(), c.body) {
				t.Errorf("%s: %d, want %d with %s; body %s", c.path, w.Code, c.want, c.body, w.Body.String())
			}
			matchesDocument(t, router, req, w)
		}
	})
}

// matchesDocument checks one answer against the document.
func matchesDocument(t *testing.T, router routers.Router, req *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s: no route in the document: %v", req.URL, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 w.Code,
		Header:                 w.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(w.Body.Bytes())
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		t.Errorf("%s: answer does not match the document: %v", req.URL, err)
	}
}

// initiativeSite serves the initiatives' API over d, with every page open:
// access rules are the app's route table's business, not the document's.
func initiativeSite(t *testing.T, d *db.DB) (http.Handler, *web.Router) {
	t.Helper()
	rn := webtest.NewRenderer(t, districts.Locales, vols.Locales, initiatives.Locales)
	svc, err := initiatives.NewService(initiatives.Deps{DB: d, Districts: districts.NewStore(d), People: vols.NewStore(d),
		BaseURL: "https://volontaires.example", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	open := func(h http.Handler) http.Handler { return h }
	r := web.NewRouter()
	initiatives.Register(r, rn, svc, initiatives.Guards{User: open, Moderator: open, Coordinator: open})
	api.Register(r)
	return web.Chain(r, web.Track(slog.New(slog.DiscardHandler), nil)), r
}

// Every answer of the initiatives' API, errors included, matches the
// document, over the demo's initiatives.
func TestInitiativeAnswersMatchTheDocument(t *testing.T) {
	doc := document(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Load(ctx, d, demo.Options{Volunteers: 40, Initiatives: 60}); err != nil {
			t.Fatal(err)
		}
		var visible, queued int64
		d.QueryRow(ctx, "SELECT MIN(id) FROM initiatives WHERE status = 'published'").Scan(&visible)
		d.QueryRow(ctx, "SELECT MIN(id) FROM initiatives WHERE status = 'submitted'").Scan(&queued)
		if visible == 0 || queued == 0 {
			t.Fatalf("demo lacks a published (%d) or submitted (%d) initiative", visible, queued)
		}
		h, r := initiativeSite(t, d)
		for _, p := range r.Patterns() {
			_, path, _ := strings.Cut(p, " ")
			if strings.HasPrefix(path, "/api/v") && doc.Paths.Find(path) == nil {
				t.Errorf("route %s is not in the OpenAPI document", p)
			}
		}
		get := func(path string, want int, body string) string {
			t.Helper()
			req := httptest.NewRequest("GET", "http://localhost"+path, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != want || !strings.Contains(w.Body.String(), body) {
				t.Errorf("%s: %d, want %d with %s; body %.500s", path, w.Code, want, body, w.Body.String())
			}
			matchesDocument(t, router, req, w)
			return w.Body.String()
		}
		first := get("/api/v1/initiatives?limit=5", 200, `"next_cursor": "`)
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(first), &page); err != nil {
			t.Fatal(err)
		}
		get("/api/v1/initiatives?limit=5&cursor="+page.NextCursor, 200, `"initiatives": [`)
		get("/api/v1/initiatives?limit=100", 200, `"next_cursor": null`)
		get("/api/v1/initiatives?theme=waste&district=11&q=r%C3%A9parer", 200, `"initiatives"`)
		get("/api/v1/initiatives?near=48.8591,2.3801&radius_km=3", 200, `"distance_km"`)
		get("/api/v1/initiatives/"+strconv.FormatInt(visible, 10), 200, `"published_at"`)
		get("/api/v1/initiatives/"+strconv.FormatInt(queued, 10), 404, `"error"`)
		get("/api/v1/initiatives/999999", 404, `"error"`)
		get("/api/v1/initiatives?limit=0", 400, `"error": "limit must be`)
		get("/api/v1/initiatives?cursor=bm9wZQ", 400, `"error": "cursor`)
		get("/api/v1/initiatives?theme=weather", 400, `"error": "unknown theme`)
		get("/api/v1/initiatives?radius_km=2", 400, `"error": "radius_km needs near"`)
	})
}

type noInitiatives struct{}

func (noInitiatives) Organises(context.Context, int64, int64) (bool, error) { return false, nil }

func (noInitiatives) Get(context.Context, int64) (initiatives.Initiative, error) {
	return initiatives.Initiative{}, initiatives.ErrNotFound
}

func (noInitiatives) Mine(context.Context, int64) ([]initiatives.Initiative, error) { return nil, nil }

// eventSite serves the events' API over d, with every page open.
func eventSite(t *testing.T, d *db.DB) (http.Handler, *web.Router) {
	t.Helper()
	rn := webtest.NewRenderer(t, districts.Locales, vols.Locales, events.Locales)
	svc, err := events.NewService(events.Deps{DB: d, Districts: districts.NewStore(d), People: vols.NewStore(d),
		Initiatives: noInitiatives{}, BaseURL: "https://volontaires.example", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	open := func(h http.Handler) http.Handler { return h }
	r := web.NewRouter()
	events.Register(r, rn, svc, events.Guards{User: open})
	api.Register(r)
	return web.Chain(r, web.Track(slog.New(slog.DiscardHandler), nil)), r
}

// Every answer of the events' API, errors included, matches the document:
// events with and without capacity, place, workshops; winter and summer
// times; a cancelled event and a draft.
func TestEventAnswersMatchTheDocument(t *testing.T) {
	doc := document(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		year := time.Now().Year() + 1
		paris := events.Paris
		ids := map[string]int64{}
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for _, dist := range districts.Paris {
				if err := districts.Upsert(ctx, tx, dist); err != nil {
					return err
				}
			}
			now := db.Now()
			add := func(name, status, district, online string, start time.Time, capacity int, lat any) error {
				var dc any
				if district != "" {
					dc = district
				}
				var id int64
				err := tx.QueryRow(ctx, `INSERT INTO events (title, summary, theme, owner_kind, partner, district_code, address, online_url,
					lat, lon, starts_at, ends_at, capacity, registration_closes_at, status, created_at, updated_at, published_at)
					VALUES (?, 'Résumé', 'energy', 'partner', 'Association', ?, '1 place', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
					name, dc, online, lat, lat, start.UTC(), start.Add(3*time.Hour).UTC(), capacity, start.Add(-time.Hour).UTC(), status, now, now, now).Scan(&id)
				ids[name] = id
				return err
			}
			winter := time.Date(year, 1, 20, 18, 0, 0, 0, paris)
			summer := time.Date(year, 7, 1, 9, 30, 0, 0, paris)
			for _, e := range []struct {
				name, status, district, online string
				start                          time.Time
				capacity                       int
				lat                            any
			}{
				{"winter", "published", "11", "", winter, 30, 48.86},
				{"summer", "published", "", "https://visio.example/room", summer, 0, nil},
				{"cancelled", "cancelled", "11", "", summer, 10, nil},
				{"draft", "draft", "11", "", summer, 10, nil},
			} {
				if err := add(e.name, e.status, e.district, e.online, e.start, e.capacity, e.lat); err != nil {
					return err
				}
			}
			_, err := tx.Exec(ctx, `INSERT INTO event_sessions (event_id, title, starts_at, ends_at, capacity) VALUES (?, 'Atelier', ?, ?, 12), (?, 'Libre', ?, ?, 0)`,
				ids["winter"], winter.UTC(), winter.Add(time.Hour).UTC(), ids["winter"], winter.Add(time.Hour).UTC(), winter.Add(2*time.Hour).UTC())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		h, r := eventSite(t, d)
		for _, p := range r.Patterns() {
			_, path, _ := strings.Cut(p, " ")
			if strings.HasPrefix(path, "/api/v") && doc.Paths.Find(path) == nil {
				t.Errorf("route %s is not in the OpenAPI document", p)
			}
		}
		get := func(path string, want int, body string) string {
			t.Helper()
			req := httptest.NewRequest("GET", "http://localhost"+path, nil)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != want || !strings.Contains(w.Body.String(), body) {
				t.Errorf("%s: %d, want %d with %s; body %.500s", path, w.Code, want, body, w.Body.String())
			}
			matchesDocument(t, router, req, w)
			return w.Body.String()
		}
		first := get("/api/v1/events?limit=1", 200, `"next_cursor": "`)
		var page struct {
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(first), &page); err != nil {
			t.Fatal(err)
		}
		get("/api/v1/events?limit=1&cursor="+page.NextCursor, 200, `"online_url": "https://visio.example/room"`)
		get("/api/v1/events?limit=100", 200, `"next_cursor": null`)
		get("/api/v1/events?theme=energy&district=11&from="+strconv.Itoa(year)+"-01-01&to="+strconv.Itoa(year)+"-12-31&initiative=1", 200, `"events": []`)
		get("/api/v1/events/"+strconv.FormatInt(ids["winter"], 10), 200, `"places_left": null`)
		get("/api/v1/events/"+strconv.FormatInt(ids["summer"], 10), 200, `+02:00"`)
		get("/api/v1/events/"+strconv.FormatInt(ids["cancelled"], 10), 200, `"status": "cancelled"`)
		get("/api/v1/events/"+strconv.FormatInt(ids["draft"], 10), 404, `"error"`)
		get("/api/v1/events/999999", 404, `"error"`)
		get("/api/v1/events?limit=0", 400, `"error": "limit must be`)
		get("/api/v1/events?cursor=bm9wZQ", 400, `"error": "cursor`)
		get("/api/v1/events?theme=weather", 400, `"error": "unknown theme`)
		get("/api/v1/events?district=99", 400, `"error": "no district`)
		get("/api/v1/events?from=tomorrow", 400, `"error": "from must be`)
	})
}
