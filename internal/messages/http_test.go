package messages_test

import (
	"io"
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
	"climatevolunteers/internal/web/webtest"
)

// testSite serves the feature's pages. The signed-in person comes from the
// X-Test-User header ("<id>:<role>"), standing in for the session; the
// guards mimic auth's: visitors are sent to sign in (GET) or refused, other
// roles are refused coordination.
func testSite(t *testing.T, svc *messages.Service) http.Handler {
	t.Helper()
	rn := webtest.NewRenderer(t, volunteers.Locales, messages.Locales)
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
	return web.Chain(router, web.Track(slog.New(slog.DiscardHandler), nil), viewer)
}

// as is "<id>:<role>", or "" for a visitor.
func do(t *testing.T, h http.Handler, method, path, as string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	header := []string{"Accept-Language", "fr"}
	if method == http.MethodPost {
		body = strings.NewReader(form.Encode())
		header = append(header, "Content-Type", "application/x-www-form-urlencoded")
	}
	if as != "" {
		header = append(header, "X-Test-User", as)
	}
	return webtest.Do(t, h, method, path, body, header...)
}

func as(id int64, role string) string { return strconv.FormatInt(id, 10) + ":" + role }
