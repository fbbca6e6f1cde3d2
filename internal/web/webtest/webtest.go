// Package webtest holds what handler tests of every feature need: a renderer
// built from the kit's and the feature's locales, a way to serve one request,
// and checks on the page that comes back.
package webtest

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// NewRenderer builds a renderer over the kit's locales and the given ones,
// with the kit's static files, no navigation and a logger that discards.
func NewRenderer(t testing.TB, locales ...fs.FS) *web.Renderer {
	t.Helper()
	cat, err := i18n.New(append([]fs.FS{web.Locales}, locales...)...)
	if err != nil {
		t.Fatal(err)
	}
	static, err := web.NewStatic()
	if err != nil {
		t.Fatal(err)
	}
	rn, err := web.NewRenderer(cat, static, nil, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	return rn
}

// Do serves one request to h and returns the recording. header holds
// name, value pairs set on the request.
func Do(t testing.TB, h http.Handler, method, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	if len(header)%2 != 0 {
		t.Fatalf("webtest.Do: header %q is not name, value pairs", header)
	}
	r := httptest.NewRequest(method, target, body)
	for i := 0; i < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Get serves a GET request to h and returns the status and the body.
func Get(t testing.TB, h http.Handler, target string, header ...string) (int, string) {
	t.Helper()
	w := Do(t, h, http.MethodGet, target, nil, header...)
	return w.Code, w.Body.String()
}

// MustContain reports each part the body lacks.
func MustContain(t testing.TB, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}

// MustNotContain reports each part the body has.
func MustNotContain(t testing.TB, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("page has %q", p)
		}
	}
}
