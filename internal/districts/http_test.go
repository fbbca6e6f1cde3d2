package districts_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/webtest"
)

// fakeVolunteers stands for the volunteers feature.
type fakeVolunteers struct {
	counts map[string]int
	names  map[string][]string
	fail   bool
}

func (f *fakeVolunteers) CountByDistrict(context.Context) (map[string]int, error) {
	if f.fail {
		return nil, errors.New("volunteers store is down")
	}
	return f.counts, nil
}

func (f *fakeVolunteers) CommunityInDistrict(_ context.Context, code string, limit int) ([]string, error) {
	n := f.names[code]
	return n[:min(limit, len(n))], nil
}

var someVolunteers = &fakeVolunteers{
	counts: map[string]int{"1": 32, "2": 10, "15": 1200},
	names:  map[string][]string{"1": {"Camille <Dupont>", "Karim B."}},
}

// site serves the districts routes; a request with the header X-Test-User is
// treated as signed in (the real sessions middleware sets the viewer).
func site(t *testing.T, d *db.DB, vols districts.Volunteers) http.Handler {
	t.Helper()
	rn := webtest.NewRenderer(t, districts.Locales)
	router := web.NewRouter()
	router.NoMatch = func(w http.ResponseWriter, r *http.Request, status int) { rn.Error(w, r, status, nil) }
	districts.Register(router, rn, districts.NewStore(d), vols)
	signIn := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if name := r.Header.Get("X-Test-User"); name != "" {
				web.SetViewer(r, &web.Viewer{UserID: 7, DisplayName: name, Role: "volunteer"})
			}
			next.ServeHTTP(w, r)
		})
	}
	return web.Chain(router, web.Track(slog.New(slog.DiscardHandler), nil), signIn)
}

func get(t *testing.T, h http.Handler, url, lang string, header ...string) (int, string) {
	t.Helper()
	return webtest.Get(t, h, url, append([]string{"Accept-Language", lang}, header...)...)
}

func TestListPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		loadParisDemo(t, d)
		h := site(t, d, someVolunteers)
		code, body := get(t, h, "/districts", "fr")
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		webtest.MustContain(t, body,
			`role="img" aria-labelledby="districts-map-title districts-map-desc"`,
			`<title id="districts-map-title">Volontaires pour 1`+"\u202f"+`000 habitants, par quartier</title>`,
			`<g class="map-areas"><rect x=`, // no boundaries yet: the tile grid
			`<caption id="districts-caption">20 quartiers`,
			`<th scope="row"><a href="/districts/1">Louvre</a></th>`,
			// 32 volunteers for 15,900 residents: 2.0 per 1,000; 1,200 for 227,700: 5.3.
			`<td class="num">32</td>`, `<td class="num">2,0</td>`,
			`<td class="num">1`+"\u202f"+`200</td>`, `<td class="num">5,3</td>`,
			`<td class="num">1`+"\u202f"+`242</td>`, // the total
			"Louvre\u00a0: 2,0",                     // tooltip
		)
		webtest.MustNotContain(t, body, "[districts.", "Camille", `style=`)

		_, body = get(t, h, "/districts", "en")
		webtest.MustContain(t, body, "Volunteers per 1,000 residents, by district", `<td class="num">1,200</td>`, "Louvre: 2.0")
	})
}

// Imported boundaries replace the tile grid.
func TestListPageDrawsBoundaries(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		file := collection(
			feature(`"c_ar":1,"l_aroff":"Louvre"`, polygon(okRing)),
			feature(`"c_ar":2,"l_aroff":"<script>alert(1)</script>"`, polygon(`[[2.34,48.86],[2.35,48.86],[2.35,48.87],[2.34,48.87],[2.34,48.86]]`)))
		_, err := districts.NewStore(d).ImportGeoJSON(context.Background(), strings.NewReader(file), parisOptions)
		if err != nil {
			t.Fatal(err)
		}
		_, body := get(t, site(t, d, nil), "/districts", "en")
		webtest.MustContain(t, body, `<g class="map-areas"><path d="M`, `fill="url(#districts-map-nodata)"`, "No data", "&lt;script&gt;alert(1)&lt;/script&gt;")
		webtest.MustNotContain(t, body, "<script>", `<g class="map-areas"><rect`)
	})
}

func TestDistrictPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		loadParisDemo(t, d)
		h := site(t, d, someVolunteers)

		code, body := get(t, h, "/districts/1", "fr")
		if code != http.StatusOK {
			t.Fatalf("status %d", code)
		}
		webtest.MustContain(t, body,
			"<h1>Louvre</h1>", "<dd>15\u202f900</dd>", "<dd>1,83</dd>", "<dd>32</dd>", "<dd>2,0</dd>",
			`role="img" aria-labelledby="district-map-title district-map-desc"`,
			`<title id="district-map-title">Louvre sur la carte des quartiers</title>`,
			`href="/signin?next=/districts/1"`,
		)
		// Signed out: no names at all.
		webtest.MustNotContain(t, body, "Camille", "Karim", "[districts.")

		_, body = get(t, h, "/districts/1", "en", "X-Test-User", "Zoé")
		webtest.MustContain(t, body, "<li>Camille &lt;Dupont&gt;</li>", "<li>Karim B.</li>")
		webtest.MustNotContain(t, body, "signin?next")

		_, body = get(t, h, "/districts/2", "en", "X-Test-User", "Zoé")
		webtest.MustContain(t, body, "No volunteer in this district shares their name")

		if code, _ := get(t, h, "/districts/99", "fr"); code != http.StatusNotFound {
			t.Errorf("unknown code: %d", code)
		}
		if code, _ := get(t, h, "/districts/%3Cscript%3E", "fr"); code != http.StatusNotFound {
			t.Errorf("odd code: %d", code)
		}
	})
}

// Without the volunteers feature the pages still work, with counts of 0.
func TestPagesWithoutVolunteers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		loadParisDemo(t, d)
		h := site(t, d, nil)
		if code, body := get(t, h, "/districts", "en"); code != 200 || !strings.Contains(body, `<td class="num">0.0</td>`) {
			t.Errorf("list: %d", code)
		}
		code, body := get(t, h, "/districts/3", "en", "X-Test-User", "Zoé")
		if code != 200 || !strings.Contains(body, "No volunteer in this district") {
			t.Errorf("district: %d", code)
		}
		if code, _ := get(t, site(t, d, &fakeVolunteers{fail: true}), "/districts", "en"); code != 500 {
			t.Errorf("failing volunteers store: %d", code)
		}
	})
}

func TestAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		loadParisDemo(t, d)
		h := site(t, d, someVolunteers)
		code, body := get(t, h, "/api/v1/districts", "fr")
		var list struct {
			Districts []map[string]any `json:"districts"`
		}
		if err := json.Unmarshal([]byte(body), &list); code != 200 || err != nil || len(list.Districts) != 20 {
			t.Fatalf("list: %d %v %s", code, err, body)
		}
		first := list.Districts[0]
		if first["code"] != "1" || first["volunteers"] != 32.0 || first["volunteers_per_1000"] != 2.01 || first["population"] != 15900.0 {
			t.Errorf("first district %v", first)
		}
		code, body = get(t, h, "/api/v1/districts/15", "fr")
		if code != 200 || !strings.Contains(body, `"volunteers_per_1000": 5.27`) || !strings.Contains(body, `"area_km2": 8.49`) {
			t.Errorf("one district: %d %s", code, body)
		}
		code, body = get(t, h, "/api/v1/districts/99", "fr")
		if code != 404 || !strings.Contains(body, `"error": "no district has the code 99"`) {
			t.Errorf("unknown: %d %s", code, body)
		}
		code, body = get(t, site(t, d, &fakeVolunteers{fail: true}), "/api/v1/districts", "fr")
		if code != 500 || !strings.Contains(body, `"error": "internal error; request id `) || strings.Contains(body, "down") {
			t.Errorf("failure: %d %s", code, body)
		}
	})
}
