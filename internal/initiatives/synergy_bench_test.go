package initiatives

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

// BenchmarkSimilar measures one initiative's suggestions among 10,000
// visible initiatives spread over Paris, as the initiative page asks for
// them. Run with:
//
//	go test ./internal/initiatives -run '^$' -bench 'Similar|Clusters' -benchtime 2000x
//
// (and CV_TEST_POSTGRES_URL set for PostgreSQL). p50 and p99 are per call,
// after a warm-up that fills the term memo as a running server has it;
// cold-ms is the first call, on a freshly seeded database.
func BenchmarkSimilar(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			s, all := synBenchWorld(b, e, 10_000)
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(7, 11))
			start := time.Now()
			if _, err := s.Similar(ctx, all[rng.IntN(len(all))], 5); err != nil {
				b.Fatal(err)
			}
			cold := time.Since(start)
			for range 300 {
				if _, err := s.Similar(ctx, all[rng.IntN(len(all))], 5); err != nil {
					b.Fatal(err)
				}
			}
			times := make([]time.Duration, 0, b.N)
			found := 0
			b.ResetTimer()
			for range b.N {
				in := all[rng.IntN(len(all))]
				start := time.Now()
				got, err := s.Similar(ctx, in, 5)
				times = append(times, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				found += len(got)
			}
			b.StopTimer()
			synReport(b, times)
			b.ReportMetric(float64(cold.Microseconds())/1000, "cold-ms")
			b.ReportMetric(float64(found)/float64(b.N), "suggestions/op")
		})
	}
}

// BenchmarkClusters measures the coordinators' board over the same 10,000
// initiatives, unfiltered (the worst case) and for one district.
func BenchmarkClusters(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			s, _ := synBenchWorld(b, e, 10_000)
			ctx := context.Background()
			for _, f := range []ClusterFilter{{}, {District: "11"}} {
				name := "all"
				if f.District != "" {
					name = "district"
				}
				b.Run(name, func(b *testing.B) {
					if _, _, err := s.Clusters(ctx, f); err != nil { // warms the term memo
						b.Fatal(err)
					}
					times := make([]time.Duration, 0, b.N)
					total := 0
					b.ResetTimer()
					for range b.N {
						start := time.Now()
						_, n, err := s.Clusters(ctx, f)
						times = append(times, time.Since(start))
						if err != nil {
							b.Fatal(err)
						}
						total = n
					}
					b.StopTimer()
					synReport(b, times)
					b.ReportMetric(float64(total), "clusters")
				})
			}
		})
	}
}

func synReport(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	at := func(q float64) float64 {
		i := min(len(times)-1, int(math.Ceil(q*float64(len(times))))-1)
		return float64(times[max(0, i)].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// Words the generated initiatives are written with: each theme's own, and
// words any initiative may use.
var synBenchWords = map[string][]string{
	"energy":     {"énergie", "solaire", "panneaux", "isolation", "chauffage", "électricité", "rénovation", "coopérative", "sobriété", "factures", "logement", "thermique"},
	"mobility":   {"vélo", "vélos", "atelier", "réparation", "piste", "cyclable", "marche", "covoiturage", "trottinette", "mécanique", "école", "trajet"},
	"food":       {"cuisine", "légumes", "bio", "amap", "marché", "repas", "cantine", "producteurs", "circuit", "court", "fruits", "épicerie"},
	"waste":      {"compost", "déchets", "recyclage", "réemploi", "vide", "grenier", "ressourcerie", "vrac", "emballages", "zéro", "collecte", "tri"},
	"greening":   {"jardin", "partagé", "arbres", "plantation", "fleurs", "toiture", "végétalisation", "potager", "pied", "graines", "biodiversité", "square"},
	"water":      {"eau", "fontaine", "pluie", "récupération", "gourde", "rivière", "fraîcheur", "canicule", "arrosage", "seine", "nappe", "économies"},
	"solidarity": {"entraide", "voisins", "aînés", "canicule", "visites", "isolés", "accueil", "dons", "maraude", "familles", "partage", "soutien"},
	"awareness":  {"atelier", "fresque", "climat", "conférence", "débat", "film", "sensibilisation", "formation", "jeunes", "exposition", "lecture", "enfants"},
}

var synBenchCommon = []string{"ensemble", "chaque", "mois", "gratuit", "bénévoles", "rencontre", "ouvert", "public", "convivial",
	"découvrir", "apprendre", "agir", "local", "samedi", "matin", "soir", "habitants", "rue", "place", "centre"}

// synBenchWorld writes n published initiatives (and a few hidden or draft
// ones that must never come out) placed around the districts' centroids,
// more where more people live, and returns them all.
func synBenchWorld(b *testing.B, e db.Engine, n int) (*Service, []Initiative) {
	b.Helper()
	d := dbtest.Open(b, e)
	s := synService(b, d)
	ctx := context.Background()
	owner := synUser(b, d, "volunteer")
	rng := rand.New(rand.NewPCG(1, 2))
	pop := 0
	for _, x := range districts.Paris {
		pop += x.Population
	}
	pick := func() districts.District {
		r := rng.IntN(pop)
		for _, x := range districts.Paris {
			if r -= x.Population; r < 0 {
				return x
			}
		}
		return districts.Paris[0]
	}
	words := func(k int, from ...[]string) string {
		var out []string
		for range k {
			list := from[rng.IntN(len(from))]
			out = append(out, list[rng.IntN(len(list))])
		}
		return strings.Join(out, " ")
	}
	all := make([]Initiative, 0, n)
	const batch = 2500
	for done := 0; done < n; done += batch {
		err := d.Tx(ctx, func(tx *db.Tx) error {
			now := db.Now()
			for range min(batch, n-done) {
				dist := pick()
				theme := Themes[rng.IntN(len(Themes))]
				own := synBenchWords[theme]
				// A point within the district's equivalent disc.
				r := math.Sqrt(dist.AreaKm2/math.Pi) * math.Sqrt(rng.Float64())
				a := rng.Float64() * 2 * math.Pi
				p := Point{Lat: dist.Lat + r*math.Sin(a)/111.2, Lon: dist.Lon + r*math.Cos(a)/(111.2*math.Cos(dist.Lat*math.Pi/180))}
				v := validated{Input: Input{Title: words(4, own, own, synBenchCommon),
					Summary: words(14, own, synBenchCommon, own), Theme: theme, DistrictCode: dist.Code, Ongoing: true}, point: &p}
				status := Published
				switch rng.IntN(20) {
				case 0:
					status = Draft
				case 1:
					status = Paused
				}
				id, err := insertInitiative(ctx, tx, v, Point{dist.Lat, dist.Lon}, owner.UserID, status, now)
				if err != nil {
					return err
				}
				all = append(all, Initiative{ID: id, Title: v.Title, Summary: v.Summary, Theme: theme, DistrictCode: dist.Code,
					Point: &p, Geo: p, Status: status})
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	// The page only asks for suggestions of visible initiatives.
	all = slices.DeleteFunc(all, func(in Initiative) bool { return !in.Visible() })
	if e == db.SQLite {
		var plan strings.Builder
		rows, err := d.Query(ctx, "EXPLAIN QUERY PLAN "+synNeighboursQuery, "published", "paused", false, 48.8, 48.9, 2.3, 2.4, 0)
		if err == nil {
			for rows.Next() {
				var id, parent, unused int
				var detail string
				rows.Scan(&id, &parent, &unused, &detail)
				plan.WriteString(detail + "; ")
			}
			rows.Close()
		}
		b.Logf("plan: %s", plan.String())
	}
	return s, all
}
