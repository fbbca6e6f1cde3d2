package indicators

import (
	"fmt"
	"math"
	"strings"
)

// writeAxes draws both axes with ticks: years below, values with the unit on
// the left, so the chart reads without a legend.
func writeAxes(b *strings.Builder, s scale, unit, yearLabel string) {
	x0, y0 := num(s.x(s.minYear)), num(s.y(s.minValue))
	fmt.Fprintf(b, `<g class="chart-axes" stroke="currentColor"><line x1="%s" y1="%s" x2="%s" y2="%s"/><line x1="%s" y1="%d" x2="%s" y2="%s"/></g>`,
		x0, y0, num(s.x(s.maxYear)), y0, x0, padT, x0, y0)
	b.WriteString(`<g class="chart-ticks" font-size="11" text-anchor="middle">`)
	for _, y := range yearTicks(s.minYear, s.maxYear) {
		fmt.Fprintf(b, `<text x="%s" y="%d">%d</text>`, num(s.x(y)), chartH-padB+16, y)
	}
	b.WriteString(`</g><g class="chart-ticks" font-size="11" text-anchor="end">`)
	for i := 0; i <= 4; i++ {
		v := s.minValue + (s.maxValue-s.minValue)*float64(i)/4
		fmt.Fprintf(b, `<text x="%d" y="%s">%s</text>`, padL-6, num(s.y(v)+4), num(round3(v)))
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(b, `<text class="chart-axis-label" x="%d" y="%d" text-anchor="middle">%s</text>`,
		padL+plotW/2, chartH-8, esc(yearLabel))
	fmt.Fprintf(b, `<text class="chart-axis-label" x="16" y="%d" text-anchor="middle" transform="rotate(-90 16 %d)">%s</text>`,
		padT+plotH/2, padT+plotH/2, esc(unit))
}

// yearTicks labels round years (multiples of 1, 2, 5, 10…), at most about
// eight so they never overlap, plus the first and last years, which are the
// baseline and the final goal, unless a round year already sits close by.
func yearTicks(first, last int) []int {
	step := 1
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100} {
		step = s
		if (last-first)/s <= 8 {
			break
		}
	}
	ticks := []int{first}
	for y := (first/step + 1) * step; y < last; y += step {
		if 2*(y-ticks[len(ticks)-1]) >= step && 2*(last-y) >= step {
			ticks = append(ticks, y)
		}
	}
	return append(ticks, last)
}

// writeTrajectory draws the promised path as a dashed line.
func writeTrajectory(b *strings.Builder, s scale, t Trajectory, label string) {
	var pts []string
	for _, p := range t.Points() {
		pts = append(pts, num(s.x(p.Year))+","+num(s.y(p.Value)))
	}
	fmt.Fprintf(b, `<polyline class="chart-trajectory" points="%s" fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="6 4"><title>%s</title></polyline>`,
		strings.Join(pts, " "), esc(label))
}

// writeGoals marks each goal with a square, distinct from the round value
// points so colour is not the only cue (WCAG 1.4.1).
func writeGoals(b *strings.Builder, s scale, ind Indicator, label string) {
	fmt.Fprintf(b, `<g class="chart-goals" fill="currentColor"><title>%s</title>`, esc(label))
	for _, g := range ind.Goals {
		fmt.Fprintf(b, `<rect x="%s" y="%s" width="8" height="8"><title>%d: %s %s</title></rect>`,
			num(s.x(g.Year)-4), num(s.y(g.Value)-4), g.Year, num(round3(g.Value)), esc(ind.Unit))
	}
	b.WriteString(`</g>`)
}

// writeValues draws the measured values as a solid line with round points,
// each titled with its year, value and source.
func writeValues(b *strings.Builder, s scale, values []Value, label string) {
	fmt.Fprintf(b, `<g class="chart-values"><title>%s</title>`, esc(label))
	var pts []string
	for _, v := range values {
		if finite(v.Value) {
			pts = append(pts, num(s.x(v.year()))+","+num(s.y(v.Value)))
		}
	}
	if len(pts) > 1 {
		fmt.Fprintf(b, `<polyline points="%s" fill="none" stroke="currentColor" stroke-width="2"/>`, strings.Join(pts, " "))
	}
	for _, v := range values {
		if !finite(v.Value) {
			continue
		}
		fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="4" fill="currentColor"><title>%d: %s (%s)</title></circle>`,
			num(s.x(v.year())), num(s.y(v.Value)), v.year(), num(round3(v.Value)), esc(v.Source))
	}
	b.WriteString(`</g>`)
}

// round3 keeps three decimals in labels: 16.919999999 reads 16.92.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
