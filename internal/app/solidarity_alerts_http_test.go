package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

func setAlert(t *testing.T, a *apptest.App, c *http.Client, form url.Values) (*http.Response, string) {
	t.Helper()
	return a.PostForm(t, c, "/coordination/alerts", form.Encode())
}

func TestAlertLevelsBannerAndHistory(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		visitor := a.Client(t)

		// Level 2 somewhere: no banner yet.
		resp, body := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"2"}, "scope": {"city"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("level 2: %d\n%s", resp.StatusCode, body)
		}
		if _, body := a.Get(t, visitor, "/"); strings.Contains(body, "notice-alert") {
			t.Error("banner at level 2")
		}

		// Level 3 for three districts, with advice: a banner on every page.
		resp, body = setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"},
			"district": {"11", "12", "20"}, "advice": {"Buvez de l'eau <b>souvent</b>."}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("level 3: %d\n%s", resp.StatusCode, body)
		}
		for _, path := range []string{"/", "/events", "/initiatives", "/alerts"} {
			_, body := a.Get(t, visitor, path)
			if !strings.Contains(body, `class="notice notice-alert-3"`) || !strings.Contains(body, "Alerte canicule (niveau 3)") {
				t.Fatalf("%s: no banner\n%s", path, body)
			}
			if !strings.Contains(body, "Buvez de l&#39;eau &lt;b&gt;souvent&lt;/b&gt;.") || !strings.Contains(body, `href="/cool-places"`) {
				t.Errorf("%s: advice unescaped or link missing", path)
			}
			if !strings.Contains(body, "Popincourt, Reuilly, Ménilmontant.") {
				t.Errorf("%s: the banner does not name the three districts", path)
			}
		}
		// The whole city at level 4 for floods: a second, red banner naming the city.
		if resp, body := setAlert(t, a, staff, url.Values{"hazard": {"flood"}, "level": {"4"}, "scope": {"city"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("flood: %d\n%s", resp.StatusCode, body)
		}
		_, body = a.Get(t, visitor, "/")
		if !strings.Contains(body, "notice-alert-4") || !strings.Contains(body, "Vigilance rouge (niveau 4)") || !strings.Contains(body, "Toute la ville.") {
			t.Errorf("flood banner missing\n%s", body)
		}

		// The public page shows effective levels; the history keeps every change.
		_, body = a.Get(t, visitor, "/alerts")
		if strings.Count(body, "level level-orange") < 3 {
			t.Errorf("districts at level 3 not shown as orange\n%s", body)
		}
		_, body = a.Get(t, visitor, "/alerts/history")
		if got := strings.Count(body, "<tr>") - 1; got != 5 {
			t.Errorf("history rows: %d, want 5 (city heat, 3 districts, city flood)", got)
		}
		// Lowering the districts ends the heat banner; the earlier rows stay in the history, ended.
		if resp, _ := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"1"}, "scope": {"districts"}, "district": {"11", "12", "20"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatal("lowering refused")
		}
		if resp, _ := setAlert(t, a, staff, url.Values{"hazard": {"flood"}, "level": {"1"}, "scope": {"city"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatal("lowering refused")
		}
		// Changes made on this instance are seen at once (the banner cache is forgotten).
		if _, body := a.Get(t, visitor, "/"); strings.Contains(body, "notice-alert") {
			t.Error("banner after the levels were lowered")
		}
		_, body = a.Get(t, visitor, "/alerts/history")
		if got := strings.Count(body, "<tr>") - 1; got != 9 {
			t.Errorf("history rows: %d, want 9", got)
		}
		var audited int
		if err := a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = 'alerts.level_set'").Scan(&audited); err != nil || audited != 9 {
			t.Errorf("audit rows: %d, %v", audited, err)
		}
	})
}

func TestAlertLevelRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		volunteer, _ := a.ClientAs(t, auth.RoleVolunteer)
		long := strings.Repeat("é", 1001)
		cases := []struct {
			name string
			form url.Values
			want string
		}{
			{"no district", url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"}, "advice": {"Gardez ce texte"}}, "Choisissez au moins un arrondissement."},
			{"unknown district", url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"}, "district": {"99"}}, "Choisissez l&#39;une des options proposées."},
			{"level 7", url.Values{"hazard": {"heat"}, "level": {"7"}, "scope": {"city"}}, "Choisissez l&#39;une des options proposées."},
			{"unknown hazard", url.Values{"hazard": {"storm"}, "level": {"3"}, "scope": {"city"}}, "Choisissez l&#39;une des options proposées."},
			{"advice too long", url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"city"}, "advice": {long}}, "1000"},
		}
		for _, c := range cases {
			resp, body := setAlert(t, a, staff, c.form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d, want 422 with %q", c.name, resp.StatusCode, c.want)
			}
			if adv := c.form.Get("advice"); adv != "" && !strings.Contains(body, adv) {
				t.Errorf("%s: the advice typed was lost", c.name)
			}
		}
		if resp, _ := setAlert(t, a, volunteer, url.Values{"hazard": {"heat"}, "level": {"4"}, "scope": {"city"}}); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a volunteer sets a level: %d", resp.StatusCode)
		}
		var n int
		if err := a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM alert_levels").Scan(&n); err != nil || n != 0 {
			t.Errorf("refused changes were stored: %d, %v", n, err)
		}
	})
}

func TestCoolPlacesPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		visitor := a.Client(t)
		resp, body := a.Get(t, visitor, "/cool-places?district=16")
		if resp.StatusCode != 200 || !strings.Contains(body, "Les plus proches du centre de") {
			t.Fatalf("search from the 16th: %d\n%s", resp.StatusCode, body)
		}
		links := regexp.MustCompile(`href="(/cool-places/\d+)"`).FindAllStringSubmatch(body, -1)
		if len(links) == 0 {
			t.Fatalf("no place listed\n%s", body)
		}
		if resp, body := a.Get(t, visitor, links[0][1]); resp.StatusCode != 200 || !strings.Contains(body, "Horaires de la semaine") {
			t.Errorf("place page: %d", resp.StatusCode)
		}
		// A point in the 20th: places of the 20th come first.
		if resp, body := a.Get(t, visitor, "/cool-places?lat=48.8646&lon=2.3984"); resp.StatusCode != 200 || !strings.Contains(body, "Les plus proches de votre position") {
			t.Errorf("search from a point: %d\n%s", resp.StatusCode, body)
		}
		for _, bad := range []string{"?lat=45.76&lon=4.83", "?lat=abc&lon=2.3", "?lat=NaN&lon=NaN", "?district=99", "?district=11&kind=volcano"} {
			if resp, _ := a.Get(t, visitor, "/cool-places"+bad); resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d, want 422", bad, resp.StatusCode)
			}
		}
		for _, bad := range []string{"/cool-places/0", "/cool-places/abc", "/cool-places/999999"} {
			if resp, _ := a.Get(t, visitor, bad); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", bad, resp.StatusCode)
			}
		}
		// During a heat alert the page says heatwave openings apply.
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		if resp, _ := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"}, "district": {"16"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatal("alert refused")
		}
		if _, body := a.Get(t, visitor, "/cool-places?district=16"); !strings.Contains(body, "Alerte canicule en cours") {
			t.Error("heatwave openings not announced")
		}
		if _, body := a.Get(t, visitor, "/cool-places?district=1"); strings.Contains(body, "Alerte canicule en cours") {
			t.Error("heatwave announced in a district without alert")
		}
	})
}
