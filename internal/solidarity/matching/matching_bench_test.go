package matching

import (
	"math/rand/v2"
	"testing"
)

// parisInstance: np people and nv volunteers uniformly over Paris, 85%
// French only, 10% French and Arabic, 5% Arabic only; capacities 1 to 3.
func parisInstance(np, nv int) ([]Person, []Volunteer) {
	r := rand.New(rand.NewPCG(2003, 8))
	langs := func() []string {
		switch x := r.IntN(100); {
		case x < 85:
			return []string{"fr"}
		case x < 95:
			return []string{"fr", "ar"}
		default:
			return []string{"ar"}
		}
	}
	point := func() (float64, float64) {
		return 48.815 + r.Float64()*(48.902-48.815), 2.25 + r.Float64()*(2.42-2.25)
	}
	vs := make([]Volunteer, nv)
	for j := range vs {
		lat, lon := point()
		vs[j] = Volunteer{ID: int64(j + 1), Lat: lat, Lon: lon, Capacity: 1 + r.IntN(3), Languages: langs()}
	}
	ps := make([]Person, np)
	for i := range ps {
		lat, lon := point()
		ps[i] = Person{ID: int64(i + 1), Lat: lat, Lon: lon, Languages: langs()}
	}
	return ps, vs
}

func benchmarkMatch(b *testing.B, opt Options) {
	ps, vs := parisInstance(20000, 15000)
	// Last episode's pairs: the optimum of the same instance, then a third of
	// the volunteers lose one place, so some pairs must change.
	prev, err := Match(ps, vs, opt)
	if err != nil {
		b.Fatal(err)
	}
	for i, pr := range prev.Pairs {
		if i%10 < 7 {
			ps[pr.PersonID-1].Previous = pr.VolunteerID
		}
	}
	for j := range vs {
		if j%3 == 0 && vs[j].Capacity > 1 {
			vs[j].Capacity--
		}
	}
	var res Result
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err = Match(ps, vs, opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(len(res.Pairs)), "matched")
	b.ReportMetric(float64(res.Kept), "kept")
	b.ReportMetric(float64(res.TotalMeters)/float64(max(len(res.Pairs), 1)), "m/pair")
}

// go test -run '^$' -bench Paris -cpu 1 ./internal/solidarity/matching
func BenchmarkParis20kBy15k(b *testing.B) {
	benchmarkMatch(b, Options{K: 8, MaxKm: 3, KeepBonusMeters: 500})
}

func BenchmarkParis20kBy15kNoLimit(b *testing.B) {
	benchmarkMatch(b, Options{K: 8, KeepBonusMeters: 500})
}

// Scarce capacity (about 14,000 places for 20,000 people): the people left
// over make the searches explore their whole reachable region.
func BenchmarkParis20kBy7kScarce(b *testing.B) {
	ps, vs := parisInstance(20000, 15000)
	vs = vs[:7000]
	opt := Options{K: 8, MaxKm: 3, KeepBonusMeters: 500}
	var res Result
	var err error
	for b.Loop() {
		if res, err = Match(ps, vs, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(len(res.Pairs)), "matched")
}

// Districts: Paris cut into a 5 x 4 grid of "districts"; each person lives
// in one, each volunteer covers their own and one neighbour.
func BenchmarkParis20kBy15kDistricts(b *testing.B) {
	ps, vs := parisInstance(20000, 15000)
	cell := func(lat, lon float64) (int, int) {
		x := min(int((lon-2.25)/(2.42-2.25)*5), 4)
		y := min(int((lat-48.815)/(48.902-48.815)*4), 3)
		return x, y
	}
	name := func(x, y int) string { return string(rune('a'+x)) + string(rune('0'+y)) }
	for i := range ps {
		ps[i].District = name(cell(ps[i].Lat, ps[i].Lon))
	}
	for j := range vs {
		x, y := cell(vs[j].Lat, vs[j].Lon)
		nx := x + 1
		if nx > 4 {
			nx = x - 1
		}
		vs[j].Districts = []string{name(x, y), name(nx, y)}
	}
	opt := Options{K: 8, MaxKm: 3, KeepBonusMeters: 500}
	var res Result
	var err error
	for b.Loop() {
		if res, err = Match(ps, vs, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(len(res.Pairs)), "matched")
}
