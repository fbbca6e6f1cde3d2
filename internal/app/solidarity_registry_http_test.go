package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/solidarity/registry"
)

// regForm is a registration by a relative, consent given.
func regForm() url.Values {
	return url.Values{"name": {"Odette Marchal"}, "phone": {"01 99 00 42 42"}, "address": {"7 rue Oberkampf, 75011 Paris"},
		"district": {"11"}, "languages": {"fr", "pt"}, "lives_alone": {"yes"}, "care_needs": {"Infirmière le soir"},
		"call_times": {"Le matin"}, "emergency_name": {"Luc Marchal"}, "emergency_phone": {"06 11 22 33 44"},
		"relation": {"relative"}, "consent": {"yes"}}
}

func countAudit(t *testing.T, a *apptest.App, action string) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = ?", action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRegistryPagesJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		relative, _ := a.ClientAs(t, auth.RoleVolunteer)
		stranger, _ := a.ClientAs(t, auth.RoleVolunteer)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)

		// The explanation page is public; the form needs an account.
		if resp, body := a.Get(t, a.Client(t), "/registry"); resp.StatusCode != 200 || !strings.Contains(body, "/signin?next=%2Fregistry%2Fnew") {
			t.Fatalf("about page: %d", resp.StatusCode)
		}
		if resp, body := a.Get(t, relative, "/registry/new"); resp.StatusCode != 200 || !strings.Contains(body, `value="fr" checked`) ||
			strings.Contains(body, `name="consent" value="yes" checked`) {
			t.Fatalf("new form: %d (French ticked, consent not)", resp.StatusCode)
		}

		// Without consent: refused, what was typed kept, the box explained.
		f := regForm()
		f.Del("consent")
		f.Set("phone", "01 99 00 42")
		resp, body := a.PostForm(t, relative, "/registry/new", f.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Odette Marchal") ||
			!strings.Contains(body, "accord de la personne") || !strings.Contains(body, `href="#field-consent"`) ||
			!strings.Contains(body, `href="#field-phone"`) || !strings.Contains(body, "Infirmière le soir") {
			t.Fatalf("refused registration: %d\n%s", resp.StatusCode, body)
		}
		if n := countAudit(t, a, audit.ActionRegistryCreated); n != 0 {
			t.Fatal("a refused registration was stored")
		}

		resp, body = a.PostForm(t, relative, "/registry/new", regForm().Encode())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/registry" {
			t.Fatalf("registration: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, body = a.Get(t, relative, "/my/registry")
		m := regexp.MustCompile(`href="(/my/registry/(\d+))"`).FindStringSubmatch(body)
		if resp.StatusCode != 200 || !strings.Contains(body, "Odette Marchal") || m == nil {
			t.Fatalf("own list: %d\n%s", resp.StatusCode, body)
		}
		path, id := m[1], m[2]
		resp, body = a.Get(t, relative, path)
		if resp.StatusCode != 200 || !strings.Contains(body, "Odette Marchal") || !strings.Contains(body, "01 99 00 42 42") {
			t.Fatalf("own entry: %d", resp.StatusCode)
		}

		// Registering someone already registered gets the same answer: the
		// form tells nobody who is on the registry. Nothing is added.
		entries := func() (n int) {
			a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM registry_people").Scan(&n)
			return n
		}
		before := entries()
		again := regForm()
		again.Set("relation", "social_worker")
		if resp, body := a.PostForm(t, stranger, "/registry/new", again.Encode()); resp.StatusCode != http.StatusSeeOther ||
			resp.Header.Get("Location") != "/my/registry" {
			t.Fatalf("registration of a registered person: %d to %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if n := entries(); n != before {
			t.Errorf("%d entries after a duplicate, %d before", n, before)
		}
		var mailed int
		if err := a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM outbox_jobs WHERE idempotency_key LIKE 'registry-duplicate:"+id+":%'").Scan(&mailed); err != nil || mailed == 0 {
			t.Errorf("coordinators not mailed about the duplicate: %d %v", mailed, err)
		}

		// Another account: 404 on every door of the registrant's pages, 403 on the coordinators'.
		for _, try := range []struct {
			method, path, form string
		}{{"GET", path, ""}, {"POST", path, regForm().Encode() + "&version=1"}, {"POST", path + "/withdraw", "confirm=yes"},
			{"POST", path + "/renew", "consent=yes"}} {
			var r *http.Response
			if try.method == "GET" {
				r, _ = a.Get(t, stranger, try.path)
			} else {
				r, _ = a.PostForm(t, stranger, try.path, try.form)
			}
			if r.StatusCode != http.StatusNotFound {
				t.Errorf("a stranger's %s %s: %d", try.method, try.path, r.StatusCode)
			}
		}
		if resp, _ := a.Get(t, stranger, "/coordination/registry/"+id); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a volunteer through the coordinators' pages: %d", resp.StatusCode)
		}
		if resp, body := a.Get(t, stranger, path); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Odette") {
			t.Errorf("a stranger's read: %d", resp.StatusCode)
		}
		if resp, _ := a.Get(t, stranger, "/coordination/registry"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a volunteer opened the coordinators' registry: %d", resp.StatusCode)
		}

		// Coordinators find the entry by phone, sent in a POST so that the
		// number is in no URL, the result's links included; each entry shown
		// is an audited read.
		if _, body := a.Get(t, staff, "/coordination/registry"); !strings.Contains(body, `<form method="post" action="/coordination/registry"`) {
			t.Error("the phone search is not a POST form")
		}
		reads := countAudit(t, a, audit.ActionRegistryRead)
		resp, body = a.PostForm(t, staff, "/coordination/registry", url.Values{"phone": {"+33 1 99 00 42 42"}, "district": {"11"}}.Encode())
		if resp.StatusCode != 200 || !strings.Contains(body, "Odette Marchal") || !strings.Contains(body, `href="/coordination/registry/`+id+`"`) {
			t.Fatalf("phone search: %d", resp.StatusCode)
		}
		if n := countAudit(t, a, audit.ActionRegistryRead) - reads; n != 1 {
			t.Errorf("%d reads audited for one entry shown", n)
		}
		for _, link := range regexp.MustCompile(`(?:href|action)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
			for _, leak := range []string{"phone", "4242", "42+42", "42%2042"} {
				if strings.Contains(link[1], leak) {
					t.Errorf("the number in a link of the result: %s", link[1])
				}
			}
		}
		if resp, body := a.PostForm(t, staff, "/coordination/registry", "phone=abc"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-phone"`) {
			t.Errorf("bad phone search: %d", resp.StatusCode)
		}
		// A number in the URL searches nothing.
		if _, body := a.Get(t, staff, "/coordination/registry?phone=0199004299"); !strings.Contains(body, "Odette Marchal") {
			t.Error("a phone in the URL filtered the list")
		}

		// The coordinator edits; the relative's form, opened before, is stale: 409 with the input kept.
		edit := regForm()
		edit.Set("version", "1")
		edit.Set("call_times", "L'après-midi")
		if resp, body := a.PostForm(t, staff, "/coordination/registry/"+id, edit.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("coordinator's edit: %d\n%s", resp.StatusCode, body)
		}
		stale := regForm()
		stale.Set("version", "1")
		stale.Set("address", "9 rue Oberkampf, 75011 Paris")
		resp, body = a.PostForm(t, relative, path, stale.Encode())
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "9 rue Oberkampf") || !strings.Contains(body, `name="version" value="2"`) {
			t.Fatalf("stale edit: %d\n%s", resp.StatusCode, body)
		}
		bad := regForm()
		bad.Set("version", "2")
		bad.Set("district", "99")
		if resp, body := a.PostForm(t, relative, path, bad.Encode()); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-district"`) {
			t.Errorf("unknown district: %d", resp.StatusCode)
		}

		// Renewal is not open in November: 409.
		if resp, _ := a.PostForm(t, relative, path+"/renew", "consent=yes"); resp.StatusCode != http.StatusConflict {
			t.Errorf("early renewal: %d", resp.StatusCode)
		}
		// Withdrawal asks for confirmation, then erases.
		if resp, body := a.PostForm(t, relative, path+"/withdraw", ""); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-withdraw_confirm"`) {
			t.Errorf("withdrawal without confirmation: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, relative, path+"/withdraw", "confirm=yes"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my/registry" {
			t.Errorf("withdrawal: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := a.Get(t, relative, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("after withdrawal: %d", resp.StatusCode)
		}

		// On the phone: a coordinator registers someone without an account.
		phone := regForm()
		phone.Del("relation")
		phone.Set("name", "Lucien Perrin")
		phone.Set("phone", "01 99 00 42 43")
		resp, body = a.PostForm(t, staff, "/coordination/registry/new", phone.Encode())
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/coordination/registry/") {
			t.Fatalf("phone registration: %d\n%s", resp.StatusCode, body)
		}
		if resp, body := a.Get(t, staff, resp.Header.Get("Location")); resp.StatusCode != 200 || !strings.Contains(body, "Lucien Perrin") {
			t.Errorf("phone entry: %d", resp.StatusCode)
		}
		if logs := a.Logs(); strings.Contains(logs, "Odette") || strings.Contains(logs, "Lucien") || strings.Contains(logs, "1990042") {
			t.Error("personal data in the log")
		}
	})
}

