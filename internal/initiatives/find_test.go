package initiatives

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

// findItem is an initiative as the find tests write it straight into the
// store, whatever its status, with the dates and counters they need.
type findItem struct {
	Title, Summary, Description string
	Theme, District             string
	Point                       *Point
	Status                      Status
	Hidden                      bool
	Participants                int
	PublishedAt                 time.Time // zero: now
}

// findDB prepares d for the find tests: the Paris districts and an author.
func findDB(t testing.TB, d *db.DB) (author int64) {
	t.Helper()
	ctx := context.Background()
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, x := range districts.Paris {
			if err := districts.Upsert(ctx, tx, x); err != nil {
				return err
			}
		}
		now := db.Now()
		return tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES ('find-author@example.org', '', 'volunteer', 'active', 'fr', ?, ?) RETURNING id`, now, now).Scan(&author)
	})
	if err != nil {
		t.Fatal(err)
	}
	return author
}

// findCentroids are the districts' centres, by code.
func findCentroids() map[string]Point {
	m := map[string]Point{}
	for _, x := range districts.Paris {
		m[x.Code] = Point{Lat: x.Lat, Lon: x.Lon}
	}
	return m
}

// findInsert writes items in one transaction through the store's own insert
// and reindex, so the full-text index is the real one; it returns the ids.
func findInsert(t testing.TB, d *db.DB, author int64, items []findItem) []int64 {
	t.Helper()
	ctx := context.Background()
	centroids := findCentroids()
	ids := make([]int64, len(items))
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for i, it := range items {
			if it.Status == "" {
				it.Status = Published
			}
			if it.Theme == "" {
				it.Theme = Themes[0]
			}
			if it.District == "" {
				it.District = "11"
			}
			if it.Summary == "" {
				it.Summary = "Une initiative de quartier."
			}
			v := validated{Input: Input{Title: it.Title, Summary: it.Summary, Description: it.Description,
				Theme: it.Theme, DistrictCode: it.District, Ongoing: true}, point: it.Point}
			now := db.Now()
			id, err := insertInitiative(ctx, tx, v, centroids[it.District], author, it.Status, now)
			if err != nil {
				return err
			}
			var published any
			if it.Status.Public() || it.Status == Archived {
				at := it.PublishedAt
				if at.IsZero() {
					at = now
				}
				published = at.UTC()
			}
			if _, err := tx.Exec(ctx, "UPDATE initiatives SET published_at = ?, hidden = ?, participants = ? WHERE id = ?",
				published, it.Hidden, it.Participants, id); err != nil {
				return err
			}
			if err := reindex(ctx, tx, id); err != nil {
				return err
			}
			ids[i] = id
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func findIDs(r Result) []int64 {
	out := make([]int64, len(r.Items))
	for i, f := range r.Items {
		out[i] = f.ID
	}
	return out
}

func findRun(t *testing.T, s *Store, q Query) Result {
	t.Helper()
	r, err := s.Find(context.Background(), q)
	if err != nil {
		t.Fatalf("Find(%+v): %v", q, err)
	}
	if r.Total < len(r.Items) {
		t.Fatalf("Find(%+v): total %d below %d items", q, r.Total, len(r.Items))
	}
	return r
}

// sameSet reports whether got holds exactly want, in any order.
func sameSet(got, want []int64) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

func TestFindListsVisibleInitiativesOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		ids := findInsert(t, d, author, []findItem{
			{Title: "Jardin publié", Status: Published},
			{Title: "Jardin en pause", Status: Paused},
			{Title: "Jardin brouillon", Status: Draft},
			{Title: "Jardin soumis", Status: Submitted},
			{Title: "Jardin refusé", Status: Rejected},
			{Title: "Jardin archivé", Status: Archived},
			{Title: "Jardin masqué", Status: Published, Hidden: true},
			{Title: "Jardin en pause masqué", Status: Paused, Hidden: true},
		})
		published, paused := ids[0], ids[1]
		s := NewStore(d)
		for _, c := range []struct {
			name string
			q    Query
			want []int64
		}{
			{"everything", Query{}, []int64{published, paused}},
			{"search", Query{Text: "jardin"}, []int64{published, paused}},
			{"joined", Query{Sort: SortJoined}, []int64{published, paused}},
			{"near", Query{Near: &Point{48.8591, 2.3801}, RadiusKm: 5, Sort: SortNearest}, []int64{published, paused}},
			{"published only", Query{Statuses: []Status{Published}}, []int64{published}},
			{"paused only", Query{Statuses: []Status{Paused}}, []int64{paused}},
			{"drafts asked for", Query{Statuses: []Status{Draft, Submitted, Rejected, Archived}}, nil},
			{"drafts and published asked for", Query{Statuses: []Status{Draft, Published}}, []int64{published}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := findRun(t, s, c.q)
				if !sameSet(findIDs(r), c.want) || r.Total != len(c.want) {
					t.Errorf("got %v (total %d), want %v", findIDs(r), r.Total, c.want)
				}
			})
		}
	})
}

func TestFindFilters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		ids := findInsert(t, d, author, []findItem{
			{Title: "Jardin partagé Oberkampf", Theme: "greening", District: "11"},
			{Title: "Atelier vélo", Theme: "mobility", District: "11"},
			{Title: "Verger de Belleville", Theme: "greening", District: "20"},
			{Title: "Compost collectif", Theme: "waste", District: "20", Description: "Un bac près du jardin."},
			{Title: "Ressourcerie", Theme: "waste", District: "15"},
		})
		s := NewStore(d)
		for _, c := range []struct {
			name       string
			q          Query
			want       []int64
			byDistrict map[string]int
		}{
			{"theme", Query{Theme: "greening"}, []int64{ids[0], ids[2]}, map[string]int{"11": 1, "20": 1}},
			{"district", Query{District: "20"}, []int64{ids[2], ids[3]}, map[string]int{"20": 2}},
			{"theme and district", Query{Theme: "waste", District: "20"}, []int64{ids[3]}, map[string]int{"20": 1}},
			{"text in title or description", Query{Text: "jardin"}, []int64{ids[0], ids[3]}, map[string]int{"11": 1, "20": 1}},
			{"text and theme", Query{Text: "jardin", Theme: "waste"}, []int64{ids[3]}, map[string]int{"20": 1}},
			{"unknown theme", Query{Theme: "juggling"}, nil, map[string]int{}},
			{"no filter", Query{}, ids, map[string]int{"11": 2, "20": 2, "15": 1}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := findRun(t, s, c.q)
				if !sameSet(findIDs(r), c.want) || r.Total != len(c.want) {
					t.Errorf("got %v (total %d), want %v", findIDs(r), r.Total, c.want)
				}
				if fmt.Sprint(r.ByDistrict) != fmt.Sprint(c.byDistrict) {
					t.Errorf("by district %v, want %v", r.ByDistrict, c.byDistrict)
				}
			})
		}
	})
}

func TestFindStemsFrench(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		ids := findInsert(t, d, author, []findItem{
			{Title: "Jardin partagé", Summary: "Des légumes pour le quartier."},
			{Title: "Événement de réparation", Summary: "Un samedi par mois, on répare les vélos."},
			{Title: "Cœur d'îlot", Summary: "L'écologie au pied des immeubles."},
		})
		garden, repair, islet := ids[0], ids[1], ids[2]
		s := NewStore(d)
		for _, c := range []struct {
			text string
			want []int64
		}{
			{"jardins partagés", []int64{garden}},
			{"JARDIN PARTAGE", []int64{garden}},
			{"Jardin", []int64{garden}},
			{"partages", []int64{garden}},
			{"légume", []int64{garden}},
			{"evenements", []int64{repair}},
			{"réparer vélo", []int64{repair}},
			{"reparations", []int64{repair}},
			{"coeur", []int64{islet}},
			{"ilots", []int64{islet}},
			{"écologique", []int64{islet}},
			{"jardin vélo", nil}, // every word must match
			{"piscine", nil},
		} {
			t.Run(c.text, func(t *testing.T) {
				r := findRun(t, s, Query{Text: c.text, Sort: SortRelevance})
				if !sameSet(findIDs(r), c.want) {
					t.Errorf("%q found %v, want %v", c.text, findIDs(r), c.want)
				}
			})
		}
	})
}

func TestFindSearchSyntaxIsText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		ids := findInsert(t, d, author, []findItem{{Title: "Jardin partagé"}, {Title: "Atelier vélo"}})
		s := NewStore(d)
		for _, c := range []struct {
			text string
			want []int64 // nil: nothing; all: no word left, so no text filter
		}{
			{`"`, ids},
			{`"jardin`, ids[:1]},
			{`jardin"`, ids[:1]},
			{`*`, ids},
			{`jardin*`, ids[:1]},
			{`NEAR(jardin partagé)`, nil}, // "near" is a word like any other
			{`NEAR`, nil},
			{`-jardin`, ids[:1]},
			{`jardin -vélo`, nil},
			{`(jardin OR`, nil},
			{`jardin) AND (`, nil},
			{`title:jardin`, nil},
			{`body : jardin`, nil},
			{`^jardin`, ids[:1]},
			{`jardin + partagé`, ids[:1]},
			{`'; DROP TABLE initiatives; --`, nil},
			{"jardin\x00", ids[:1]},
			{`{jardin}`, ids[:1]},
			{`jardin & | ! : <-> !vélo`, nil},
			{`a`, ids},
			{`🌱`, ids},
		} {
			t.Run(c.text, func(t *testing.T) {
				for _, sort := range []string{SortNewest, SortRelevance} {
					r := findRun(t, s, Query{Text: c.text, Sort: sort})
					if !sameSet(findIDs(r), c.want) {
						t.Errorf("%q (%s) found %v, want %v", c.text, sort, findIDs(r), c.want)
					}
				}
			})
		}
	})
}

