package indicators

import (
	"math"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestExpected(t *testing.T) {
	// Goals given out of order, to check they are sorted.
	ind := Indicator{BaselineYear: 2000, BaselineValue: 100, Goals: []Goal{{2040, 0}, {2020, 60}}}
	traj := NewTrajectory(ind)
	tests := []struct {
		year int
		want float64
	}{
		{2000, 100}, // baseline
		{2010, 80},  // halfway to 60
		{2020, 60},  // first goal
		{2030, 30},  // halfway to 0
		{2040, 0},   // last goal
		{2060, 0},   // after the last goal, the goal holds
	}
	for _, tt := range tests {
		got, ok := traj.Expected(tt.year)
		if !ok || !near(got, tt.want) {
			t.Errorf("Expected(%d) = %v, %v; want %v", tt.year, got, ok, tt.want)
		}
	}
	if _, ok := traj.Expected(1999); ok {
		t.Error("Expected(1999) is defined before the baseline")
	}
}

func TestStatusOf(t *testing.T) {
	// Expected in 2010: 80 for both; 2 % tolerance is ±1.6.
	lower := Indicator{Direction: LowerIsBetter, BaselineYear: 2000, BaselineValue: 100, Goals: []Goal{{2020, 60}}}
	higher := Indicator{Direction: HigherIsBetter, BaselineYear: 2000, BaselineValue: 60, Goals: []Goal{{2020, 100}}}
	tests := []struct {
		name   string
		ind    Indicator
		values []Value
		want   Status
	}{
		{"no values", lower, nil, NoData},
		{"before baseline", lower, []Value{{Year: 1990, Value: 1}}, NoData},
		{"lower: better than expected", lower, []Value{{Year: 2010, Value: 70}}, OnTrack},
		{"lower: within tolerance", lower, []Value{{Year: 2010, Value: 81.5}}, OnTrack},
		{"lower: beyond tolerance", lower, []Value{{Year: 2010, Value: 81.7}}, OffTrack},
		{"higher: better than expected", higher, []Value{{Year: 2010, Value: 90}}, OnTrack},
		{"higher: within tolerance", higher, []Value{{Year: 2010, Value: 78.5}}, OnTrack},
		{"higher: beyond tolerance", higher, []Value{{Year: 2010, Value: 78.3}}, OffTrack},
		{"latest by date wins", lower, []Value{
			{Date: time.Date(2010, 12, 1, 0, 0, 0, 0, time.UTC), Value: 70},
			{Date: time.Date(2010, 3, 1, 0, 0, 0, 0, time.UTC), Value: 95},
		}, OnTrack},
		{"latest by year wins", lower, []Value{{Year: 2010, Value: 95}, {Year: 2005, Value: 50}}, OffTrack},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusOf(tt.ind, tt.values, DefaultTolerance); got != tt.want {
				t.Errorf("StatusOf = %s, want %s", got, tt.want)
			}
		})
	}
}
