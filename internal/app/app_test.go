package app_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/config"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func eachEngine(t *testing.T, fn func(t *testing.T, e db.Engine)) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

func TestHomePageInBothLanguages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		c := a.Client(t)

		resp, body := a.Get(t, c, "/")
		if resp.StatusCode != 200 {
			t.Fatalf("GET / = %d", resp.StatusCode)
		}
		for _, want := range []string{`<html lang="fr">`, "Volontaires du Climat de Paris", `href="#main"`, `<main id="main"`,
			"<nav", "73\u202f000", "<dd>2050</dd>", "Voir les 20 quartiers", `class="lang-switch"`} {
			if !strings.Contains(body, want) {
				t.Errorf("French home page lacks %q", want)
			}
		}

		resp, body = a.Get(t, c, "/", "Accept-Language", "en-GB,en;q=0.8")
		if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Paris Climate Volunteers") ||
			!strings.Contains(body, "73,000") || resp.Header.Get("Content-Language") != "en" {
			t.Errorf("English home page not served for Accept-Language en")
		}
	})
}

func TestLanguageChoiceIsKept(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c := a.Client(t)
	resp, _ := a.PostForm(t, c, "/language", "lang=en&next=/districts")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/districts" {
		t.Fatalf("POST /language = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The choice beats the browser's French preference, and the flash shows once.
	_, body := a.Get(t, c, "/districts", "Accept-Language", "fr")
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "The site is now in English.") {
		t.Fatalf("choice not applied or flash missing")
	}
	_, body = a.Get(t, c, "/districts")
	if strings.Contains(body, "The site is now in English.") {
		t.Error("flash shown twice")
	}

	// Refusals: an unknown language, and a redirect target off the site.
	resp, body = a.PostForm(t, c, "/language", "lang=xx")
	if resp.StatusCode != 400 || !strings.Contains(body, "Bad request") {
		t.Errorf("unknown language: %d", resp.StatusCode)
	}
	for _, next := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
		resp, _ = a.PostForm(t, c, "/language", "lang=fr&next="+next)
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	resp, _ := a.Get(t, a.Client(t), "/")
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Request-Id") == "" {
		t.Errorf("headers: %v", h)
	}
	if h.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent on a plain-http site")
	}
}

func TestCrossOriginPostIsRefused(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c := a.Client(t)
	cases := map[string][2]string{
		"fetch metadata": {"Sec-Fetch-Site", "cross-site"},
		"origin header":  {"Origin", "https://evil.example"},
	}
	for name, hdr := range cases {
		req, _ := http.NewRequest("POST", a.Server.URL+"/language", strings.NewReader("lang=en"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set(hdr[0], hdr[1])
		resp, body := apptest.Do(t, c, req)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Accès refusé") {
			t.Errorf("%s: status %d", name, resp.StatusCode)
		}
		if len(resp.Cookies()) != 0 {
			t.Errorf("%s: refused request still set cookies", name)
		}
	}
}

func TestBodyOverLimitGets413(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c := a.Client(t)
	big := "lang=en&next=/" + strings.Repeat("a", 70<<10)

	// Declared length over the limit: refused before reading.
	resp, body := a.PostForm(t, c, "/language", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "Envoi trop volumineux") {
		t.Errorf("declared large body: %d", resp.StatusCode)
	}
	// Unknown length (chunked): refused while reading the form.
	req, _ := http.NewRequest("POST", a.Server.URL+"/language", struct{ *strings.Reader }{strings.NewReader(big)})
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, _ = apptest.Do(t, c, req)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked large body: %d", resp.StatusCode)
	}
}

