package messages_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/messages"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// testSite serves the feature's pages. The signed-in person comes from the
// X-Test-User header ("<id>:<role>"), standing in for the session; the
// guards mimic auth's: visitors are sent to sign in (GET) or refused, other
// roles are refused coordination.
func testSite(t *testing.T, svc *messages.Service) http.Handler {
	t.Helper()
	cat, err := i18n.New(web.Locales, volunteers.Locales, messages.Locales)
	if err != nil {
		t.Fatal(err)
	}
	static, err := web.NewStatic()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	rn, err := web.NewRenderer(cat, static, nil, log, false)
	if err != nil {
		t.Fatal(err)
	}
	guard := func(roles ...string) func(http.Handler) http.Handler {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				v := web.ViewerOf(r)
				switch {
				case v == nil && r.Method == http.MethodGet:
					web.Redirect(w, r, "/signin")
				case v == nil:
					rn.Error(w, r, http.StatusForbidden, nil)
				case len(roles) > 0 && v.Role != "admin" && v.Role != roles[0]:
					rn.Error(w, r, http.StatusForbidden, nil)
				default:
					next.ServeHTTP(w, r)
				}
			})
		}
	}
	router := web.NewRouter()
	messages.Register(router, rn, svc, messages.Guards{User: guard(), Coordinator: guard("coordinator")})
	viewer := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if id, role, ok := strings.Cut(r.Header.Get("X-Test-User"), ":"); ok {
				n, _ := strconv.ParseInt(id, 10, 64)
				web.SetViewer(r, &web.Viewer{UserID: n, Role: role})
			}
			next.ServeHTTP(w, r)
		})
	}
	return web.Chain(router, web.Track(log, nil), viewer)
}

// as is "<id>:<role>", or "" for a visitor.
func do(t *testing.T, h http.Handler, method, path, as string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if method == http.MethodPost {
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, path, nil)
	}
	req.Header.Set("Accept-Language", "fr")
	if as != "" {
		req.Header.Set("X-Test-User", as)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func mustContain(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}

func mustNotContain(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("page has %q", p)
		}
	}
}

func as(id int64, role string) string { return strconv.FormatInt(id, 10) + ":" + role }
