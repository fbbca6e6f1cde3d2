package maps

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
)

// svgDoc is the part of an SVG the tests look at.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Role    string   `xml:"role,attr"`
	Labels  string   `xml:"aria-labelledby,attr"`
	Title   string   `xml:"title"`
	Desc    string   `xml:"desc"`
	Groups  []struct {
		Class string `xml:"class,attr"`
		Rects []rect `xml:"rect"`
		Paths []struct {
			D     string `xml:"d,attr"`
			Fill  string `xml:"fill,attr"`
			Title string `xml:"title"`
		} `xml:"path"`
		Circles []struct {
			CX float64 `xml:"cx,attr"`
			CY float64 `xml:"cy,attr"`
		} `xml:"circle"`
		Texts []struct {
			Fill string `xml:"fill,attr"`
			Text string `xml:",chardata"`
		} `xml:"text"`
	} `xml:"g"`
}

type rect struct {
	X, Y, W, H float64
	Fill       string
	Title      string
}

func (r *rect) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var raw struct {
		X     float64 `xml:"x,attr"`
		Y     float64 `xml:"y,attr"`
		W     float64 `xml:"width,attr"`
		H     float64 `xml:"height,attr"`
		Fill  string  `xml:"fill,attr"`
		Title string  `xml:"title"`
	}
	if err := d.DecodeElement(&raw, &start); err != nil {
		return err
	}
	*r = rect{raw.X, raw.Y, raw.W, raw.H, raw.Fill, raw.Title}
	return nil
}

func parse(t *testing.T, m Map) (svgDoc, float64, float64) {
	t.Helper()
	var doc svgDoc
	if err := xml.Unmarshal([]byte(m.SVG), &doc); err != nil {
		t.Fatalf("SVG is not well-formed: %v\n%s", err, m.SVG)
	}
	f := strings.Fields(doc.ViewBox)
	if len(f) != 4 {
		t.Fatalf("viewBox %q", doc.ViewBox)
	}
	w, _ := strconv.ParseFloat(f[2], 64)
	h, _ := strconv.ParseFloat(f[3], 64)
	return doc, w, h
}

func group(doc svgDoc, class string) int {
	for i, g := range doc.Groups {
		if g.Class == class {
			return i
		}
	}
	return -1
}

// square is a boundary of about 1 km around a centre.
func square(lat, lon float64) []Polygon {
	d := 0.005
	return []Polygon{{Ring{{lon - d, lat - d}, {lon + d, lat - d}, {lon + d, lat + d}, {lon - d, lat + d}, {lon - d, lat - d}}}}
}

func TestProjectionKeepsProportions(t *testing.T) {
	lat := 48.86
	k := math.Cos(lat * math.Pi / 180)
	b := newBounds()
	b.add(2.25, 48.81)
	b.add(2.42, 48.91)
	p := fit(b, 600, 10)
	// The north-west corner is at the top left of the fitted box.
	x, y := p.xy(2.25, 48.91)
	if math.Abs(y-10) > 1e-9 || x < 10-1e-9 {
		t.Errorf("north-west corner at %.2f, %.2f", x, y)
	}
	// One kilometre east and one kilometre north have the same length.
	kmLat := 1 / 111.2
	kmLon := kmLat / k
	x0, y0 := p.xy(2.3, 48.85)
	x1, _ := p.xy(2.3+kmLon, 48.85)
	_, y1 := p.xy(2.3, 48.85+kmLat)
	east, north := x1-x0, y0-y1
	if math.Abs(east-north)/north > 0.01 {
		t.Errorf("1 km east is %.2f units, 1 km north %.2f", east, north)
	}
	// The drawing fills the width between the margins.
	if math.Abs(p.width-580) > 1e-6 || p.height <= 0 {
		t.Errorf("fitted %.2f x %.2f", p.width, p.height)
	}
}

func TestNum(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 1.04: "1", 1.05: "1.1", -0.04: "0", -2.36: "-2.4", 599.96: "600", 12.5: "12.5"} {
		if got := num(v); got != want {
			t.Errorf("num(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestBreaksAndClasses(t *testing.T) {
	cases := []struct {
		in   []float64
		want []float64
	}{
		{nil, nil},
		{[]float64{3}, []float64{3}},
		{[]float64{0, 0, 0}, []float64{0}},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, []float64{2, 4, 6, 8, 10}},
		{[]float64{5, 1, 4, 2, 3}, []float64{1, 2, 3, 4, 5}},
		{[]float64{1, 1, 1, 1, 9}, []float64{1, 9}},
	}
	for _, c := range cases {
		got := Breaks(c.in, 5)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Breaks(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	br := []float64{2, 4, 6, 8, 10}
	for v, want := range map[float64]int{0: 0, 2: 0, 2.1: 1, 10: 4, 11: 4} {
		if got := ClassOf(br, v); got != want {
			t.Errorf("ClassOf(%v) = %d, want %d", v, got, want)
		}
	}
	if got := paletteFor(2); got[0] != palette[0] || got[1] != palette[Classes-1] {
		t.Errorf("two classes use %v", got)
	}
}

// Labels are readable on every class, and the darkest classes take white.
func TestPaletteContrast(t *testing.T) {
	for i, fill := range palette {
		label := labelColour(fill)
		if c := contrast(fill, label); c < 4.5 {
			t.Errorf("class %d (%s): label %s has contrast %.2f", i, fill, label, c)
		}
		if i >= Classes-2 && label != white {
			t.Errorf("class %d takes %s labels, want white", i, label)
		}
		if i > 0 && luminance(fill) >= luminance(palette[i-1]) {
			t.Errorf("class %d is not darker than class %d", i, i-1)
		}
	}
	if c := contrast(ink, hatch); c < 4.5 {
		t.Errorf("labels on the hatching: contrast %.2f", c)
	}
}
