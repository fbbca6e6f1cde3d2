package indicators

import (
	"math"
	"sort"
)

// Point is one corner of the trajectory: the baseline or a goal.
type Point struct {
	Year  int
	Value float64
}

// Trajectory is the path the plan promises: straight lines from the baseline
// through each goal in year order.
type Trajectory struct {
	points []Point // baseline first, then goals by year
}

// NewTrajectory builds the trajectory of a valid indicator. Goals at or
// before the baseline are skipped rather than trusted (Validate refuses them).
func NewTrajectory(ind Indicator) Trajectory {
	goals := append([]Goal(nil), ind.Goals...)
	sort.Slice(goals, func(i, j int) bool { return goals[i].Year < goals[j].Year })
	pts := []Point{{ind.BaselineYear, ind.BaselineValue}}
	for _, g := range goals {
		if g.Year > pts[len(pts)-1].Year {
			pts = append(pts, Point{g.Year, g.Value})
		}
	}
	return Trajectory{points: pts}
}

// Points returns the baseline and the goals in year order.
func (t Trajectory) Points() []Point { return append([]Point(nil), t.points...) }

// Expected returns the value the plan expects for a year. Before the baseline
// there is no promise (false); after the last goal the goal holds, since
// reaching it is not a licence to go back.
func (t Trajectory) Expected(year int) (float64, bool) {
	if len(t.points) == 0 || year < t.points[0].Year {
		return 0, false
	}
	for i := 1; i < len(t.points); i++ {
		a, b := t.points[i-1], t.points[i]
		if year <= b.Year {
			frac := float64(year-a.Year) / float64(b.Year-a.Year)
			return a.Value + frac*(b.Value-a.Value), true
		}
	}
	return t.points[len(t.points)-1].Value, true
}

// Status is where the latest value stands against the trajectory.
type Status string

const (
	OnTrack  Status = "on_track"
	OffTrack Status = "off_track"
	// NoData: no value yet, or the latest predates the baseline, so there is
	// nothing to compare it with.
	NoData Status = "no_data"
)

// DefaultTolerance counts a value within 2 % of the expected one as on track:
// footprints are estimates, and a rounding should not flip the dashboard.
const DefaultTolerance = 0.02

// StatusOf compares the latest value with the trajectory for its year.
// tolerance is a fraction of the expected value (0.02 for 2 %). Doing better
// than expected, in the indicator's direction, is always on track.
func StatusOf(ind Indicator, values []Value, tolerance float64) Status {
	latest, ok := Latest(values)
	if !ok {
		return NoData
	}
	expected, ok := NewTrajectory(ind).Expected(latest.year())
	if !ok {
		return NoData
	}
	margin := math.Abs(expected) * tolerance
	var onTrack bool
	if ind.Direction == HigherIsBetter {
		onTrack = latest.Value >= expected-margin
	} else {
		onTrack = latest.Value <= expected+margin
	}
	if onTrack {
		return OnTrack
	}
	return OffTrack
}