func TestFindNear(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		// Places north of the Place de la République, about 0.5, 1.5 and
		// 3 km away (a degree of latitude is 111.2 km); the last has no
		// point and takes the 16th's centre, about 7.4 km west.
		here := Point{Lat: 48.8674, Lon: 2.3636}
		north := func(km float64) *Point { return &Point{Lat: here.Lat + km/kmPerDegree, Lon: here.Lon} }
		ids := findInsert(t, d, author, []findItem{
			{Title: "Loin", Point: north(3), District: "18"},
			{Title: "Proche", Point: north(0.5), District: "10"},
			{Title: "Moyen", Point: north(1.5), District: "10"},
			{Title: "Centre du 16e", District: "16"},
		})
		far, close, middle, centroid := ids[0], ids[1], ids[2], ids[3]
		s := NewStore(d)
		for _, c := range []struct {
			name string
			q    Query
			want []int64 // in order
		}{
			{"radius 1", Query{Near: &here, RadiusKm: 1, Sort: SortNearest}, []int64{close}},
			{"radius 2", Query{Near: &here, RadiusKm: 2, Sort: SortNearest}, []int64{close, middle}},
			{"radius 3.2", Query{Near: &here, RadiusKm: 3.2, Sort: SortNearest}, []int64{close, middle, far}},
			{"radius 5", Query{Near: &here, RadiusKm: 5, Sort: SortNearest}, []int64{close, middle, far}},
			{"radius 8", Query{Near: &here, RadiusKm: 8, Sort: SortNearest}, []int64{close, middle, far, centroid}},
			{"no radius", Query{Near: &here, Sort: SortNearest}, []int64{close, middle, far, centroid}},
			{"radius and district", Query{Near: &here, RadiusKm: 5, District: "10", Sort: SortNearest}, []int64{close, middle}},
			{"radius with the text", Query{Near: &here, RadiusKm: 2, Text: "moyen", Sort: SortNearest}, []int64{middle}},
			{"radius without a point is ignored", Query{RadiusKm: 1, Sort: SortNearest}, []int64{centroid, middle, close, far}},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := findRun(t, s, c.q)
				if !slices.Equal(findIDs(r), c.want) || r.Total != len(c.want) {
					t.Fatalf("got %v (total %d), want %v", findIDs(r), r.Total, c.want)
				}
				for _, f := range r.Items {
					if c.q.Near == nil {
						if f.DistanceKm != 0 {
							t.Errorf("%d: distance %v without a point", f.ID, f.DistanceKm)
						}
						continue
					}
					if want := Haversine(here, f.Geo); math.Abs(f.DistanceKm-want) > 0.001 {
						t.Errorf("%d: distance %v km, want %v", f.ID, f.DistanceKm, want)
					}
				}
			})
		}
		// The exact distance decides at the edge of the box.
		r := findRun(t, s, Query{Near: &here, RadiusKm: 0.499})
		if len(r.Items) != 0 {
			t.Errorf("0.499 km finds %v", findIDs(r))
		}
		// The antipode neither fails nor finds anything within 1 km.
		if r := findRun(t, s, Query{Near: &Point{-here.Lat, here.Lon - 180}, RadiusKm: 1}); r.Total != 0 {
			t.Errorf("antipode finds %v", findIDs(r))
		}
		if r := findRun(t, s, Query{Near: &Point{-here.Lat, here.Lon - 180}, Sort: SortNearest}); r.Total != 4 {
			t.Errorf("antipode without radius finds %d", r.Total)
		}
	})
}

