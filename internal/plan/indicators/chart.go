package indicators

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// ChartText is every word the chart shows, translated by the caller: this
// package has no catalog. An empty Title falls back to the indicator's name,
// an empty ID to "indicator-chart".
type ChartText struct {
	ID         string // unique in the page; ties <title> and <desc> to the <svg>
	Title      string
	Desc       string // a sentence summing up the chart for screen readers
	YearAxis   string // "Année"
	Values     string // legend: "Valeurs mesurées"
	Trajectory string // legend: "Trajectoire"
	Goals      string // legend: "Objectifs"
}

// Chart geometry, in SVG user units; the CSS scales the whole viewBox.
const (
	chartW, chartH         = 640, 320
	padL, padR, padT, padB = 64, 16, 40, 48
	plotW, plotH           = chartW - padL - padR, chartH - padT - padB
)

// Chart draws values (points and line), the trajectory (dashed) and the goals
// (marked points). Styling is by class and presentation attributes only: the
// CSP forbids style attributes. Every text goes through template escaping.
func Chart(ind Indicator, values []Value, text ChartText) template.HTML {
	text.ID = safeID(text.ID)
	if text.Title == "" {
		text.Title = ind.Name
	}
	sc := newScale(ind, values)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc">`,
		chartW, chartH, esc(text.ID), esc(text.ID))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`,
		esc(text.ID), esc(text.Title), esc(text.ID), esc(text.Desc))
	fmt.Fprintf(&b, `<text class="chart-title" x="%d" y="20" font-weight="bold">%s</text>`, padL, esc(text.Title))
	writeAxes(&b, sc, ind.Unit, text.YearAxis)
	writeTrajectory(&b, sc, NewTrajectory(ind), text.Trajectory)
	writeGoals(&b, sc, ind, text.Goals)
	writeValues(&b, sc, sortedValues(values), text.Values)
	b.WriteString(`</svg>`)
	// Safe: every piece of text above went through esc, numbers are formatted.
	return template.HTML(b.String())
}

// safeID keeps letters, digits, "-" and "_": an id with a space would split
// into two references inside aria-labelledby.
func safeID(id string) string {
	id = strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '-'
	}, id)
	if id == "" {
		return "indicator-chart"
	}
	return id
}

// esc escapes text for both element content and quoted attributes.
func esc(s string) string { return template.HTMLEscapeString(s) }

// num writes a coordinate or a value compactly (no trailing zeros).
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// scale maps years and values to the plot area.
type scale struct {
	minYear, maxYear   int
	minValue, maxValue float64 // minValue is 0 unless a value is negative
}

// newScale spans every year drawn and starts values at zero, because the
// goals here reach zero (carbon neutrality) and a cut-off axis would
// exaggerate the gap between value and trajectory. Negative values (net
// sinks) extend the axis below zero.
func newScale(ind Indicator, values []Value) scale {
	s := scale{minYear: ind.BaselineYear, maxYear: ind.BaselineYear}
	if finite(ind.BaselineValue) {
		s.minValue, s.maxValue = min(0, ind.BaselineValue), max(0, ind.BaselineValue)
	}
	widen := func(year int, v float64) {
		s.minYear, s.maxYear = min(s.minYear, year), max(s.maxYear, year)
		if finite(v) {
			s.minValue, s.maxValue = min(s.minValue, v), max(s.maxValue, v)
		}
	}
	for _, g := range ind.Goals {
		widen(g.Year, g.Value)
	}
	for _, v := range values {
		widen(v.year(), v.Value)
	}
	if s.maxYear == s.minYear {
		s.maxYear++
	}
	if s.minValue < 0 {
		s.minValue = -niceCeil(-s.minValue * 1.05)
	}
	if s.maxValue > 0 {
		s.maxValue = niceCeil(s.maxValue * 1.05)
	} else if s.minValue == 0 {
		s.maxValue = 1 // all zeros: any span will do
	}
	return s
}

func (s scale) x(year int) float64 {
	return padL + math.Round(float64(year-s.minYear)/float64(s.maxYear-s.minYear)*plotW*10)/10
}

func (s scale) y(v float64) float64 {
	return padT + math.Round((1-(v-s.minValue)/(s.maxValue-s.minValue))*plotH*10)/10
}

// niceCeil rounds up to 1, 2, 2.5 or 5 times a power of ten, so the value
// axis ticks read as round numbers.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}
