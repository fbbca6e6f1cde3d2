package matching

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
)

var langPool = []string{"fr", "ar", "zh"}

// randomInstance spreads people and volunteers over a few km of Paris so
// that MaxKm and languages both bite.
func randomInstance(r *rand.Rand, np, nv int) ([]Person, []Volunteer) {
	langs := func() []string {
		if r.IntN(3) == 0 {
			a := r.IntN(len(langPool))
			return []string{langPool[a], langPool[(a+1+r.IntN(len(langPool)-1))%len(langPool)]}
		}
		return []string{langPool[r.IntN(2)]}
	}
	vs := make([]Volunteer, nv)
	for j := range vs {
		vs[j] = Volunteer{ID: int64(100 + j*7 + r.IntN(5)), Lat: 48.84 + r.Float64()*0.04, Lon: 2.30 + r.Float64()*0.06,
			Capacity: 1 + r.IntN(3), Languages: langs()}
	}
	ps := make([]Person, np)
	for i := range ps {
		ps[i] = Person{ID: int64(1 + i*3 + r.IntN(3)), Lat: 48.84 + r.Float64()*0.04, Lon: 2.30 + r.Float64()*0.06, Languages: langs()}
		if nv > 0 && r.IntN(2) == 0 {
			ps[i].Previous = vs[r.IntN(nv)].ID
		}
	}
	return ps, vs
}

// brute enumerates every assignment of people to eligible volunteers (or
// nobody) and returns the best (count, cost) under the package's objective.
// allowed[i] lists, for person i, the volunteer indices it may take.
func brute(ps []Person, vs []Volunteer, allowed [][]int, bonus int64) (bestCount int, bestCost int64) {
	left := make([]int, len(vs))
	for j, v := range vs {
		left[j] = v.Capacity
	}
	bestCount, bestCost = -1, 0
	var rec func(i, count int, cost int64)
	rec = func(i, count int, cost int64) {
		if i == len(ps) {
			if count > bestCount || count == bestCount && cost < bestCost {
				bestCount, bestCost = count, cost
			}
			return
		}
		rec(i+1, count, cost)
		for _, j := range allowed[i] {
			if left[j] == 0 {
				continue
			}
			c := DistanceMeters(ps[i].Lat, ps[i].Lon, vs[j].Lat, vs[j].Lon)
			if vs[j].ID == ps[i].Previous {
				c -= bonus
			}
			left[j]--
			rec(i+1, count+1, cost+c)
			left[j]++
		}
	}
	rec(0, 0, 0)
	return bestCount, bestCost
}

func eligible(p Person, v Volunteer, maxKm float64) bool {
	if v.Capacity == 0 {
		return false
	}
	if p.District != "" && !slices.Contains(v.Districts, p.District) {
		return false
	}
	if maxKm > 0 && float64(DistanceMeters(p.Lat, p.Lon, v.Lat, v.Lon)) > maxKm*1000 {
		return false
	}
	for _, a := range p.Languages {
		for _, b := range v.Languages {
			if normLang(a) == normLang(b) {
				return true
			}
		}
	}
	return false
}

