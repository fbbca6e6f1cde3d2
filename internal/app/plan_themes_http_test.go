package app_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// TestPlanThemeConcurrentEdit: two staff members edit the same theme from
// the same page. The second is told with 409, keeps what it typed and gets
// the current version, so saving again overwrites knowingly; a bad name is
// refused with nothing saved; the public history names both renames.
func TestPlanThemeConcurrentEdit(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, _ := planActionsApp(t, e)
		ctx := context.Background()
		var id string
		if err := a.DB.QueryRow(ctx, "SELECT CAST(id AS TEXT) FROM plan_themes WHERE slug = 'mobilite'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		path := "/plan/manage/themes/" + id
		inline := regexp.MustCompile(`action="` + regexp.QuoteMeta(path) + `" novalidate>\s*<input type="hidden" name="version" value="(\d+)"`)
		first, _ := a.ClientAs(t, auth.RoleCoordinator)
		second, _ := a.ClientAs(t, auth.RoleCoordinator)
		_, page := a.Get(t, second, "/plan/manage/themes")
		m := inline.FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no version in the theme's edit form")
		}
		stale := m[1]

		form := func(name, version string) string {
			return url.Values{"name": {name}, "slug": {"mobilite"}, "version": {version}}.Encode()
		}
		if resp, _ := a.PostForm(t, first, path, form("Mobilités", stale)); resp.StatusCode != 303 {
			t.Fatalf("first rename: %d", resp.StatusCode)
		}
		resp, body := a.PostForm(t, second, path, form("Déplacements", stale))
		if resp.StatusCode != 409 || !strings.Contains(html.UnescapeString(body), "Quelqu’un a modifié ce thème") ||
			!strings.Contains(body, `value="Déplacements"`) {
			t.Fatalf("stale rename: %d", resp.StatusCode)
		}
		current := versionField.FindStringSubmatch(body[strings.Index(body, `id="new-theme-title"`):])
		if current == nil || current[1] == stale {
			t.Fatalf("the refused form does not carry the current version: %v", current)
		}
		var name string
		a.DB.QueryRow(ctx, "SELECT name FROM plan_themes WHERE id = ?", id).Scan(&name)
		if name != "Mobilités" {
			t.Fatalf("after the refused rename: %q", name)
		}
		// An empty name with the right version: 422, nothing saved.
		if resp, _ := a.PostForm(t, second, path, form("", current[1])); resp.StatusCode != 422 {
			t.Errorf("empty name: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, second, path, form("Déplacements", current[1])); resp.StatusCode != 303 {
			t.Fatalf("rename again from the current version: %d", resp.StatusCode)
		}
		_, hist := a.Get(t, a.Client(t), "/plan/history?kind=theme")
		hist = html.UnescapeString(hist)
		for _, want := range []string{"Thème\u00a0«\u00a0Déplacements\u00a0»", "Thème\u00a0«\u00a0Mobilités\u00a0»", "Mobilité", "Déplacements"} {
			if !strings.Contains(hist, want) {
				t.Errorf("history of themes lacks %q", want)
			}
		}
	})
}
