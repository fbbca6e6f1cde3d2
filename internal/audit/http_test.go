package audit_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
	"climatevolunteers/internal/web/webtest"
)

// site serves the audit page behind a require func that lets through only
// requests carrying the header X-Test-Admin (the real one checks the role).
func site(t *testing.T, d *db.DB) http.Handler {
	t.Helper()
	rn := webtest.NewRenderer(t, audit.Locales)
	require := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Test-Admin") == "" {
				rn.Error(w, r, http.StatusForbidden, nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	router := web.NewRouter()
	audit.Register(router, rn, d, require)
	return web.Chain(router, web.Track(slog.New(slog.DiscardHandler), nil))
}

func get(t *testing.T, h http.Handler, url, lang string, admin bool) (int, string) {
	t.Helper()
	header := []string{"Accept-Language", lang}
	if admin {
		header = append(header, "X-Test-Admin", "1")
	}
	return webtest.Get(t, h, url, header...)
}

func TestAuditPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		admin := addUser(t, d, "admin@example.fr")
		// 14 July 2026, 21:30 UTC is 23:30 in Paris (summer time).
		evening := time.Date(2026, 7, 14, 21, 30, 0, 0, time.UTC)
		record(t, d, audit.Entry{ActorID: admin, Action: audit.ActionRoleChanged, TargetType: "user", TargetID: "42",
			IPNetwork: "203.0.113.0/24", Detail: "volunteer -> <coordinator>"}, evening)
		// 15 July 00:30 in Paris, still 14 July in UTC.
		record(t, d, audit.Entry{Action: audit.ActionSigninFailed, IPNetwork: "198.51.100.0/24"}, evening.Add(time.Hour))
		h := site(t, d)

		if code, _ := get(t, h, "/admin/audit", "fr", false); code != http.StatusForbidden {
			t.Fatalf("without the right: %d, want 403", code)
		}

		code, body := get(t, h, "/admin/audit", "fr", true)
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		webtest.MustContain(t, body,
			"<h1>Journal d&#39;audit</h1>",
			`<caption id="audit-caption">Entrées trouvées : 2</caption>`,
			`<th scope="col">Date et heure</th>`,
			`<time datetime="2026-07-14T21:30:00Z">14/07/2026 23:30:00</time>`,
			`<time datetime="2026-07-14T22:30:00Z">15/07/2026 00:30:00</time>`,
			"admin@example.fr", "Rôle modifié", "<td>Compte 42</td>", "203.0.113.0/24",
			"volunteer -&gt; &lt;coordinator&gt;", // escaped, never markup
			"Personne (non connecté ou système)", "Échec de connexion",
			`<option value="admin.role_changed">Rôle modifié</option>`,
			`<input id="field-from" name="from" type="date"`,
		)
		webtest.MustNotContain(t, body, "[audit.", `rel="next"`)

		// Filters: action selected, and dates read as Paris days.
		_, body = get(t, h, "/admin/audit?action=admin.role_changed", "fr", true)
		webtest.MustContain(t, body, "Entrées trouvées : 1", `<option value="admin.role_changed" selected>`)
		webtest.MustNotContain(t, body, "Échec de connexion</td>")
		_, body = get(t, h, "/admin/audit?from=2026-07-15", "fr", true)
		webtest.MustContain(t, body, "Entrées trouvées : 1", "15/07/2026 00:30:00")
		_, body = get(t, h, "/admin/audit?from=14%2F07%2F2026&to=14%2F07%2F2026", "fr", true)
		webtest.MustContain(t, body, "Entrées trouvées : 1", "14/07/2026 23:30:00")
		_, body = get(t, h, "/admin/audit?actor=ADMIN@", "fr", true)
		webtest.MustContain(t, body, "Entrées trouvées : 1", `value="ADMIN@"`)
		_, body = get(t, h, "/admin/audit?from=2030-01-01", "fr", true)
		webtest.MustContain(t, body, "Aucune entrée ne correspond à ces critères.")

		// English, with its own labels and time format.
		_, body = get(t, h, "/admin/audit?action=auth.signin_failed", "en", true)
		webtest.MustContain(t, body, "<h1>Audit log</h1>", "Entries found: 1", "Failed sign-in", "15 Jul 2026, 00:30:00",
			"No one (signed out, or the system)")
	})
}

func TestAuditPageRefusesBadFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		record(t, d, audit.Entry{Action: audit.ActionSignup}, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
		h := site(t, d)

		code, body := get(t, h, "/admin/audit?from=31%2F02%2F2026&to=demain", "fr", true)
		if code != http.StatusBadRequest {
			t.Fatalf("bad dates: status %d, want 400", code)
		}
		webtest.MustContain(t, body,
			"<title>Erreur : Journal d&#39;audit",
			`class="error-summary" role="alert"`,
			`<a href="#field-from">Saisissez une date valide, par exemple 14/07/2026.</a>`,
			`<a href="#field-to">Saisissez une date valide`,
			`<p class="error" id="error-from">Saisissez une date valide, par exemple 14/07/2026.</p>`,
			`aria-invalid="true"`,
			`value="demain"`, // what was typed stays
		)
		webtest.MustNotContain(t, body, "<table>")

		code, body = get(t, h, "/admin/audit?from=2026-03-10&to=2026-03-01", "en", true)
		if code != http.StatusBadRequest {
			t.Fatalf("reversed range: status %d", code)
		}
		webtest.MustContain(t, body, `id="error-to">The end date must be the same day as the start date or later.`)

		// Day first is French only: in English 03/01/2026 is ambiguous.
		code, body = get(t, h, "/admin/audit?from=03%2F01%2F2026", "en", true)
		if code != http.StatusBadRequest {
			t.Fatalf("day-first date in English: status %d", code)
		}
		webtest.MustContain(t, body, "Enter a valid date, for example 2026-07-14.")

		code, body = get(t, h, "/admin/audit?action=drop+table", "fr", true)
		if code != http.StatusBadRequest {
			t.Fatalf("unknown action: status %d", code)
		}
		webtest.MustContain(t, body, `id="error-action">Choisissez l&#39;une des options proposées.`)
	})
}

func TestAuditPagination(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		base := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
		for i := range audit.DefaultPerPage + 3 {
			record(t, d, audit.Entry{Action: audit.ActionSignin, TargetID: "n"}, base.Add(time.Duration(i)*time.Minute))
		}
		h := site(t, d)

		_, body := get(t, h, "/admin/audit?action=auth.signin", "fr", true)
		webtest.MustContain(t, body, "Entrées trouvées : 53 · page 1 sur 2",
			`<a href="/admin/audit?action=auth.signin&amp;page=2" rel="next">Page suivante</a>`,
			`<li aria-current="page">page 1 sur 2</li>`)
		webtest.MustNotContain(t, body, `rel="prev"`)
		if n := strings.Count(body, "<tr>"); n != audit.DefaultPerPage+1 {
			t.Errorf("page 1 has %d rows with the header, want %d", n, audit.DefaultPerPage+1)
		}

		_, body = get(t, h, "/admin/audit?action=auth.signin&page=2", "fr", true)
		webtest.MustContain(t, body, "page 2 sur 2", `<a href="/admin/audit?action=auth.signin&amp;page=1" rel="prev">`)
		if n := strings.Count(body, "<tr>"); n != 4 {
			t.Errorf("page 2 has %d rows with the header, want 4", n)
		}

		// A page past the end (an old link) shows the last one.
		code, body := get(t, h, "/admin/audit?page=99", "fr", true)
		if code != http.StatusOK {
			t.Fatalf("page past the end: %d", code)
		}
		webtest.MustContain(t, body, "page 2 sur 2")
		for _, bad := range []string{"0", "-3", "abc", "99999999999999999999"} {
			if code, body := get(t, h, "/admin/audit?page="+bad, "fr", true); code != http.StatusOK || !strings.Contains(body, "page 1 sur 2") && !strings.Contains(body, "page 2 sur 2") {
				t.Errorf("page=%s: status %d", bad, code)
			}
		}
	})
}

// Actions and target types written by other (or newer) features show as
// stored until they get a translation.
func TestUntranslatedNamesShowAsStored(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		record(t, d, audit.Entry{Action: "events.checkin", TargetType: "event", TargetID: "9"}, time.Now())
		_, body := get(t, site(t, d), "/admin/audit", "en", true)
		webtest.MustContain(t, body, "<td>events.checkin</td>", "<td>event 9</td>")
	})
}

// Both languages have the same keys, and every action a label in each.
func TestLocales(t *testing.T) {
	cat, err := i18n.New(audit.Locales)
	if err != nil {
		t.Fatal(err)
	}
	fr, en := cat.Keys("fr"), cat.Keys("en")
	if strings.Join(fr, " ") != strings.Join(en, " ") {
		t.Fatalf("fr and en keys differ:\nfr %v\nen %v", fr, en)
	}
	for _, a := range audit.Actions() {
		if !cat.Has("audit.action." + a) {
			t.Errorf("no label for %s", a)
		}
	}
	for _, k := range fr {
		if !strings.HasPrefix(k, "audit.") {
			t.Errorf("key %s outside the audit. prefix", k)
		}
	}
}