// checkValid verifies the hard constraints and the bookkeeping of a result.
func checkValid(t *testing.T, ps []Person, vs []Volunteer, opt Options, res Result) {
	t.Helper()
	pByID := map[int64]Person{}
	for _, p := range ps {
		pByID[p.ID] = p
	}
	vByID := map[int64]Volunteer{}
	for _, v := range vs {
		vByID[v.ID] = v
	}
	used := map[int64]int{}
	seen := map[int64]bool{}
	var total int64
	kept := 0
	for _, pr := range res.Pairs {
		p, v := pByID[pr.PersonID], vByID[pr.VolunteerID]
		if seen[p.ID] {
			t.Fatalf("person %d assigned twice", p.ID)
		}
		seen[p.ID] = true
		if !eligible(p, v, opt.MaxKm) {
			t.Fatalf("pair %d-%d not eligible", p.ID, v.ID)
		}
		if pr.Meters != DistanceMeters(p.Lat, p.Lon, v.Lat, v.Lon) {
			t.Fatalf("pair %d-%d: %d m reported", p.ID, v.ID, pr.Meters)
		}
		if pr.Kept != (p.Previous == v.ID) {
			t.Fatalf("pair %d-%d: Kept=%v", p.ID, v.ID, pr.Kept)
		}
		if pr.Kept {
			kept++
		}
		used[v.ID]++
		if used[v.ID] > v.Capacity {
			t.Fatalf("volunteer %d over capacity %d", v.ID, v.Capacity)
		}
		total += pr.Meters
	}
	for _, u := range res.Unmatched {
		if seen[u.PersonID] {
			t.Fatalf("person %d both matched and unmatched", u.PersonID)
		}
		seen[u.PersonID] = true
		p := pByID[u.PersonID]
		any := false
		for _, v := range vs {
			any = any || eligible(p, v, opt.MaxKm)
		}
		if (u.Reason == NoEligibleVolunteer) == any {
			t.Fatalf("person %d: reason %v but eligible volunteer exists=%v", p.ID, u.Reason, any)
		}
	}
	if len(seen) != len(ps) {
		t.Fatalf("%d people accounted for, want %d", len(seen), len(ps))
	}
	if total != res.TotalMeters || kept != res.Kept {
		t.Fatalf("TotalMeters %d/%d Kept %d/%d", res.TotalMeters, total, res.Kept, kept)
	}
	if !sort.SliceIsSorted(res.Pairs, func(a, b int) bool { return res.Pairs[a].PersonID < res.Pairs[b].PersonID }) ||
		!sort.SliceIsSorted(res.Unmatched, func(a, b int) bool { return res.Unmatched[a].PersonID < res.Unmatched[b].PersonID }) {
		t.Fatal("output not sorted by person id")
	}
}

func objective(res Result, bonus int64) (int, int64) {
	return len(res.Pairs), res.TotalMeters - bonus*int64(res.Kept)
}

// With K >= number of volunteers the candidate graph holds every eligible
// pair, so Match must reach the brute-force optimum.
func TestMatchesBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 600; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		ps, vs := randomInstance(r, 1+r.IntN(7), 1+r.IntN(5))
		opt := Options{K: len(vs) + r.IntN(3), MaxKm: []float64{0, 1.5, 3}[r.IntN(3)],
			KeepBonusMeters: []int{0, 300, 2000, 100000}[r.IntN(4)]}
		if r.IntN(4) == 0 {
			vs[r.IntN(len(vs))].Capacity = 0
		}
		res, err := Match(ps, vs, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, ps, vs, opt, res)
		allowed := make([][]int, len(ps))
		for i, p := range ps {
			for j, v := range vs {
				if eligible(p, v, opt.MaxKm) {
					allowed[i] = append(allowed[i], j)
				}
			}
		}
		wc, wcost := brute(ps, vs, allowed, int64(opt.KeepBonusMeters))
		gc, gcost := objective(res, int64(opt.KeepBonusMeters))
		if gc != wc || gcost != wcost {
			t.Fatalf("seed %d: got %d matched cost %d, brute force %d cost %d\n%+v\n%+v\n%+v", seed, gc, gcost, wc, wcost, ps, vs, res)
		}
	}
}

// With small K, Match must be optimal on the candidate graph it built.
func TestExactOnCandidateGraph(t *testing.T) {
	for seed := uint64(0); seed < 400; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		ps, vs := randomInstance(r, 2+r.IntN(6), 2+r.IntN(4))
		opt := Options{K: 1 + r.IntN(2), MaxKm: []float64{0, 2}[r.IntN(2)], KeepBonusMeters: []int{0, 500}[r.IntN(2)]}
		res, err := Match(ps, vs, opt)
		if err != nil {
			t.Fatal(err)
		}
		sps := slices.Clone(ps)
		slices.SortFunc(sps, func(a, b Person) int { return cmpInt64(a.ID, b.ID) })
		svs := slices.Clone(vs)
		slices.SortFunc(svs, func(a, b Volunteer) int { return cmpInt64(a.ID, b.ID) })
		maxM := int64(1 << 62)
		if opt.MaxKm > 0 {
			maxM = int64(opt.MaxKm * 1000)
		}
		g := buildCandidates(sps, svs, opt.K, maxM, int64(opt.KeepBonusMeters))
		allowed := make([][]int, len(sps))
		for i := range sps {
			for e := g.candStart[i]; e < g.candStart[i+1]; e++ {
				allowed[i] = append(allowed[i], int(g.candVol[e]))
			}
		}
		wc, wcost := brute(sps, svs, allowed, int64(opt.KeepBonusMeters))
		gc, gcost := objective(res, int64(opt.KeepBonusMeters))
		if gc != wc || gcost != wcost {
			t.Fatalf("seed %d: got %d/%d, brute force on candidates %d/%d", seed, gc, gcost, wc, wcost)
		}
	}
}

