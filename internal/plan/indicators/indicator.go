// Package indicators holds the Climate Plan's indicators (issue 8): their
// definition and validation, the trajectory from a baseline to yearly goals,
// the on-track status of the latest value, and a server-made SVG chart with
// the rows of its text-alternative table. It is pure: no database, no HTTP,
// so the store, the dashboard and the CSV import can all share it.
package indicators

import "time"

// Direction says which way progress goes; it decides what "on track" means.
type Direction string

const (
	LowerIsBetter  Direction = "lower"  // emissions, energy use
	HigherIsBetter Direction = "higher" // renewables share, trees planted
)

// Goal is a target value for a year (2030, 2050…).
type Goal struct {
	Year  int
	Value float64
}

// Indicator is what is measured and where the plan wants it to go.
// Goals are absolute values, not percentages, so a chart and a CSV never have
// to know against which year a percentage was meant.
type Indicator struct {
	Name          string
	Unit          string
	Direction     Direction
	BaselineYear  int
	BaselineValue float64
	Goals         []Goal // any order; Trajectory sorts them
}

// Value is one measurement. Date is optional: yearly figures (a carbon
// footprint) only have a year, monthly ones have a date too.
type Value struct {
	Year   int
	Date   time.Time // zero when only the year is known
	Value  float64
	Source string
}

// year is the value's year, taken from its date when it has one so that the
// two can never disagree.
func (v Value) year() int {
	if !v.Date.IsZero() {
		return v.Date.Year()
	}
	return v.Year
}

// before orders values by year, then date.
func (v Value) before(w Value) bool {
	if v.year() != w.year() {
		return v.year() < w.year()
	}
	return v.Date.Before(w.Date)
}

// Latest returns the most recent value, false when there is none.
func Latest(values []Value) (Value, bool) {
	if len(values) == 0 {
		return Value{}, false
	}
	latest := values[0]
	for _, v := range values[1:] {
		if latest.before(v) {
			latest = v
		}
	}
	return latest, true
}
