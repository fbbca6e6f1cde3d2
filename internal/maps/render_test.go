package maps

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func areasWithValues(n int, shapes bool) []Area {
	r := rand.New(rand.NewPCG(1, 2))
	var out []Area
	for i := range n {
		lat, lon := 48.82+r.Float64()*0.08, 2.25+r.Float64()*0.17
		a := Area{ID: string(rune('a' + i)), Name: "Area " + string(rune('A'+i)), Label: string(rune('A' + i)),
			Lat: lat, Lon: lon, Value: float64(i) * 1.3, HasValue: i%4 != 3}
		if shapes {
			a.Shape = square(lat, lon)
		}
		out = append(out, a)
	}
	return out
}

func TestChoroplethIsAccessibleAndEscaped(t *testing.T) {
	for _, shapes := range []bool{true, false} {
		areas := areasWithValues(6, shapes)
		areas[0].Name, areas[0].Label = `<script>alert("x")</script>`, "<b>"
		m := Choropleth(areas, Options{ID: "dist map!", Lang: "fr", Title: `Volunteers & "friends"`,
			Desc: "<desc>", LegendTitle: "Per 1,000", NoData: "No data", Decimals: 1})
		svg := string(m.SVG)
		for _, bad := range []string{"<script", "<b>", "<desc><desc>", `& "friends"`} {
			if strings.Contains(svg, bad) {
				t.Errorf("shapes=%v: unescaped %q in the SVG", shapes, bad)
			}
		}
		doc, _, _ := parse(t, m)
		if doc.Role != "img" || doc.Labels != "distmap-title distmap-desc" {
			t.Errorf("role %q, aria-labelledby %q", doc.Role, doc.Labels)
		}
		if doc.Title != `Volunteers & "friends"` || doc.Desc != "<desc>" {
			t.Errorf("title %q, desc %q", doc.Title, doc.Desc)
		}
		if m.Grid == shapes {
			t.Errorf("shapes=%v drawn as grid=%v", shapes, m.Grid)
		}
		// Legend: the classes with ranges in French notation, then no data.
		last := m.Legend[len(m.Legend)-1]
		if last.Fill != "" || last.Label != "No data" {
			t.Errorf("last legend entry %+v", last)
		}
		if len(m.Legend) != 6 || m.Legend[0].Label != "0,0" || m.Legend[4].Label != "6,5" || !strings.Contains(svg, ">6,5</text>") {
			t.Errorf("legend %+v", m.Legend)
		}
		if !strings.Contains(svg, `fill="url(#distmap-nodata)"`) {
			t.Error("areas without a value are not hatched")
		}
		// The table alternative has every area, with the formatted value.
		if len(m.Rows) != 6 || m.Rows[1].Text != "1,3" || m.Rows[3].HasValue || m.Rows[3].Class != -1 {
			t.Errorf("rows %+v", m.Rows)
		}
	}
}

func TestEnglishNumbers(t *testing.T) {
	m := Choropleth([]Area{{ID: "1", Name: "One", Lat: 48.8, Lon: 2.3, Value: 1234.5, HasValue: true}},
		Options{Lang: "en", Decimals: 1})
	if m.Rows[0].Text != "1,234.5" || !strings.Contains(string(m.SVG), "One: 1,234.5") {
		t.Errorf("row %+v", m.Rows[0])
	}
	var areas []Area
	for i := range 10 {
		areas = append(areas, Area{ID: string(rune('a' + i)), Lat: 48.8, Lon: 2.3 + float64(i)/100, Value: 1000 * float64(i+1), HasValue: true})
	}
	m = Choropleth(areas, Options{Lang: "fr", Decimals: 1})
	if m.Rows[0].Text != "1\u202f000,0" || m.Legend[0].Label != "1\u202f000,0 – 2\u202f000,0" || len(m.Legend) != 5 {
		t.Errorf("French row %q, legend %+v", m.Rows[0].Text, m.Legend)
	}
}

