package indicators

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestChartDrawsValuesTrajectoryAndGoals(t *testing.T) {
	svg := string(Chart(DemoFootprint, DemoFootprintValues, ChartText{ID: "fp", Desc: "Footprint since 2004", YearAxis: "Year"}))
	sc := newScale(DemoFootprint, DemoFootprintValues)
	for _, v := range DemoFootprintValues {
		point := `cx="` + num(sc.x(v.Year)) + `" cy="` + num(sc.y(v.Value)) + `"`
		if !strings.Contains(svg, point) {
			t.Errorf("no point %s for %d", point, v.Year)
		}
	}
	for _, want := range []string{
		`stroke-dasharray="6 4"`, `class="chart-goals"`, `<title id="fp-title">Empreinte carbone de Paris</title>`,
		`<desc id="fp-desc">Footprint since 2004</desc>`, `>2050<`, `>MtCO2e<`, `>Year<`, `2030: 16.92 MtCO2e`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	if strings.Contains(svg, "style=") {
		t.Error("chart has a style attribute, which the CSP forbids")
	}
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Errorf("chart is not well-formed XML: %v", err)
	}
}

func TestChartEscapesText(t *testing.T) {
	evil := `<script>alert(1)</script>"&`
	ind := DemoFootprint
	ind.Name, ind.Unit = evil, evil
	values := []Value{{Year: 2010, Value: 20, Source: evil}}
	svg := string(Chart(ind, values, ChartText{ID: evil, Desc: evil, YearAxis: evil, Values: evil, Trajectory: evil, Goals: evil}))
	if strings.Contains(svg, "<script") || strings.Contains(svg, evil) {
		t.Errorf("unescaped text in chart: %s", svg)
	}
	if !strings.Contains(svg, "<title>&lt;script&gt;alert(1)&lt;/script&gt;&#34;&amp;</title>") {
		t.Error("escaped name missing from chart")
	}
	if !strings.Contains(svg, `aria-labelledby="-script-alert-1---script----title -script-alert-1---script----desc"`) {
		t.Error("id not reduced to safe characters")
	}
}

func TestChartScaleKeepsNegativeValuesInside(t *testing.T) {
	ind := Indicator{Direction: LowerIsBetter, BaselineYear: 2000, BaselineValue: 10, Goals: []Goal{{2050, -2}}}
	sc := newScale(ind, []Value{{Year: 2020, Value: -1}})
	if sc.y(-2) > padT+plotH || sc.y(10) < padT {
		t.Errorf("values outside the plot: y(-2) = %v, y(10) = %v", sc.y(-2), sc.y(10))
	}
}

func TestYearTicks(t *testing.T) {
	tests := []struct {
		first, last int
		want        string
	}{
		{2004, 2050, "2004 2010 2020 2030 2040 2050 "},
		{2004, 2023, "2004 2010 2015 2020 2023 "},
		{2004, 2005, "2004 2005 "},
	}
	for _, tt := range tests {
		if got := fmtInts(yearTicks(tt.first, tt.last)); got != tt.want {
			t.Errorf("yearTicks(%d, %d) = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestTableRows(t *testing.T) {
	rows := TableRows(DemoFootprint, DemoFootprintValues)
	var years []int
	for _, r := range rows {
		years = append(years, r.Year)
	}
	if got := strings.Trim(strings.Join(strings.Fields(fmtInts(years)), ","), "[]"); got != "2004,2014,2018,2030,2050" {
		t.Fatalf("years = %s", got)
	}
	if r := rows[2]; r.Value == nil || *r.Value != 22.7 || r.Expected == nil || r.Goal != nil || r.Source == "" {
		t.Errorf("2018 row = %+v", r)
	}
	if r := rows[3]; r.Value != nil || r.Goal == nil || !near(*r.Goal, 16.92) || !near(*r.Expected, 16.92) {
		t.Errorf("2030 row = %+v", r)
	}
}

func fmtInts(xs []int) string {
	var b strings.Builder
	for _, x := range xs {
		b.WriteString(num(float64(x)) + " ")
	}
	return b.String()
}

// BenchmarkChart20Years renders what the dashboard draws 50 times a page.
func BenchmarkChart20Years(b *testing.B) {
	var values []Value
	for y := 2004; y < 2024; y++ {
		values = append(values, Value{Year: y, Value: 28.2 - 0.3*float64(y-2004), Source: "bench"})
	}
	for b.Loop() {
		_ = Chart(DemoFootprint, values, ChartText{Desc: "d", YearAxis: "Year"})
	}
}
