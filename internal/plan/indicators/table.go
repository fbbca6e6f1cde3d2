package indicators

import "sort"

// Row is one line of the chart's text-alternative table. Nil means "nothing
// for this year", which the template shows as an empty cell, not as zero.
type Row struct {
	Year     int
	Value    *float64
	Source   string
	Expected *float64
	Goal     *float64
}

// TableRows lists, by year, every value (one row each, as a year may have
// several dated values), then the baseline and goal years without a value, so
// the table says everything the chart draws.
func TableRows(ind Indicator, values []Value) []Row {
	traj := NewTrajectory(ind)
	goals := map[int]float64{}
	for _, g := range ind.Goals {
		goals[g.Year] = g.Value
	}
	var rows []Row
	covered := map[int]bool{}
	for _, v := range sortedValues(values) {
		r := rowFor(v.year(), traj, goals)
		r.Value, r.Source = ptr(v.Value), v.Source
		rows = append(rows, r)
		covered[v.year()] = true
	}
	for _, p := range traj.Points() {
		if !covered[p.Year] {
			rows = append(rows, rowFor(p.Year, traj, goals))
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Year < rows[j].Year })
	return rows
}

func rowFor(year int, traj Trajectory, goals map[int]float64) Row {
	r := Row{Year: year}
	if e, ok := traj.Expected(year); ok {
		r.Expected = ptr(e)
	}
	if g, ok := goals[year]; ok {
		r.Goal = ptr(g)
	}
	return r
}

func ptr(f float64) *float64 { return &f }

// sortedValues returns a sorted copy; callers' slices are never reordered.
func sortedValues(values []Value) []Value {
	s := append([]Value(nil), values...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].before(s[j]) })
	return s
}