// The grid search must return exactly the K nearest eligible volunteers,
// ties broken by volunteer id.
func TestCandidatesAreKNearest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	ps, vs := randomInstance(r, 300, 400)
	// A few people far outside the volunteers' area exercise clamping.
	ps[0].Lat, ps[0].Lon = 48.5, 2.9
	ps[1].Lat, ps[1].Lon = 49.3, 1.8
	slices.SortFunc(ps, func(a, b Person) int { return cmpInt64(a.ID, b.ID) })
	slices.SortFunc(vs, func(a, b Volunteer) int { return cmpInt64(a.ID, b.ID) })
	for _, tc := range []struct {
		k     int
		maxKm float64
	}{{1, 0}, {5, 0}, {8, 2}, {20, 1}, {500, 0}} {
		maxM := int64(1 << 62)
		if tc.maxKm > 0 {
			maxM = int64(tc.maxKm * 1000)
		}
		g := buildCandidates(ps, vs, tc.k, maxM, 0)
		for i, p := range ps {
			type c struct {
				d int64
				j int32
			}
			var all []c
			for j, v := range vs {
				if eligible(p, v, tc.maxKm) {
					all = append(all, c{DistanceMeters(p.Lat, p.Lon, v.Lat, v.Lon), int32(j)})
				}
			}
			slices.SortFunc(all, func(a, b c) int {
				if a.d != b.d {
					return cmpInt64(a.d, b.d)
				}
				return int(a.j - b.j)
			})
			all = all[:min(len(all), tc.k)]
			var want, got []int32
			for _, x := range all {
				want = append(want, x.j)
			}
			for e := g.candStart[i]; e < g.candStart[i+1]; e++ {
				if !g.candPrev[e] || slices.Contains(want, g.candVol[e]) {
					got = append(got, g.candVol[e])
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("k=%d maxKm=%v person %d: got %v want %v", tc.k, tc.maxKm, p.ID, got, want)
			}
		}
	}
}

func TestPreviousPairKept(t *testing.T) {
	vs := []Volunteer{
		{ID: 10, Lat: 48.850, Lon: 2.350, Capacity: 1, Languages: []string{"fr"}},
		{ID: 20, Lat: 48.860, Lon: 2.350, Capacity: 1, Languages: []string{"fr"}},
	}
	ps := []Person{{ID: 1, Lat: 48.851, Lon: 2.350, Languages: []string{"FR"}, Previous: 20}}
	res, _ := Match(ps, vs, Options{})
	if res.Pairs[0].VolunteerID != 10 || res.Kept != 0 {
		t.Fatalf("without bonus: %+v", res)
	}
	res, _ = Match(ps, vs, Options{KeepBonusMeters: 2000})
	if res.Pairs[0].VolunteerID != 20 || !res.Pairs[0].Kept || res.Kept != 1 {
		t.Fatalf("with bonus: %+v", res)
	}
	// The previous volunteer is a candidate even when K excludes it.
	res, _ = Match(ps, vs, Options{K: 1, KeepBonusMeters: 2000})
	if res.Pairs[0].VolunteerID != 20 {
		t.Fatalf("K=1 with bonus: %+v", res)
	}
	// Keeping 1-10 would leave person 2 (Arabic only) unmatched: a match is
	// worth more than any bonus.
	vs[0].Languages = []string{"fr", "ar"}
	ps = []Person{
		{ID: 1, Lat: 48.851, Lon: 2.350, Languages: []string{"fr"}, Previous: 10},
		{ID: 2, Lat: 48.870, Lon: 2.350, Languages: []string{"ar"}},
	}
	res, _ = Match(ps, vs, Options{KeepBonusMeters: maxBonus})
	want := []Pair{{1, 20, DistanceMeters(48.851, 2.35, 48.86, 2.35), false}, {2, 10, DistanceMeters(48.87, 2.35, 48.85, 2.35), false}}
	if !reflect.DeepEqual(res.Pairs, want) || len(res.Unmatched) != 0 {
		t.Fatalf("got %+v want %+v", res, want)
	}
}

