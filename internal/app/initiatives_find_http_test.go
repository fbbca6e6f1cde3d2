package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// findPublish proposes an initiative as author, submits it and has mod
// publish it; it returns the initiative's path.
func findPublish(t *testing.T, a *apptest.App, author, mod *http.Client, form url.Values) string {
	t.Helper()
	path := propose(t, a, author, form)
	if resp, body := a.PostForm(t, author, path+"/status", "action=submit"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", resp.StatusCode, body)
	}
	id := strings.TrimPrefix(path, "/initiatives/")
	if resp, body := a.PostForm(t, mod, "/moderation/initiatives/"+id, "decision=approve"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", resp.StatusCode, body)
	}
	return path
}

func TestInitiativeListFiltersSearchAndMap(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		author, _ := a.ClientAs(t, auth.RoleVolunteer)
		mod, _ := a.ClientAs(t, auth.RoleModerator)
		visitor := a.Client(t)

		// Before anything is published: the empty state, and for people
		// signed in, the way to propose.
		resp, body := a.Get(t, visitor, "/initiatives")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Aucune initiative n’est encore publiée") {
			t.Fatalf("empty list: %d", resp.StatusCode)
		}
		if strings.Contains(body, `href="/initiatives/new"`) {
			t.Error("a visitor is offered the proposal form")
		}
		if _, body := a.Get(t, author, "/initiatives"); !strings.Contains(body, `href="/initiatives/new"`) {
			t.Error("a signed-in person is not offered to propose")
		}

		garden := proposal("Jardin partagé <script>alert(1)</script>")
		garden.Set("summary", "Des légumes et des fleurs au pied des immeubles.")
		garden.Set("description", "")
		garden.Set("theme", "greening")
		garden.Set("district", "20")
		garden.Set("lat", "48.8650")
		garden.Set("lon", "2.3980")
		gardenPath := findPublish(t, a, author, mod, garden)
		bikesPath := findPublish(t, a, author, mod, proposal("Atelier vélo"))
		draft := propose(t, a, author, proposal("Brouillon secret"))

		resp, body = a.Get(t, visitor, "/initiatives")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		for _, want := range []string{`href="` + gardenPath + `"`, `href="` + bikesPath + `"`, "2 initiatives",
			`<svg`, `class="map-markers"`, "Initiatives de la sélection par arrondissement"} {
			if !strings.Contains(body, want) {
				t.Errorf("list lacks %s", want)
			}
		}
		if strings.Contains(body, draft) || strings.Contains(body, "Brouillon secret") {
			t.Error("a draft is listed")
		}
		// HTML in a title is text.
		if strings.Contains(body, "<script>alert(1)") || !strings.Contains(body, "Jardin partagé &lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Error("the title is not shown as text")
		}

		for _, c := range []struct {
			query      string
			has, hasnt string
		}{
			{"q=jardins+partages", gardenPath, bikesPath},
			{"q=VELOS", bikesPath, gardenPath},
			{"theme=greening", gardenPath, bikesPath},
			{"district=11", bikesPath, gardenPath},
			{"lat=48.8650&lon=2.3980&radius=0.5", gardenPath, bikesPath},
			{"near=20&radius=1.5&sort=nearest", gardenPath, bikesPath},
			{"status=paused", "Aucune initiative ne correspond", gardenPath},
			{"q=" + url.QueryEscape(`NEAR("jardin" *) OR -(`), "Aucune initiative ne correspond", gardenPath},
		} {
			resp, body := a.Get(t, visitor, "/initiatives?"+c.query)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, c.has) || strings.Contains(body, `href="`+c.hasnt+`"`) {
				t.Errorf("%s: %d, has %s: %v, lacks %s: %v", c.query, resp.StatusCode, c.has, strings.Contains(body, c.has),
					c.hasnt, !strings.Contains(body, `href="`+c.hasnt+`"`))
			}
		}
		// Distances show when a place is given.
		if _, body := a.Get(t, visitor, "/initiatives?lat=48.8650&lon=2.3980"); !strings.Contains(body, "0,0 km") {
			t.Error("no distance shown near a point")
		}

		// A bad filter is explained, linked from the summary, and the
		// other filters stay applied and shown.
		resp, body = a.Get(t, visitor, "/initiatives?theme=juggling&district=20&q=jardin&radius=abc&near=20")
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad filter: %d", resp.StatusCode)
		}
		for _, want := range []string{`href="#field-theme"`, `href="#field-radius"`, "Ce thème n’existe pas",
			`value="jardin"`, `<option value="20" selected>`, `value="abc"`, gardenPath} {
			if !strings.Contains(body, want) {
				t.Errorf("page with a bad filter lacks %s", want)
			}
		}
		if strings.Contains(body, bikesPath) {
			t.Error("the valid filters were dropped")
		}
		// English too.
		if _, body := a.Get(t, visitor, "/initiatives?sort=random", "Accept-Language", "en"); !strings.Contains(body, "This order does not exist") {
			t.Error("no English message for a bad sort")
		}
	})
}

func TestInitiativeListPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		author, _ := a.ClientAs(t, auth.RoleVolunteer)
		mod, _ := a.ClientAs(t, auth.RoleModerator)
		visitor := a.Client(t)
		for i := range 22 {
			findPublish(t, a, author, mod, proposal("Atelier numéro "+strings.Repeat("I", i+1)))
		}
		_, body := a.Get(t, visitor, "/initiatives?theme=mobility")
		for _, want := range []string{"22 initiatives", `href="/initiatives?page=2&amp;theme=mobility" rel="next"`,
			`aria-current="page"`} {
			if !strings.Contains(body, want) {
				t.Errorf("first page lacks %s", want)
			}
		}
		_, body = a.Get(t, visitor, "/initiatives?theme=mobility&page=2")
		if strings.Count(body, `<li class="card">`) != 2 || !strings.Contains(body, `href="/initiatives?theme=mobility" rel="prev"`) {
			t.Errorf("second page: %d cards", strings.Count(body, `<li class="card">`))
		}
		_, body = a.Get(t, visitor, "/initiatives?theme=mobility&page=9")
		if !strings.Contains(body, "Cette page ne contient aucune initiative") || !strings.Contains(body, `href="/initiatives?theme=mobility"`) {
			t.Error("a page beyond the last has no way back")
		}
	})
}