func TestFindSorts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		ids := findInsert(t, d, author, []findItem{
			{Title: "Atelier compost", Description: "Des bacs.", Participants: 5, PublishedAt: base, District: "1"},
			{Title: "Bourse aux plantes", Description: "Trocs de plantes et de compost.", Participants: 40, PublishedAt: base.Add(2 * time.Hour), District: "20"},
			{Title: "Vélo-école", Description: "Apprendre le vélo.", Participants: 12, PublishedAt: base.Add(time.Hour), District: "11"},
			{Title: "Compost du square", Description: "Compost, compost.", Participants: 12, PublishedAt: base.Add(3 * time.Hour), District: "15"},
		})
		s := NewStore(d)
		louvre := Point{Lat: 48.8626, Lon: 2.3364}
		for _, c := range []struct {
			name string
			q    Query
			want []int64
		}{
			{"newest", Query{Sort: SortNewest}, []int64{ids[3], ids[1], ids[2], ids[0]}},
			{"default is newest", Query{}, []int64{ids[3], ids[1], ids[2], ids[0]}},
			// Ties on participants go to the newest.
			{"joined", Query{Sort: SortJoined}, []int64{ids[1], ids[3], ids[2], ids[0]}},
			{"nearest the Louvre", Query{Sort: SortNearest, Near: &louvre}, []int64{ids[0], ids[2], ids[3], ids[1]}},
			{"nearest without a point is newest", Query{Sort: SortNearest}, []int64{ids[3], ids[1], ids[2], ids[0]}},
			// Title matches first; the newest breaks ties.
			{"relevance", Query{Sort: SortRelevance, Text: "compost"}, []int64{ids[3], ids[0], ids[1]}},
			{"relevance without words is newest", Query{Sort: SortRelevance, Text: " - "}, []int64{ids[3], ids[1], ids[2], ids[0]}},
		} {
			t.Run(c.name, func(t *testing.T) {
				if r := findRun(t, s, c.q); !slices.Equal(findIDs(r), c.want) {
					t.Errorf("got %v, want %v", findIDs(r), c.want)
				}
			})
		}
		if _, err := s.Find(context.Background(), Query{Sort: "alphabetical"}); err == nil {
			t.Error("an unknown sort is accepted")
		}
	})
}

func TestFindPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		author := findDB(t, d)
		base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
		items := make([]findItem, 25)
		for i := range items {
			// Pairs share a date: the id breaks the tie.
			items[i] = findItem{Title: fmt.Sprintf("Initiative %d", i), PublishedAt: base.Add(time.Duration(i/2) * time.Minute),
				Participants: i % 3}
		}
		findInsert(t, d, author, items)
		s := NewStore(d)
		ctx := context.Background()
		for _, sort := range []string{SortNewest, SortJoined} {
			all := findRun(t, s, Query{Sort: sort, Limit: 100})
			if len(all.Items) != 25 || all.Total != 25 || all.Next != nil {
				t.Fatalf("%s: %d items, total %d, next %v", sort, len(all.Items), all.Total, all.Next)
			}
			var paged []int64
			for off := 0; off < 30; off += 10 {
				r := findRun(t, s, Query{Sort: sort, Limit: 10, Offset: off})
				if r.Total != 25 {
					t.Errorf("%s offset %d: total %d", sort, off, r.Total)
				}
				paged = append(paged, findIDs(r)...)
			}
			if !slices.Equal(paged, findIDs(all)) {
				t.Errorf("%s: pages %v, whole list %v", sort, paged, findIDs(all))
			}
		}

		// The keyset walk gives the newest order, page after page.
		all := findRun(t, s, Query{Limit: 100})
		var walked []int64
		q := Query{Limit: 7}
		for range 10 {
			r := findRun(t, s, q)
			if r.Total != 25 {
				t.Errorf("keyset total %d", r.Total)
			}
			walked = append(walked, findIDs(r)...)
			if r.Next == nil {
				break
			}
			q.After = r.Next
		}
		if !slices.Equal(walked, findIDs(all)) {
			t.Errorf("keyset walk %v, want %v", walked, findIDs(all))
		}
		// A cursor in another time zone means the same instant.
		paris, _ := time.LoadLocation("Europe/Paris")
		first := findRun(t, s, Query{Limit: 5})
		c := *first.Next
		c.PublishedAt = c.PublishedAt.In(paris)
		if r := findRun(t, s, Query{Limit: 5, After: &c}); !slices.Equal(findIDs(r), findIDs(all)[5:10]) {
			t.Errorf("cursor in Paris time: %v, want %v", findIDs(r), findIDs(all)[5:10])
		}
		if _, err := s.Find(ctx, Query{Sort: SortJoined, After: first.Next}); !errors.Is(err, ErrCursorOrder) {
			t.Errorf("cursor with the joined order: %v", err)
		}
		// Beyond the last page: no items, the total still told.
		if r := findRun(t, s, Query{Offset: 100}); len(r.Items) != 0 || r.Total != 25 {
			t.Errorf("beyond the end: %d items, total %d", len(r.Items), r.Total)
		}
		if r := findRun(t, s, Query{Limit: 1000}); len(r.Items) != 25 {
			t.Errorf("a large limit gives %d items", len(r.Items))
		}
	})
}

