package maps

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

const (
	pad        = 10.0
	maxTile    = 80.0
	labelSize  = 12.0
	legendLine = 24.0
	legendCol  = 190.0
)

// canvas collects the SVG of one map. Every text goes through esc.
type canvas struct {
	b strings.Builder
	o Options
}

var esc = template.HTMLEscapeString

// num writes a coordinate with one decimal, which is finer than a pixel at
// the map's size and keeps pages small.
func num(v float64) string { return string(appendNum(nil, v)) }

// appendNum is num for the thousands of points of a boundary: integer
// arithmetic is several times faster than formatting a float.
func appendNum(b []byte, v float64) []byte {
	t := int64(math.Round(v * 10))
	if t < 0 {
		b, t = append(b, '-'), -t
	}
	b = strconv.AppendInt(b, t/10, 10)
	if d := t % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

func (c *canvas) printf(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

// draw lays out the areas (boundaries when all have one, else the tile
// grid), labels, markers and legend, and returns the SVG and whether it is a
// grid.
func draw(areas []Area, paints []paint, legend []LegendEntry, o Options) (template.HTML, bool) {
	c := &canvas{o: o}
	grid := len(areas) == 0
	for _, a := range areas {
		if len(a.Shape) == 0 {
			grid = true
		}
	}
	var mapH float64
	if grid {
		mapH = c.drawGrid(areas, paints)
	} else {
		mapH = c.drawShapes(areas, paints)
	}
	legendH := c.drawLegend(legend, mapH)
	body := c.b.String()

	var out strings.Builder
	id := o.ID
	fmt.Fprintf(&out, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title %s-desc" class="map" font-family="system-ui, sans-serif">`,
		num(o.Width), num(mapH+legendH), id, id)
	fmt.Fprintf(&out, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(o.Title), id, esc(o.Desc))
	// Diagonal hatching for areas without a value: told apart from the
	// palette by its texture as well as its colour.
	fmt.Fprintf(&out, `<defs><pattern id="%s-nodata" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
		`<rect width="6" height="6" fill="%s"/><line x1="0" y1="0" x2="0" y2="6" stroke="%s" stroke-width="2"/></pattern></defs>`,
		id, noDataFill, hatch)
	out.WriteString(body)
	out.WriteString("</svg>")
	return template.HTML(out.String()), grid
}

func (c *canvas) fill(p paint) string {
	if p.fill == "" {
		return "url(#" + c.o.ID + "-nodata)"
	}
	return p.fill
}

// halo is the colour around a label: the area's own fill, so a label that
// spills over a neighbour stays readable.
func halo(p paint) string {
	if p.fill == "" {
		return noDataFill
	}
	return p.fill
}

func (c *canvas) label(x, y float64, p paint, text string, size float64) {
	if text == "" {
		return
	}
	c.printf(`<text x="%s" y="%s" dy="0.35em" text-anchor="middle" font-size="%s" font-weight="600" fill="%s" stroke="%s" stroke-width="3" stroke-linejoin="round" paint-order="stroke">%s</text>`,
		num(x), num(y), num(size), p.label, halo(p), esc(text))
}

// drawShapes draws the real boundaries and returns the map's height.
func (c *canvas) drawShapes(areas []Area, paints []paint) float64 {
	b := newBounds()
	for _, a := range areas {
		for _, poly := range a.Shape {
			for _, ring := range poly {
				for _, pt := range ring {
					b.add(pt[0], pt[1])
				}
			}
		}
	}
	for _, m := range c.o.Markers {
		b.add(m.Lon, m.Lat)
	}
	p := fit(b, c.o.Width, pad)
	c.b.WriteString(`<g class="map-areas">`)
	// The highlighted area goes last so that its outline is not hidden.
	order := drawOrder(paints)
	for _, i := range order {
		a, pt := areas[i], paints[i]
		width := "1"
		if pt.outline {
			width = "2.5"
		}
		c.printf(`<path d="%s" fill="%s" fill-rule="evenodd" stroke="%s" stroke-width="%s"><title>%s</title></path>`,
			pathData(p, a.Shape), c.fill(pt), white, width, esc(pt.tip))
	}
	c.b.WriteString(`</g><g class="map-labels">`)
	for _, i := range order {
		x, y := p.xy(areas[i].Lon, areas[i].Lat)
		c.label(x, y, paints[i], areas[i].Label, labelSize)
	}
	c.b.WriteString(`</g>`)
	c.drawMarkers(p.xy)
	return p.height + 2*pad
}

func drawOrder(paints []paint) []int {
	var order, last []int
	for i, p := range paints {
		if p.outline {
			last = append(last, i)
		} else {
			order = append(order, i)
		}
	}
	return append(order, last...)
}

// pathData writes the rings as an SVG path, dropping points closer than
// half a unit to the previous one: invisible at this size, and they make up
// most of a detailed boundary.
func pathData(p projection, shape []Polygon) string {
	var b []byte
	var xs [][2]float64
	for _, poly := range shape {
		for _, ring := range poly {
			xs = xs[:0]
			for i, pt := range ring {
				x, y := p.xy(pt[0], pt[1])
				if n := len(xs); n > 0 && i < len(ring)-1 && math.Hypot(x-xs[n-1][0], y-xs[n-1][1]) < 0.5 {
					continue
				}
				xs = append(xs, [2]float64{x, y})
			}
			for i, pt := range xs {
				if i == 0 {
					b = append(b, 'M')
				} else {
					b = append(b, 'L')
				}
				b = append(appendNum(b, pt[0]), ' ')
				b = appendNum(b, pt[1])
			}
			b = append(b, 'Z')
		}
	}
	return string(b)
}
