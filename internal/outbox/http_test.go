package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/webtest"
)

// adminSite serves the outbox pages behind a stand-in admin check (a
// header) and counts the worker wake-ups.
func adminSite(t *testing.T, d *db.DB) (http.Handler, *int) {
	t.Helper()
	rn := webtest.NewRenderer(t, outbox.Locales)
	r := web.NewRouter()
	require := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("X-Test-Admin") != "yes" {
				rn.Error(w, req, http.StatusForbidden, nil)
				return
			}
			next.ServeHTTP(w, req)
		})
	}
	woken := new(int)
	outbox.Register(r, rn, d, require, func() { *woken++ })
	return web.Chain(r, web.Track(slog.New(slog.DiscardHandler), nil)), woken
}

func get(t *testing.T, h http.Handler, path, lang string) (int, string) {
	t.Helper()
	header := []string{"X-Test-Admin", "yes"}
	if lang != "" {
		header = append(header, "Accept-Language", lang)
	}
	return webtest.Get(t, h, path, header...)
}

func TestAdminPagesRequireTheCheck(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	h, _ := adminSite(t, d)
	enqueue(t, d, "ping", "a")
	for _, req := range []*http.Request{
		httptest.NewRequest("GET", "/admin/outbox", nil),
		httptest.NewRequest("GET", "/admin/outbox/1", nil),
		httptest.NewRequest("POST", "/admin/outbox/1/retry", nil),
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s %s without the check: %d", req.Method, req.URL, rec.Code)
		}
	}
}

func TestAdminListFiltersAndPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, _ := adminSite(t, d)
		code, body := get(t, h, "/admin/outbox", "")
		if code != 200 || !strings.Contains(body, "La file est vide") {
			t.Fatalf("empty list: %d", code)
		}
		enqueueEmails(t, d, "m", 120)
		if _, err := d.Exec(context.Background(), "UPDATE outbox_jobs SET status = 'dead', last_error = 'boom' WHERE idempotency_key IN ('m-3', 'm-4')"); err != nil {
			t.Fatal(err)
		}
		code, body = get(t, h, "/admin/outbox", "")
		if code != 200 {
			t.Fatalf("list: %d", code)
		}
		for _, want := range []string{
			`<caption id="outbox-caption">Envois 1 à 50 sur 120`,
			`<th scope="col">État</th>`,
			`aria-current="page">Tous (120)`, `En attente (118)`, `En échec (2)`, `Envoyé (0)`,
			`<a href="/admin/outbox/120">120</a>`, `Message 119`,
			`href="/admin/outbox?page=2" rel="next"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %s", want)
			}
		}
		if strings.Contains(body, `Message 69<`) || strings.Contains(body, `rel="prev"`) {
			t.Error("page 1 shows more than 50 jobs or a previous page")
		}
		_, body = get(t, h, "/admin/outbox?page=3", "")
		if !strings.Contains(body, "Envois 101 à 120 sur 120") || !strings.Contains(body, `href="/admin/outbox?page=2" rel="prev"`) || strings.Contains(body, `rel="next"`) {
			t.Error("page 3 is wrong")
		}
		_, body = get(t, h, "/admin/outbox?status=dead", "")
		if !strings.Contains(body, `aria-current="page">En échec (2)`) || !strings.Contains(body, "boom") ||
			strings.Count(body, `<th scope="row"`) != 2 {
			t.Error("the dead filter shows other jobs")
		}
		_, body = get(t, h, "/admin/outbox?status=done", "en")
		if !strings.Contains(body, "No delivery has this status.") || !strings.Contains(body, `<html lang="en"`) {
			t.Error("English empty filter")
		}
	})
}

func TestAdminJobShowsTheMailEscaped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, _ := adminSite(t, d)
		err := d.Tx(context.Background(), func(tx *db.Tx) error {
			_, _, err := outbox.EnqueueEmail(context.Background(), tx, "verify:1", outbox.Email{
				To: "ada@example.org", Subject: "Vérifiez", Text: "Lien : https://example.org/v?t=1&x=2\n",
				HTML: `<p onclick="x()">Bonjour <script>alert(1)</script></p>`, Lang: "fr"})
			if err != nil {
				return err
			}
			_, _, err = outbox.Enqueue(context.Background(), tx, outbox.Job{Kind: "sms", Key: "sms:1", Payload: map[string]string{"to": "+33600000000"}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		id := job(t, d, "verify:1").ID
		code, body := get(t, h, fmt.Sprint("/admin/outbox/", id), "")
		if code != 200 {
			t.Fatalf("job page: %d", code)
		}
		for _, want := range []string{"ada@example.org", "Vérifiez", "https://example.org/v?t=1&amp;x=2",
			"&lt;script&gt;alert(1)&lt;/script&gt;", "verify:1", "En attente"} {
			if !strings.Contains(body, want) {
				t.Errorf("job page lacks %s", want)
			}
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, `<p onclick`) {
			t.Fatal("the mail's HTML is rendered raw")
		}
		if strings.Contains(body, `action="/admin/outbox/`) {
			t.Error("a pending job offers a retry")
		}
		_, body = get(t, h, fmt.Sprint("/admin/outbox/", job(t, d, "sms:1").ID), "")
		if !strings.Contains(body, `&#34;to&#34;: &#34;&#43;33600000000&#34;`) {
			t.Errorf("other kinds show their payload: %s", body)
		}
		for _, path := range []string{"/admin/outbox/999", "/admin/outbox/abc", "/admin/outbox/-1"} {
			if code, _ := get(t, h, path, ""); code != http.StatusNotFound {
				t.Errorf("%s: %d", path, code)
			}
		}
	})
}

func TestAdminRetryPutsADeadJobBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h, woken := adminSite(t, d)
		enqueue(t, d, "ping", "dead", "done")
		ctx := context.Background()
		if _, err := d.Exec(ctx, "UPDATE outbox_jobs SET status = 'dead', attempts = 8, last_error = 'refused', run_at = ? WHERE idempotency_key = 'dead'", db.Now().AddDate(0, 0, -1)); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "UPDATE outbox_jobs SET status = 'done', attempts = 1 WHERE idempotency_key = 'done'"); err != nil {
			t.Fatal(err)
		}
		dead := job(t, d, "dead")
		_, body := get(t, h, fmt.Sprint("/admin/outbox/", dead.ID), "")
		if !strings.Contains(body, fmt.Sprintf(`<form method="post" action="/admin/outbox/%d/retry">`, dead.ID)) {
			t.Fatal("a dead job offers no retry")
		}
		post := func(id int64) *httptest.ResponseRecorder {
			return webtest.Do(t, h, "POST", fmt.Sprintf("/admin/outbox/%d/retry", id), strings.NewReader(""),
				"Content-Type", "application/x-www-form-urlencoded", "X-Test-Admin", "yes")
		}
		rec := post(dead.ID)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != fmt.Sprint("/admin/outbox/", dead.ID) ||
			!strings.Contains(rec.Header().Get("Set-Cookie"), "flash.outbox_retried") {
			t.Fatalf("retry: %d %v", rec.Code, rec.Header())
		}
		j := job(t, d, "dead")
		if j.Status != outbox.StatusPending || j.Attempts != 0 || j.RunAt.Before(dead.RunAt.AddDate(0, 0, 1).Add(-1e9)) || *woken != 1 {
			t.Fatalf("after retry: %+v, woken %d", j, *woken)
		}
		// The worker takes it at once.
		rec2 := newRecorder(nil)
		if n := runOnce(t, outbox.NewWorker(d, map[string]outbox.Handler{"ping": rec2}, outbox.WorkerOptions{})); n != 1 {
			t.Fatalf("retried job not claimed: %d", n)
		}

		rec = post(job(t, d, "done").ID)
		if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "flash.outbox_retry_refused") {
			t.Fatalf("retry of a done job: %d %v", rec.Code, rec.Header())
		}
		if j := job(t, d, "done"); j.Status != outbox.StatusDone || *woken != 1 {
			t.Fatalf("a done job was touched: %+v", j)
		}
		if rec := post(999); rec.Code != http.StatusNotFound {
			t.Fatalf("retry of a missing job: %d", rec.Code)
		}
	})
}

// Every key exists in both languages, and every key the templates use exists.
func TestLocalesAreComplete(t *testing.T) {
	read := func(lang string) map[string]string {
		b, err := fs.ReadFile(outbox.Locales, "locales/"+lang+".json")
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	fr, en := read("fr"), read("en")
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("%s missing in en", k)
		}
		if !strings.HasPrefix(k, "outbox.") && !strings.HasPrefix(k, "flash.outbox_") {
			t.Errorf("%s is not in the outbox's namespace", k)
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("%s missing in fr", k)
		}
	}
	used := regexp.MustCompile(`\{\{t "([^"]+)"`)
	for _, name := range []string{"templates/list.html", "templates/job.html"} {
		b, err := fs.ReadFile(outbox.OutboxTemplates(), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if _, ok := fr[m[1]]; !ok {
				t.Errorf("%s uses unknown key %s", name, m[1])
			}
		}
	}
	for _, s := range []string{"pending", "done", "dead"} {
		if _, ok := fr["outbox.status."+s]; !ok {
			t.Errorf("no label for status %s", s)
		}
	}
}