func TestParseQuery(t *testing.T) {
	ds := districts.Paris
	centre11 := Point{Lat: 48.8591, Lon: 2.3801}
	for _, c := range []struct {
		name   string
		in     string
		want   Query
		errors []string // fields in error
	}{
		{"empty", "", Query{Sort: SortNewest, Limit: PageSize}, nil},
		{"all filters", "q=jardin&theme=greening&district=11&status=paused&near=11&radius=1,5&sort=joined&page=3",
			Query{Text: "jardin", Theme: "greening", District: "11", Statuses: []Status{Paused}, Near: &centre11, RadiusKm: 1.5,
				Sort: SortJoined, Limit: PageSize, Offset: 2 * PageSize}, nil},
		{"coordinates", "lat=48,8566&lon=2.3522&radius=2",
			Query{Near: &Point{48.8566, 2.3522}, RadiusKm: 2, Sort: SortNearest, Limit: PageSize}, nil},
		{"searching sorts by relevance", "q=jardin", Query{Text: "jardin", Sort: SortRelevance, Limit: PageSize}, nil},
		{"relevance without words", "q=&sort=relevance", Query{Sort: SortNewest, Limit: PageSize}, nil},
		{"bad theme keeps the rest", "theme=juggling&district=20&q=compost",
			Query{Text: "compost", District: "20", Sort: SortRelevance, Limit: PageSize}, []string{"theme"}},
		{"bad district", "district=99&theme=waste", Query{Theme: "waste", Sort: SortNewest, Limit: PageSize}, []string{"district"}},
		{"bad status", "status=draft&status=published", Query{Statuses: []Status{Published}, Sort: SortNewest, Limit: PageSize}, []string{"status"}},
		{"bad sort", "sort=random&theme=waste", Query{Theme: "waste", Sort: SortNewest, Limit: PageSize}, []string{"sort"}},
		{"nearest without a place", "sort=nearest", Query{Sort: SortNewest, Limit: PageSize}, []string{"sort"}},
		{"bad radius", "near=11&radius=-1", Query{Near: &centre11, Sort: SortNearest, Limit: PageSize}, []string{"radius"}},
		{"radius too large", "near=11&radius=500", Query{Near: &centre11, Sort: SortNearest, Limit: PageSize}, []string{"radius"}},
		{"radius not a number", "near=11&radius=NaN", Query{Near: &centre11, Sort: SortNearest, Limit: PageSize}, []string{"radius"}},
		{"radius without a place", "radius=2&theme=food", Query{Theme: "food", Sort: SortNewest, Limit: PageSize}, []string{"radius"}},
		{"latitude out of range", "lat=95&lon=2&radius=2", Query{Sort: SortNewest, Limit: PageSize}, []string{"lat"}},
		{"longitude missing", "lat=48.8&radius=2", Query{Sort: SortNewest, Limit: PageSize}, []string{"lon"}},
		{"coordinates not numbers", "lat=north&lon=east", Query{Sort: SortNewest, Limit: PageSize}, []string{"lat"}},
		{"unknown place", "near=99", Query{Sort: SortNewest, Limit: PageSize}, []string{"near"}},
		{"both places", "near=11&lat=48.8&lon=2.3", Query{Sort: SortNewest, Limit: PageSize}, []string{"near"}},
		{"long search", "q=" + strings.Repeat("a", MaxText+1) + "&theme=food",
			Query{Theme: "food", Sort: SortNewest, Limit: PageSize}, []string{"q"}},
		{"bad page", "page=-3", Query{Sort: SortNewest, Limit: PageSize}, nil},
		{"page far away", "page=99999999999", Query{Sort: SortNewest, Limit: PageSize, Offset: (maxPage - 1) * PageSize}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := url.ParseQuery(c.in)
			if err != nil {
				t.Fatal(err)
			}
			q, errs := ParseQuery(v, ds)
			var fields []string
			for _, e := range errs {
				fields = append(fields, e.Field)
				if e.Key == "" {
					t.Errorf("%s: no message key", e.Field)
				}
			}
			if !slices.Equal(fields, c.errors) {
				t.Errorf("errors on %v, want %v", fields, c.errors)
			}
			got, want := q, c.want
			got.Near, want.Near = nil, nil
			if fmt.Sprintf("%+v %v", got, q.Near) != fmt.Sprintf("%+v %v", want, c.want.Near) {
				t.Errorf("got  %+v %v\nwant %+v %v", got, q.Near, want, c.want.Near)
			}
		})
	}
}