// A later, closer person must take the volunteer from an earlier one when
// only one can be served: not first come, first served.
func TestNotGreedy(t *testing.T) {
	vs := []Volunteer{{ID: 10, Lat: 48.85, Lon: 2.35, Capacity: 1, Languages: []string{"fr"}}}
	ps := []Person{
		{ID: 1, Lat: 48.86, Lon: 2.35, Languages: []string{"fr"}},
		{ID: 2, Lat: 48.851, Lon: 2.35, Languages: []string{"fr"}},
	}
	res, err := Match(ps, vs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) != 1 || res.Pairs[0].PersonID != 2 || !reflect.DeepEqual(res.Unmatched, []Unmatched{{1, AllFull}}) {
		t.Fatalf("got %+v", res)
	}
}

func TestUnmatchedReasons(t *testing.T) {
	vs := []Volunteer{
		{ID: 10, Lat: 48.85, Lon: 2.35, Capacity: 1, Languages: []string{"fr"}},
		{ID: 11, Lat: 48.85, Lon: 2.35, Capacity: 0, Languages: []string{"de"}},
	}
	ps := []Person{
		{ID: 1, Lat: 48.851, Lon: 2.35, Languages: []string{"fr"}},
		{ID: 2, Lat: 48.852, Lon: 2.35, Languages: []string{"fr"}}, // volunteer full
		{ID: 3, Lat: 48.851, Lon: 2.35, Languages: []string{"de"}}, // only a volunteer with no room
		{ID: 4, Lat: 48.851, Lon: 2.35, Languages: []string{"pt"}}, // nobody speaks it
		{ID: 5, Lat: 48.95, Lon: 2.35, Languages: []string{"fr"}},  // too far
		{ID: 6, Lat: 48.851, Lon: 2.35, Languages: nil},            // no language given
	}
	res, err := Match(ps, vs, Options{MaxKm: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []Unmatched{{2, AllFull}, {3, NoEligibleVolunteer}, {4, NoEligibleVolunteer}, {5, NoEligibleVolunteer}, {6, NoEligibleVolunteer}}
	if !reflect.DeepEqual(res.Unmatched, want) || len(res.Pairs) != 1 || res.Pairs[0].PersonID != 1 {
		t.Fatalf("got %+v", res)
	}
	if AllFull.String() == "" || NoEligibleVolunteer.String() == AllFull.String() {
		t.Fatal("reasons need distinct texts")
	}
}

func TestEmptyInputs(t *testing.T) {
	res, err := Match(nil, nil, Options{})
	if err != nil || len(res.Pairs)+len(res.Unmatched) != 0 || res.TotalMeters != 0 {
		t.Fatalf("nil, nil: %+v %v", res, err)
	}
	ps := []Person{{ID: 1, Lat: 48.85, Lon: 2.35, Languages: []string{"fr"}, Previous: 9}}
	res, err = Match(ps, nil, Options{})
	if err != nil || !reflect.DeepEqual(res.Unmatched, []Unmatched{{1, NoEligibleVolunteer}}) {
		t.Fatalf("no volunteers: %+v %v", res, err)
	}
	res, err = Match(nil, []Volunteer{{ID: 1, Lat: 48.85, Lon: 2.35, Capacity: 2, Languages: []string{"fr"}}}, Options{})
	if err != nil || len(res.Pairs)+len(res.Unmatched) != 0 {
		t.Fatalf("no people: %+v %v", res, err)
	}
}

func TestInvalidInput(t *testing.T) {
	v := Volunteer{ID: 1, Lat: 48.85, Lon: 2.35, Capacity: 1, Languages: []string{"fr"}}
	p := Person{ID: 1, Lat: 48.85, Lon: 2.35, Languages: []string{"fr"}}
	nan := Person{ID: 2, Lon: 2.35, Languages: []string{"fr"}}
	nan.Lat = nan.Lat / nan.Lat // NaN without importing math
	cases := []struct {
		name string
		ps   []Person
		vs   []Volunteer
		opt  Options
	}{
		{"duplicate person", []Person{p, p}, []Volunteer{v}, Options{}},
		{"duplicate volunteer", []Person{p}, []Volunteer{v, v}, Options{}},
		{"capacity", []Person{p}, []Volunteer{{ID: 1, Capacity: 6}}, Options{}},
		{"negative capacity", []Person{p}, []Volunteer{{ID: 1, Capacity: -1}}, Options{}},
		{"zero id", []Person{{ID: 0}}, nil, Options{}},
		{"latitude", []Person{{ID: 1, Lat: 91}}, nil, Options{}},
		{"NaN", []Person{nan}, nil, Options{}},
		{"K", nil, nil, Options{K: -1}},
		{"MaxKm", nil, nil, Options{MaxKm: -1}},
		{"bonus", nil, nil, Options{KeepBonusMeters: maxBonus + 1}},
	}
	for _, c := range cases {
		if _, err := Match(c.ps, c.vs, c.opt); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err %v", c.name, err)
		}
	}
}

// Same input in any order gives the same result, run after run.
func TestDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	ps, vs := randomInstance(r, 400, 150)
	// Many equal distances: people and volunteers stacked on a few points.
	for i := range ps {
		ps[i].Lat, ps[i].Lon = 48.85+float64(i%4)*0.001, 2.35
	}
	for j := range vs {
		vs[j].Lat, vs[j].Lon = 48.85+float64(j%3)*0.001, 2.35
	}
	opt := Options{K: 4, KeepBonusMeters: 100}
	first, err := Match(ps, vs, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, ps, vs, opt, first)
	for round := 0; round < 5; round++ {
		r.Shuffle(len(ps), func(a, b int) { ps[a], ps[b] = ps[b], ps[a] })
		r.Shuffle(len(vs), func(a, b int) { vs[a], vs[b] = vs[b], vs[a] })
		got, _ := Match(ps, vs, opt)
		if !reflect.DeepEqual(got, first) {
			t.Fatalf("round %d differs", round)
		}
	}
}