func TestPanicGives500AndServerGoesOn(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.Router.HandleFunc("GET /test/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
	c := a.Client(t)
	resp, body := a.Get(t, c, "/test/panic")
	if resp.StatusCode != 500 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	id := resp.Header.Get("X-Request-Id")
	if id == "" || !strings.Contains(body, id) || !strings.Contains(body, "Erreur du serveur") {
		t.Errorf("500 page does not show the request id %q", id)
	}
	if !logHas(t, a.Logs(), map[string]string{"msg": "panic", "request_id": id, "panic": "boom"}) {
		t.Errorf("no panic log line with the request id:\n%s", a.Logs())
	}
	if resp, _ := a.Get(t, c, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("server did not go on after a panic: %d", resp.StatusCode)
	}
}

func TestNotFoundIsTranslated(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c := a.Client(t)
	for path, want := range map[string]string{"/no-such-page": "Page introuvable", "/static/css/site.00000000.css": "Page introuvable"} {
		resp, body := a.Get(t, c, path)
		if resp.StatusCode != 404 || !strings.Contains(body, want) {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	_, body := a.Get(t, c, "/nope", "Accept-Language", "en")
	if !strings.Contains(body, "Page not found") {
		t.Error("English 404 page missing")
	}
}

func TestStaticFilesAreHashedAndCached(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c := a.Client(t)
	_, body := a.Get(t, c, "/")
	m := regexp.MustCompile(`href="(/static/css/site\.[0-9a-f]{8}\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hashed stylesheet link on the home page")
	}
	resp, css := a.Get(t, c, m[1])
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || !strings.Contains(css, ".skip-link") {
		t.Errorf("stylesheet: %d %v", resp.StatusCode, resp.Header)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		c := a.Client(t)
		if resp, _ := a.Get(t, c, "/healthz"); resp.StatusCode != 200 {
			t.Errorf("healthz %d", resp.StatusCode)
		}
		resp, body := a.Get(t, c, "/readyz")
		if resp.StatusCode != 200 || !strings.Contains(body, string(e)) {
			t.Errorf("readyz %d %s", resp.StatusCode, body)
		}
		a.Get(t, c, "/districts")
		_, metrics := a.Get(t, c, "/metrics")
		for _, want := range []string{
			`cv_http_requests_total{method="GET",route="GET /districts",status="200"} 1`,
			`cv_http_request_duration_seconds_bucket{route="GET /readyz"`,
			`go_sql_open_connections{db_name="writer"}`,
		} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
}

func TestReadyzFailsWhenDatabaseIsGone(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.DB.Close()
	resp, body := a.Get(t, a.Client(t), "/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "unavailable") {
		t.Fatalf("readyz with a closed database: %d %s", resp.StatusCode, body)
	}
}

func TestAccessLogHasNoQueryString(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	a.Get(t, a.Client(t), "/districts?token=secret-value")
	logs := a.Logs()
	if !logHas(t, logs, map[string]string{"msg": "request", "route": "GET /districts"}) {
		t.Fatalf("no access log line:\n%s", logs)
	}
	if strings.Contains(logs, "secret-value") {
		t.Error("access log leaks the query string")
	}
}

// logHas reports whether one JSON log line has all the given string fields.
func logHas(t *testing.T, logs string, want map[string]string) bool {
	t.Helper()
	for _, line := range bytes.Split([]byte(logs), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) != nil {
			continue
		}
		ok := true
		for k, v := range want {
			if s, _ := m[k].(string); s != v {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func TestUnmatchedRequests(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{})
	c := a.Client(t)
	req, _ := http.NewRequest("POST", a.Server.URL+"/districts", strings.NewReader(""))
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body := apptest.Do(t, c, req)
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") ||
		!strings.Contains(body, "Action non permise") {
		t.Errorf("POST /districts: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
	// Made-up methods neither reach a handler nor grow the metrics' label set.
	for _, m := range []string{"XA", "XB"} {
		req, _ := http.NewRequest(m, a.Server.URL+"/x", nil)
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		apptest.Do(t, c, req)
	}
	_, metrics := a.Get(t, c, "/metrics")
	if strings.Contains(metrics, `method="XA"`) || !strings.Contains(metrics, `method="OTHER",route="unmatched",status="404"} 2`) {
		t.Errorf("unknown methods not folded into OTHER")
	}
	// ServeMux's path cleaning still redirects.
	resp, _ = a.Get(t, c, "/districts/../districts")
	if resp.StatusCode/100 != 3 || resp.Header.Get("Location") != "/districts" {
		t.Errorf("unclean path: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestReadyzWhenSchemaIsNotCurrent(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		if _, err := a.DB.Exec(t.Context(), "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			db.LatestVersion(e)+1, "future", time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		resp, body := a.Get(t, a.Client(t), "/readyz")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "schema not current") ||
			strings.Contains(body, "version") {
			t.Fatalf("readyz: %d %s", resp.StatusCode, body)
		}
	})
}

func TestMetricsToken(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{Config: func(c *config.Config) { c.MetricsToken = "s3cret" }})
	c := a.Client(t)
	if resp, _ := a.Get(t, c, "/metrics"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.StatusCode)
	}
	if resp, _ := a.Get(t, c, "/metrics", "Authorization", "Bearer wrong"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", resp.StatusCode)
	}
	if resp, body := a.Get(t, c, "/metrics", "Authorization", "Bearer s3cret"); resp.StatusCode != 200 || !strings.Contains(body, "cv_http_requests_total") {
		t.Errorf("right token: %d", resp.StatusCode)
	}
}
