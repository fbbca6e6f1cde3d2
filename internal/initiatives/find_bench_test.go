package initiatives

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// BenchmarkListPage serves the public list page over 10,000 initiatives
// spread over the 20 Paris districts (5% drafts or hidden, which the list
// must skip), through the page handler with its renderer and map: the
// query, the counts by district and the HTML. Each case reports the median
// and the 99th percentile of single requests. Run with:
//
//	go test ./internal/initiatives -run '^$' -bench ListPage -benchtime 400x
//
// and CV_TEST_POSTGRES_URL set to add PostgreSQL.
func BenchmarkListPage(b *testing.B) {
	cases := []struct{ name, query string }{
		{"list", ""},
		{"list-page-40", "page=40"},
		{"filtered", "theme=greening&district=11"},
		{"filtered-joined", "district=18&status=published&sort=joined"},
		{"search", "q=jardin+partag%C3%A9"},
		{"search-rare", "q=grainoth%C3%A8que"},
		{"search-filtered", "q=v%C3%A9lo&district=20&sort=newest"},
		{"near-radius", "lat=48.8566&lon=2.3522&radius=2"},
		{"near-district", "near=11&radius=1&sort=nearest"},
		{"near-no-radius", "lat=48.8566&lon=2.3522&sort=nearest"},
		{"near-search", "q=compost&near=15&radius=3"},
	}
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			h := findBenchWorld(b, e, 10_000)
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					serve := func() time.Duration {
						req := httptest.NewRequest("GET", "/initiatives?"+c.query, nil)
						w := httptest.NewRecorder()
						start := time.Now()
						h.ServeHTTP(w, req)
						d := time.Since(start)
						if w.Code != http.StatusOK {
							b.Fatalf("%s: status %d", c.query, w.Code)
						}
						return d
					}
					for range 20 { // warm the prepared statements and caches
						serve()
					}
					times := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for range b.N {
						times = append(times, serve())
					}
					b.StopTimer()
					slices.Sort(times)
					ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
					b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
					b.ReportMetric(ms(times[min(len(times)-1, len(times)*99/100)]), "p99-ms")
				})
			}
		})
	}
}

// findBenchWorld seeds n initiatives on engine e and returns the list page
// handler behind the request-tracking middleware, as the app serves it.
func findBenchWorld(b *testing.B, e db.Engine, n int) http.Handler {
	b.Helper()
	d := dbtest.Open(b, e)
	author := findDB(b, d)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 10))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	const batch = 2000
	for done := 0; done < n; done += batch {
		items := make([]findItem, 0, batch)
		for range min(batch, n-done) {
			dist := districts.Paris[rng.IntN(len(districts.Paris))]
			kind := findBenchKinds[rng.IntN(len(findBenchKinds))]
			it := findItem{Title: kind.title + " " + pick(findBenchPlaces), Theme: kind.theme, District: dist.Code,
				Summary:      pick(findBenchSummaries) + " " + pick(findBenchSummaries),
				Description:  strings.Repeat(pick(findBenchSentences)+" ", 3) + pick(findBenchSentences),
				Participants: rng.IntN(200), PublishedAt: base.Add(time.Duration(rng.IntN(2*365*24)) * time.Hour)}
			if rng.IntN(10) < 7 { // most have their own point, within about a kilometre of the centre
				it.Point = &Point{Lat: dist.Lat + (rng.Float64()-0.5)/50, Lon: dist.Lon + (rng.Float64()-0.5)/35}
			}
			switch rng.IntN(20) {
			case 0:
				it.Status = Draft
			case 1:
				it.Hidden = true
			case 2:
				it.Status = Paused
			}
			items = append(items, it)
		}
		findInsert(b, d, author, items)
	}
	if e == db.Postgres {
		// As after the demo load: fresh statistics for the planner.
		if _, err := d.Exec(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
	}
	cat, err := i18n.New(web.Locales, volunteers.Locales, Locales)
	if err != nil {
		b.Fatal(err)
	}
	static, err := web.NewStatic()
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rn, err := web.NewRenderer(cat, static, nil, log, false)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := NewService(Deps{DB: d, Districts: districts.NewStore(d), DataDir: b.TempDir(), Log: log})
	if err != nil {
		b.Fatal(err)
	}
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{}}
	r := web.NewRouter()
	h.registerFind(r)
	// A sanity check that the world is what the figures claim.
	res, err := svc.store.Find(ctx, Query{})
	if err != nil || res.Total < n*85/100 || res.Total > n*95/100 {
		b.Fatalf("seeded world lists %d of %d (%v)", res.Total, n, err)
	}
	return web.Chain(r, web.Track(log, nil))
}

// findBenchKinds are the kinds of initiatives the benchmark writes.
var findBenchKinds = []struct{ title, theme string }{
	{"Jardin partagé", "greening"}, {"Plantation d'arbres", "greening"}, {"Potager sur le toit", "greening"},
	{"Atelier vélo", "mobility"}, {"Vélo-école", "mobility"}, {"Pédibus", "mobility"},
	{"Compost collectif", "waste"}, {"Repair café", "waste"}, {"Ressourcerie", "waste"}, {"Grainothèque", "greening"},
	{"Cuisine anti-gaspi", "food"}, {"Marché de producteurs", "food"}, {"AMAP", "food"},
	{"Rénovation énergétique", "energy"}, {"Fresque du climat", "energy"}, {"Défi familles à énergie positive", "energy"},
}

var findBenchPlaces = []string{"de la rue Oberkampf", "du square du Temple", "de Belleville", "des Batignolles",
	"de la Goutte d'Or", "du quartier Saint-Blaise", "de la Butte-aux-Cailles", "du canal Saint-Martin",
	"de Montparnasse", "du parc Monceau", "de l'île Saint-Louis", "de la place des Fêtes"}

var findBenchSummaries = []string{
	"Un rendez-vous ouvert à tous les habitants du quartier.",
	"Chaque samedi matin, venez avec vos outils et votre bonne humeur.",
	"Nous cherchons des bénévoles pour arroser et récolter.",
	"Apprenez à réparer plutôt qu'à jeter.",
	"Des ateliers pour les enfants et leurs parents.",
	"Les légumes sont partagés entre les participants.",
	"Une association de quartier qui agit pour le climat.",
}

var findBenchSentences = []string{
	"Les bacs de compost accueillent les déchets de cuisine des immeubles voisins.",
	"Les vélos réparés sont donnés aux familles du quartier.",
	"La mairie d'arrondissement prête le local et l'eau.",
	"Nous organisons aussi des visites pour les écoles.",
	"Les économies d'énergie se mesurent chaque mois sur les factures.",
	"Les graines récoltées à l'automne sont échangées au printemps.",
	"Rejoignez-nous pour une heure ou pour toute la saison.",
	"Les rues végétalisées rafraîchissent le quartier pendant les canicules.",
}