// A medium instance checked for hard constraints only (brute force is out
// of reach), with capacity scarce so that long reassignment chains occur.
func TestConstraintsMedium(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	ps, vs := randomInstance(r, 2000, 500)
	opt := Options{K: 6, MaxKm: 2, KeepBonusMeters: 400}
	res, err := Match(ps, vs, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, ps, vs, opt, res)
}

func TestDistanceMeters(t *testing.T) {
	// Notre-Dame to the Eiffel Tower, about 4.1 km.
	d := DistanceMeters(48.8530, 2.3499, 48.8584, 2.2945)
	if d < 4000 || d > 4200 {
		t.Fatalf("got %d m", d)
	}
	if DistanceMeters(48.85, 2.35, 48.85, 2.35) != 0 {
		t.Fatal("zero distance")
	}
	if DistanceMeters(48.85, 2.35, 48.86, 2.30) != DistanceMeters(48.86, 2.30, 48.85, 2.35) {
		t.Fatal("not symmetric")
	}
}

var districtPool = []string{"75111", "75112", "75120"}

// withDistricts gives most people a district and every volunteer zero to
// two districts to cover, so that the district condition bites.
func withDistricts(r *rand.Rand, ps []Person, vs []Volunteer) {
	for i := range ps {
		if r.IntN(5) > 0 {
			ps[i].District = districtPool[r.IntN(len(districtPool))]
		}
	}
	for j := range vs {
		for _, d := range districtPool {
			if r.IntN(2) == 0 {
				vs[j].Districts = append(vs[j].Districts, d)
			}
		}
	}
}