// The tile grid gives every area its own square, none overlapping, all
// inside the viewBox, and keeps west to the left and north to the top.
func TestGridHasNoOverlap(t *testing.T) {
	for _, n := range []int{1, 2, 5, 20, 45, 80} {
		areas := areasWithValues(n, false)
		// Some centroids on top of each other, the worst case for a grid.
		for i := 0; i < n/3; i++ {
			areas[i].Lat, areas[i].Lon = 48.86, 2.34
		}
		m := Choropleth(areas, Options{})
		doc, w, h := parse(t, m)
		g := group(doc, "map-areas")
		if g < 0 || len(doc.Groups[g].Rects) != n {
			t.Fatalf("n=%d: %d squares", n, len(doc.Groups[g].Rects))
		}
		rs := doc.Groups[g].Rects
		for i, a := range rs {
			if a.W <= 0 || a.W != a.H || a.X < 0 || a.Y < 0 || a.X+a.W > w || a.Y+a.H > h {
				t.Errorf("n=%d: square %d %+v outside %vx%v", n, i, a, w, h)
			}
			for _, b := range rs[i+1:] {
				if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
					t.Errorf("n=%d: squares overlap: %+v and %+v", n, a, b)
				}
			}
		}
	}
	// West-east and north-south order survive when there is room.
	areas := []Area{
		{ID: "nw", Lat: 48.9, Lon: 2.2}, {ID: "ne", Lat: 48.9, Lon: 2.4},
		{ID: "sw", Lat: 48.8, Lon: 2.2}, {ID: "se", Lat: 48.8, Lon: 2.4},
	}
	cells, _, _, _ := gridLayout(areas)
	if !(cells[0].col < cells[1].col && cells[2].col < cells[3].col && cells[0].row < cells[2].row && cells[1].row < cells[3].row) {
		t.Errorf("cells %+v lose the geography", cells)
	}
}

func TestMarkersInsideTheViewBox(t *testing.T) {
	markers := []Marker{
		{Lat: 48.86, Lon: 2.34, Label: "Centre"},
		{Lat: 48.70, Lon: 2.10, Label: "Far south-west <x>"},
		{Lat: 49.10, Lon: 2.60, Label: "Far north-east"},
	}
	for _, shapes := range []bool{true, false} {
		m := Choropleth(areasWithValues(8, shapes), Options{Markers: markers, MarkersLabel: "Cool places"})
		doc, w, h := parse(t, m)
		g := group(doc, "map-markers")
		if g < 0 || len(doc.Groups[g].Circles) != len(markers) {
			t.Fatalf("shapes=%v: markers missing", shapes)
		}
		for _, c := range doc.Groups[g].Circles {
			if c.CX < 0 || c.CY < 0 || c.CX > w || c.CY > h {
				t.Errorf("shapes=%v: marker at %v,%v outside %vx%v", shapes, c.CX, c.CY, w, h)
			}
		}
		if !strings.Contains(string(m.SVG), "Far south-west &lt;x&gt;") || !strings.Contains(string(m.SVG), "Cool places") {
			t.Errorf("shapes=%v: marker labels or legend missing", shapes)
		}
	}
	// Markers alone, without areas.
	m := Choropleth(nil, Options{Markers: markers[:1]})
	parse(t, m)
}

func TestLocatorHighlightsOneArea(t *testing.T) {
	for _, shapes := range []bool{true, false} {
		areas := areasWithValues(5, shapes)
		m := Locator(areas, "c", Options{ID: "loc", Title: "Where"})
		doc, _, _ := parse(t, m)
		g := doc.Groups[group(doc, "map-areas")]
		dark := 0
		for _, p := range g.Paths {
			if p.Fill == palette[Classes-1] {
				dark++
			}
		}
		for _, r := range g.Rects {
			if r.Fill == palette[Classes-1] {
				dark++
			}
		}
		if dark != 1 || len(m.Legend) != 1 || m.Legend[0].Label != "Area C" {
			t.Errorf("shapes=%v: %d highlighted, legend %+v", shapes, dark, m.Legend)
		}
	}
}
