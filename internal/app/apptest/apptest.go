// Package apptest starts the whole platform over a test database for
// httptest-level tests.
package apptest

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"climatevolunteers/internal/app"
	"climatevolunteers/internal/config"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/demo"
)

// App is a running test instance.
type App struct {
	*app.App
	Server *httptest.Server
	logs   *syncBuffer
}

// Options adjust the test instance.
type Options struct {
	Demo           bool
	DemoVolunteers int // fictitious volunteers loaded with the demo
	Config         func(*config.Config)
}

// New starts the platform on a fresh database of engine e.
func New(t testing.TB, e db.Engine, o Options) *App {
	t.Helper()
	d := dbtest.Open(t, e)
	cfg := config.Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), LogFormat: "json", LogLevel: "debug",
		MaxBodyBytes: 64 << 10, MaxUploadBytes: 8 << 20, CityName: "Paris",
	}
	if o.Config != nil {
		o.Config(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if o.Demo {
		keys, err := app.Keys(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demo.Load(t.Context(), d, demo.Options{Volunteers: o.DemoVolunteers, Keys: keys}); err != nil {
			t.Fatal(err)
		}
	}
	a, err := app.NewWithDB(cfg, d, log)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	return &App{App: a, Server: srv, logs: logs}
}

// Logs returns everything logged so far.
func (a *App) Logs() string { return a.logs.String() }

// Client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see each answer.
func (a *App) Client(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Get fetches path and returns the response and its body.
func (a *App) Get(t testing.TB, c *http.Client, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", a.Server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return Do(t, c, req)
}

// PostForm submits a form as a same-origin browser would.
func (a *App) PostForm(t testing.TB, c *http.Client, path, form string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", a.Server.URL+path, strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return Do(t, c, req)
}

// Do sends req and reads the whole body.
func Do(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp, b.String()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