// With districts, Match still reaches the brute-force optimum over the
// pairs that respect them, and never pairs a person with a volunteer who
// does not cover their district.
func TestDistrictsMatchBruteForce(t *testing.T) {
	for seed := uint64(0); seed < 600; seed++ {
		r := rand.New(rand.NewPCG(seed, 13))
		ps, vs := randomInstance(r, 1+r.IntN(7), 1+r.IntN(5))
		withDistricts(r, ps, vs)
		opt := Options{K: len(vs) + r.IntN(3), MaxKm: []float64{0, 3}[r.IntN(2)],
			KeepBonusMeters: []int{0, 300, 100000}[r.IntN(3)]}
		res, err := Match(ps, vs, opt)
		if err != nil {
			t.Fatal(err)
		}
		checkValid(t, ps, vs, opt, res)
		allowed := make([][]int, len(ps))
		for i, p := range ps {
			for j, v := range vs {
				if eligible(p, v, opt.MaxKm) {
					allowed[i] = append(allowed[i], j)
				}
			}
		}
		wc, wcost := brute(ps, vs, allowed, int64(opt.KeepBonusMeters))
		gc, gcost := objective(res, int64(opt.KeepBonusMeters))
		if gc != wc || gcost != wcost {
			t.Fatalf("seed %d: got %d matched cost %d, brute force %d cost %d\n%+v\n%+v\n%+v", seed, gc, gcost, wc, wcost, ps, vs, res)
		}
	}
}

// With districts and a small K, Match is optimal on its candidate graph,
// which holds the K nearest volunteers covering the person's district.
func TestDistrictsCandidateGraph(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	ps, vs := randomInstance(r, 300, 200)
	withDistricts(r, ps, vs)
	slices.SortFunc(ps, func(a, b Person) int { return cmpInt64(a.ID, b.ID) })
	slices.SortFunc(vs, func(a, b Volunteer) int { return cmpInt64(a.ID, b.ID) })
	for _, k := range []int{1, 4, 300} {
		g := buildCandidates(ps, vs, k, 1<<62, 0)
		for i, p := range ps {
			var want []int32
			type c struct {
				d int64
				j int32
			}
			var all []c
			for j, v := range vs {
				if eligible(p, v, 0) {
					all = append(all, c{DistanceMeters(p.Lat, p.Lon, v.Lat, v.Lon), int32(j)})
				}
			}
			slices.SortFunc(all, func(a, b c) int {
				if a.d != b.d {
					return cmpInt64(a.d, b.d)
				}
				return int(a.j - b.j)
			})
			for _, x := range all[:min(len(all), k)] {
				want = append(want, x.j)
			}
			var got []int32
			for e := g.candStart[i]; e < g.candStart[i+1]; e++ {
				if !eligible(p, vs[g.candVol[e]], 0) {
					t.Fatalf("k=%d person %d: candidate %d does not cover %q", k, p.ID, vs[g.candVol[e]].ID, p.District)
				}
				if !g.candPrev[e] || slices.Contains(want, g.candVol[e]) {
					got = append(got, g.candVol[e])
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("k=%d person %d: got %v want %v", k, p.ID, got, want)
			}
		}
	}
}

// A previous volunteer who no longer covers the person's district is not
// kept, however large the bonus.
func TestPreviousOutsideDistrictNotKept(t *testing.T) {
	vs := []Volunteer{
		{ID: 10, Lat: 48.850, Lon: 2.350, Capacity: 1, Languages: []string{"fr"}, Districts: []string{"75104"}},
		{ID: 20, Lat: 48.860, Lon: 2.350, Capacity: 1, Languages: []string{"fr"}, Districts: []string{"75105"}},
	}
	ps := []Person{{ID: 1, Lat: 48.851, Lon: 2.350, Languages: []string{"fr"}, Previous: 10, District: "75105"}}
	res, err := Match(ps, vs, Options{K: 1, KeepBonusMeters: maxBonus})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pairs) != 1 || res.Pairs[0].VolunteerID != 20 || res.Kept != 0 {
		t.Fatalf("got %+v", res)
	}
	ps[0].District = "75113"
	res, _ = Match(ps, vs, Options{})
	if !reflect.DeepEqual(res.Unmatched, []Unmatched{{1, NoEligibleVolunteer}}) {
		t.Fatalf("nobody covers 75113: %+v", res)
	}
}
