package app_test

import (
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// testFeed is what a reader needs of an Atom feed.
type testFeed struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Author  struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID        string `xml:"id"`
		Title     string `xml:"title"`
		Updated   string `xml:"updated"`
		Published string `xml:"published"`
		Summary   string `xml:"summary"`
		Link      struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Category struct {
			Term  string `xml:"term,attr"`
			Label string `xml:"label,attr"`
		} `xml:"category"`
	} `xml:"entry"`
}

type testPage struct {
	Initiatives []struct {
		ID          int64    `json:"id"`
		Title       string   `json:"title"`
		Theme       string   `json:"theme"`
		District    *string  `json:"district"`
		Status      string   `json:"status"`
		PublishedAt string   `json:"published_at"`
		DistanceKm  *float64 `json:"distance_km"`
	} `json:"initiatives"`
	NextCursor *string `json:"next_cursor"`
}

// publish proposes, submits and approves an initiative; it returns its id.
func publish(t *testing.T, a *apptest.App, author, mod *http.Client, form url.Values) string {
	t.Helper()
	path := propose(t, a, author, form)
	if resp, _ := a.PostForm(t, author, path+"/status", "action=submit"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	if resp, _ := a.PostForm(t, mod, "/moderation"+path, "decision=approve"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	return strings.TrimPrefix(path, "/initiatives/")
}

func TestInitiativeFeedsAPIAndExports(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true, DemoVolunteers: 60})
		author, _ := a.ClientAs(t, auth.RoleVolunteer)
		mod, _ := a.ClientAs(t, auth.RoleModerator)
		visitor := a.Client(t)
		ctx := t.Context()
		var visible int
		a.DB.QueryRow(ctx, "SELECT COUNT(*) FROM initiatives WHERE status IN ('published', 'paused') AND hidden = ?", false).Scan(&visible)

		script := publish(t, a, author, mod, proposal(`<script>alert("x")</script> & vélos`))
		formula := proposal("=HYPERLINK(\"http://evil.example\") atelier")
		formula.Set("summary", "+33 1 23 45 67 89, appelez-nous pour réparer")
		formula.Set("partner", "@Collectif")
		formulaID := publish(t, a, author, mod, formula)
		draft := strings.TrimPrefix(propose(t, a, author, proposal("Brouillon invisible")), "/initiatives/")
		visible += 2

		t.Run("feed", func(t *testing.T) {
			resp, body := a.Get(t, visitor, "/initiatives/feed.atom")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
				t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
				t.Errorf("the title is not escaped:\n%.2000s", body)
			}
			var f testFeed
			if err := xml.Unmarshal([]byte(body), &f); err != nil {
				t.Fatalf("not XML: %v", err)
			}
			rels := map[string]string{}
			for _, l := range f.Links {
				rels[l.Rel] = l.Href
			}
			if f.ID == "" || f.Title != "Nouvelles initiatives locales" || f.Author.Name == "" || !strings.HasSuffix(rels["self"], "/initiatives/feed.atom") ||
				!strings.HasSuffix(rels["alternate"], "/initiatives") {
				t.Errorf("feed head: id %q title %q author %q links %v", f.ID, f.Title, f.Author.Name, rels)
			}
			if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
				t.Errorf("feed updated %q: %v", f.Updated, err)
			}
			if len(f.Entries) != 50 {
				t.Fatalf("%d entries, want the 50 newest", len(f.Entries))
			}
			// The two newest, newest first; the draft nowhere.
			if !strings.HasSuffix(f.Entries[0].Link.Href, "/initiatives/"+formulaID) || f.Entries[1].Title != `<script>alert("x")</script> & vélos` {
				t.Errorf("first entries: %s, %q", f.Entries[0].Link.Href, f.Entries[1].Title)
			}
			ids := map[string]bool{}
			for _, en := range f.Entries {
				_, err1 := time.Parse(time.RFC3339, en.Updated)
				_, err2 := time.Parse(time.RFC3339, en.Published)
				if !strings.HasPrefix(en.ID, "tag:") || ids[en.ID] || en.Title == "" || en.Summary == "" || err1 != nil || err2 != nil ||
					en.Category.Term == "" || en.Category.Label == "" || !strings.Contains(en.Link.Href, "/initiatives/") {
					t.Errorf("entry %+v", en)
				}
				ids[en.ID] = true
				if strings.HasSuffix(en.Link.Href, "/initiatives/"+draft) {
					t.Errorf("the draft is in the feed")
				}
			}

			// Filters: the same initiatives as the API's, in English.
			for _, filter := range []string{"theme=waste", "district=11", "theme=mobility&district=11"} {
				resp, body := a.Get(t, visitor, "/initiatives/feed.atom?"+filter, "Accept-Language", "en")
				var f testFeed
				if err := xml.Unmarshal([]byte(body), &f); resp.StatusCode != 200 || err != nil {
					t.Fatalf("%s: %d %v", filter, resp.StatusCode, err)
				}
				var p testPage
				_, js := a.Get(t, visitor, "/api/v1/initiatives?limit=50&"+filter)
				json.Unmarshal([]byte(js), &p)
				if len(f.Entries) == 0 || len(f.Entries) != len(p.Initiatives) || !strings.HasPrefix(f.Title, "New local initiatives: ") {
					t.Fatalf("%s: %d entries, %d in the API, title %q", filter, len(f.Entries), len(p.Initiatives), f.Title)
				}
				for i, en := range f.Entries {
					if !strings.HasSuffix(en.Link.Href, "/initiatives/"+strconv.FormatInt(p.Initiatives[i].ID, 10)) ||
						(strings.Contains(filter, "theme=") && en.Category.Term != p.Initiatives[i].Theme) {
						t.Errorf("%s: entry %d is %s (%s), the API says %d", filter, i, en.Link.Href, en.Category.Term, p.Initiatives[i].ID)
					}
				}
			}
			for _, bad := range []string{"theme=weather", "district=99"} {
				resp, body := a.Get(t, visitor, "/initiatives/feed.atom?"+bad)
				if resp.StatusCode != 400 || !strings.Contains(body, "Ce flux n’existe pas") || !strings.Contains(body, `href="/initiatives/feed.atom?district=11"`) {
					t.Errorf("%s: %d\n%.1500s", bad, resp.StatusCode, body)
				}
			}
		})

		t.Run("api", func(t *testing.T) {
			// Walking every page gives each visible initiative once, in
			// the newest-first order, with or without filters.
			walk := func(query string, limit int) []int64 {
				t.Helper()
				var out []int64
				seen := map[int64]bool{}
				cursor, last := "", ""
				for pages := 0; ; pages++ {
					path := "/api/v1/initiatives?limit=" + strconv.Itoa(limit) + query
					if cursor != "" {
						path += "&cursor=" + url.QueryEscape(cursor)
					}
					resp, body := a.Get(t, visitor, path)
					var p testPage
					if err := json.Unmarshal([]byte(body), &p); resp.StatusCode != 200 || err != nil || pages > 1000 {
						t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
					}
					for _, it := range p.Initiatives {
						if seen[it.ID] || (last != "" && it.PublishedAt > last) || (it.Status != "published" && it.Status != "paused") {
							t.Errorf("%s: %d repeated or out of order (%s after %s, %s)", path, it.ID, it.PublishedAt, last, it.Status)
						}
						seen[it.ID], last = true, it.PublishedAt
						out = append(out, it.ID)
					}
					if p.NextCursor == nil {
						return out
					}
					if len(p.Initiatives) != limit {
						t.Fatalf("%s: a short page (%d) with a next cursor", path, len(p.Initiatives))
					}
					cursor = *p.NextCursor
				}
			}
			if all := walk("", 7); len(all) != visible {
				t.Errorf("walked %d initiatives, %d are visible", len(all), visible)
			}
			var inEleventh int
			a.DB.QueryRow(ctx, "SELECT COUNT(*) FROM initiatives WHERE status IN ('published', 'paused') AND district_code = '11' AND theme = 'mobility'").Scan(&inEleventh)
			if got := walk("&district=11&theme=mobility", 2); len(got) != inEleventh || inEleventh < 2 {
				t.Errorf("walked %d in the 11th (mobility), want %d", len(got), inEleventh)
			}
			_, body := a.Get(t, visitor, "/api/v1/initiatives?q=v%C3%A9lo&limit=100")
			var p testPage
			json.Unmarshal([]byte(body), &p)
			found := false
			for _, it := range p.Initiatives {
				found = found || strconv.FormatInt(it.ID, 10) == script
			}
			if !found {
				t.Errorf("searching vélo does not find %s", script)
			}
			_, body = a.Get(t, visitor, "/api/v1/initiatives?near=48.8591,2.3801&radius_km=1.5&limit=100")
			p = testPage{}
			json.Unmarshal([]byte(body), &p)
			if len(p.Initiatives) == 0 {
				t.Errorf("nothing within 1.5 km of the 11th's centre")
			}
			for _, it := range p.Initiatives {
				if it.DistanceKm == nil || *it.DistanceKm > 1.5 {
					t.Errorf("%d at %v km", it.ID, it.DistanceKm)
				}
			}

			for _, bad := range []string{"limit=0", "limit=101", "limit=x", "cursor=%21%21", "cursor=bm9wZQ", "near=48.8", "near=91,2",
				"radius_km=3", "near=48.85,2.35&radius_km=0", "near=48.85,2.35&radius_km=51", "theme=weather", "district=99"} {
				resp, body := a.Get(t, visitor, "/api/v1/initiatives?"+bad)
				var e struct{ Error string }
				if err := json.Unmarshal([]byte(body), &e); resp.StatusCode != 400 || err != nil || e.Error == "" ||
					resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Errorf("%s: %d %s", bad, resp.StatusCode, body)
				}
			}
			if resp, body := a.Get(t, visitor, "/api/v1/initiatives/"+script); resp.StatusCode != 200 ||
				!strings.Contains(body, `"title": "\u003cscript\u003ealert(\"x\")\u003c/script\u003e \u0026 vélos"`) ||
				!strings.Contains(body, `"description": "Venez avec votre **vélo**."`) || !strings.Contains(body, `"point": null`) {
				t.Errorf("one initiative: %d\n%s", resp.StatusCode, body)
			}
			for _, id := range []string{draft, "0", "abc", "999999"} {
				if resp, body := a.Get(t, visitor, "/api/v1/initiatives/"+id); resp.StatusCode != 404 || !strings.Contains(body, `"error"`) {
					t.Errorf("initiative %s: %d %s", id, resp.StatusCode, body)
				}
			}
		})

		t.Run("exports", func(t *testing.T) {
			resp, body := a.Get(t, visitor, "/initiatives.csv")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
				!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="initiatives-`) {
				t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != visible+1 || rows[0][0] != "id" || rows[0][1] != "title" {
				t.Fatalf("%d rows for %d initiatives; header %v", len(rows), visible, rows[0])
			}
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			for _, r := range rows[1:] {
				if r[col["id"]] != formulaID {
					continue
				}
				if r[col["title"]] != `'=HYPERLINK("http://evil.example") atelier` || r[col["summary"]][0] != '\'' || r[col["partner"]] != "'@Collectif" {
					t.Errorf("formulas not neutralised: %q", r)
				}
			}
			resp, body = a.Get(t, visitor, "/initiatives.csv?theme=waste&district=11")
			rows, _ = csv.NewReader(strings.NewReader(body)).ReadAll()
			for _, r := range rows[1:] {
				if r[col["theme"]] != "waste" || r[col["district"]] != "11" {
					t.Errorf("filtered csv has %v", r)
				}
			}
			if !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="initiatives-waste-district-11-`) {
				t.Errorf("filtered csv named %s", resp.Header.Get("Content-Disposition"))
			}

			resp, body = a.Get(t, visitor, "/initiatives.geojson?theme=greening")
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/geo+json" ||
				!strings.HasSuffix(resp.Header.Get("Content-Disposition"), `.geojson"`) {
				t.Fatalf("geojson: %d %v", resp.StatusCode, resp.Header)
			}
			var fc struct {
				Type     string
				Features []struct {
					Type     string
					ID       int64
					Geometry struct {
						Type        string
						Coordinates []float64
					}
					Properties map[string]any
				}
			}
			if err := json.Unmarshal([]byte(body), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
				t.Fatalf("geojson: %v %s %d", err, fc.Type, len(fc.Features))
			}
			for _, f := range fc.Features {
				c := f.Geometry.Coordinates
				if f.Type != "Feature" || f.Geometry.Type != "Point" || len(c) != 2 || c[0] < 2.2 || c[0] > 2.47 || c[1] < 48.8 || c[1] > 48.91 ||
					f.Properties["theme"] != "greening" || f.Properties["id"] != float64(f.ID) || f.Properties["url"] == nil {
					t.Errorf("feature %d: %s %s %v %v", f.ID, f.Type, f.Geometry.Type, c, f.Properties["theme"])
				}
				if p, ok := f.Properties["point"].(map[string]any); ok && (p["lon"] != c[0] || p["lat"] != c[1]) {
					t.Errorf("feature %d at %v, its point is %v", f.ID, c, p)
				}
			}
			for _, bad := range []string{"/initiatives.csv?district=99", "/initiatives.geojson?theme=weather"} {
				if resp, _ := a.Get(t, visitor, bad); resp.StatusCode != 400 {
					t.Errorf("%s: %d", bad, resp.StatusCode)
				}
			}
		})
	})
}
