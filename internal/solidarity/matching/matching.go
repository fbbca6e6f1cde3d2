package matching

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// MaxCapacity is the largest number of people one volunteer may call.
const MaxCapacity = 5

// DefaultK is the number of nearest eligible volunteers kept per person when
// Options.K is zero.
const DefaultK = 8

// maxBonus bounds KeepBonusMeters so that costs cannot overflow int64.
const maxBonus = 1_000_000_000

// Person is a registered vulnerable person to be called.
type Person struct {
	ID        int64
	Lat, Lon  float64
	Languages []string // compared case-insensitively, e.g. "fr", "ar"
	Previous  int64    // volunteer of the last episode, 0 if none
	// District, when set, limits the person to volunteers who cover it
	// (Volunteer.Districts); "" puts no district condition.
	District string
}

// Volunteer is a trained volunteer who opted in to the solidarity network.
type Volunteer struct {
	ID        int64
	Lat, Lon  float64
	Capacity  int // people they can call, 0..MaxCapacity (0: none this time)
	Languages []string
	// Districts they agreed to cover: they are only given people whose
	// District is one of them (people without a District may go to anyone).
	Districts []string
}

// Options tunes the candidate graph. The zero value is usable.
type Options struct {
	// K is the number of nearest eligible volunteers considered per person
	// (DefaultK if 0).
	K int
	// MaxKm is the largest distance of a pair; 0 means no limit.
	MaxKm float64
	// KeepBonusMeters is subtracted from the distance of last episode's pair,
	// so that it is kept unless another assignment saves more than this.
	KeepBonusMeters int
}

// Pair is one assignment.
type Pair struct {
	PersonID    int64
	VolunteerID int64
	Meters      int64
	Kept        bool // same volunteer as in the last episode
}

// Reason tells City staff why a person could not be matched.
type Reason uint8

const (
	// NoEligibleVolunteer: no volunteer with room sharing a language within MaxKm.
	NoEligibleVolunteer Reason = iota + 1
	// AllFull: the person's candidate volunteers are all taken by others.
	AllFull
)

func (r Reason) String() string {
	switch r {
	case NoEligibleVolunteer:
		return "no eligible volunteer within reach"
	case AllFull:
		return "all eligible volunteers full"
	}
	return fmt.Sprintf("Reason(%d)", uint8(r))
}

// Unmatched is a person left for City staff to call.
type Unmatched struct {
	PersonID int64
	Reason   Reason
}

// Result of Match. Pairs and Unmatched are sorted by person id.
type Result struct {
	Pairs       []Pair
	Unmatched   []Unmatched
	TotalMeters int64
	Kept        int // pairs kept from the last episode
}

// ErrInvalid is wrapped by every input validation error.
var ErrInvalid = errors.New("matching: invalid input")

// Match assigns people to volunteers: the most people matched, then the least
// total distance (last episode's pairs discounted by KeepBonusMeters), each
// volunteer's capacity and languages respected. It is exact on the candidate
// graph described in the package documentation.
func Match(people []Person, volunteers []Volunteer, opt Options) (Result, error) {
	if err := validate(people, volunteers, opt); err != nil {
		return Result{}, err
	}
	k := opt.K
	if k == 0 {
		k = DefaultK
	}
	maxM := int64(math.MaxInt64)
	if opt.MaxKm > 0 {
		maxM = int64(math.Floor(opt.MaxKm * 1000))
	}

	// Sorting by id makes the result independent of input order.
	ps := slices.Clone(people)
	slices.SortFunc(ps, func(a, b Person) int { return cmpInt64(a.ID, b.ID) })
	vs := slices.Clone(volunteers)
	slices.SortFunc(vs, func(a, b Volunteer) int { return cmpInt64(a.ID, b.ID) })
	for i := 1; i < len(ps); i++ {
		if ps[i].ID == ps[i-1].ID {
			return Result{}, fmt.Errorf("%w: duplicate person id %d", ErrInvalid, ps[i].ID)
		}
	}
	for i := 1; i < len(vs); i++ {
		if vs[i].ID == vs[i-1].ID {
			return Result{}, fmt.Errorf("%w: duplicate volunteer id %d", ErrInvalid, vs[i].ID)
		}
	}

	g := buildCandidates(ps, vs, k, maxM, int64(opt.KeepBonusMeters))
	s := newSolver(g)
	s.run()
	return s.result(ps, vs), nil
}

func validate(people []Person, volunteers []Volunteer, opt Options) error {
	if opt.K < 0 {
		return fmt.Errorf("%w: K %d < 0", ErrInvalid, opt.K)
	}
	if math.IsNaN(opt.MaxKm) || math.IsInf(opt.MaxKm, 0) || opt.MaxKm < 0 {
		return fmt.Errorf("%w: MaxKm %v", ErrInvalid, opt.MaxKm)
	}
	if opt.KeepBonusMeters < 0 || opt.KeepBonusMeters > maxBonus {
		return fmt.Errorf("%w: KeepBonusMeters %d outside 0..%d", ErrInvalid, opt.KeepBonusMeters, maxBonus)
	}
	for _, p := range people {
		if p.ID == 0 {
			return fmt.Errorf("%w: person id 0", ErrInvalid)
		}
		if !validPoint(p.Lat, p.Lon) {
			return fmt.Errorf("%w: person %d at (%v, %v)", ErrInvalid, p.ID, p.Lat, p.Lon)
		}
	}
	for _, v := range volunteers {
		if v.ID == 0 {
			return fmt.Errorf("%w: volunteer id 0", ErrInvalid)
		}
		if !validPoint(v.Lat, v.Lon) {
			return fmt.Errorf("%w: volunteer %d at (%v, %v)", ErrInvalid, v.ID, v.Lat, v.Lon)
		}
		if v.Capacity < 0 || v.Capacity > MaxCapacity {
			return fmt.Errorf("%w: volunteer %d capacity %d outside 0..%d", ErrInvalid, v.ID, v.Capacity, MaxCapacity)
		}
	}
	return nil
}

// validPoint also rejects NaN, which fails every comparison.
func validPoint(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// normLang makes "FR " and "fr" the same language.
func normLang(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func (s *solver) result(ps []Person, vs []Volunteer) Result {
	var r Result
	g := s.g
	for i := range ps {
		e := s.match[i]
		if e >= 0 {
			p := Pair{PersonID: ps[i].ID, VolunteerID: vs[g.candVol[e]].ID, Meters: g.candMeters[e], Kept: g.candPrev[e]}
			r.Pairs = append(r.Pairs, p)
			r.TotalMeters += p.Meters
			if p.Kept {
				r.Kept++
			}
			continue
		}
		reason := AllFull
		if g.candStart[i] == g.candStart[i+1] {
			reason = NoEligibleVolunteer
		}
		r.Unmatched = append(r.Unmatched, Unmatched{PersonID: ps[i].ID, Reason: reason})
	}
	return r
}