// Pages that show or take a registered person's data are kept out of
// caches: "private, no-store", their refusals included.
func TestRegistryPagesAreNotCached(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		relative, _ := a.ClientAs(t, auth.RoleVolunteer)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.PostForm(t, relative, "/registry/new", regForm().Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("registration: %d\n%s", resp.StatusCode, body)
		}
		var id string
		if err := a.DB.QueryRow(t.Context(), "SELECT CAST(MAX(id) AS TEXT) FROM registry_people").Scan(&id); err != nil {
			t.Fatal(err)
		}
		bad := regForm()
		bad.Set("phone", "12")
		for _, try := range []struct {
			c            *http.Client
			method, path string
			form         string
		}{
			{relative, "GET", "/registry/new", ""},
			{relative, "POST", "/registry/new", bad.Encode()},
			{relative, "GET", "/my/registry", ""},
			{relative, "GET", "/my/registry/" + id, ""},
			{relative, "POST", "/my/registry/" + id, bad.Encode() + "&version=1"},
			{relative, "POST", "/my/registry/" + id + "/withdraw", ""},
			{staff, "GET", "/coordination/registry", ""},
			{staff, "GET", "/coordination/registry/new", ""},
			{staff, "GET", "/coordination/registry/" + id, ""},
			{staff, "POST", "/coordination/registry/" + id + "/renew", ""},
		} {
			var r *http.Response
			if try.method == "GET" {
				r, _ = a.Get(t, try.c, try.path)
			} else {
				r, _ = a.PostForm(t, try.c, try.path, try.form)
			}
			if r.StatusCode >= 500 || r.Header.Get("Cache-Control") != "private, no-store" {
				t.Errorf("%s %s: %d, Cache-Control %q", try.method, try.path, r.StatusCode, r.Header.Get("Cache-Control"))
			}
		}
	})
}

// A phone search shows one page and says when there is more.
func TestRegistryPhoneSearchOnOnePage(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{Demo: true})
	staff, _ := a.ClientAs(t, auth.RoleCoordinator)
	f := regForm()
	f.Del("relation")
	for i := range registry.PerPage + 1 {
		f.Set("name", fmt.Sprintf("Résident %d", i)) // a care home's switchboard
		if resp, body := a.PostForm(t, staff, "/coordination/registry/new", f.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("registration %d: %d\n%s", i, resp.StatusCode, body)
		}
	}
	resp, body := a.PostForm(t, staff, "/coordination/registry", "phone=0199004242")
	if resp.StatusCode != 200 || strings.Count(body, `<th scope="row"><a href="/coordination/registry/`) != registry.PerPage ||
		!strings.Contains(body, "Seules les 50 premières") || strings.Contains(body, `rel="next"`) {
		t.Errorf("phone search with more than a page: %d\n%s", resp.StatusCode, body)
	}
}
