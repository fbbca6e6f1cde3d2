package maps

import "math"

// drawGrid draws one labelled square per area on the tile grid and returns
// the map's height.
func (c *canvas) drawGrid(areas []Area, paints []paint) float64 {
	cells, cols, rows, toGrid := gridLayout(areas)
	if cols == 0 {
		c.drawMarkers(func(float64, float64) (float64, float64) { return c.o.Width / 2, pad })
		return 2 * pad
	}
	tile := math.Min((c.o.Width-2*pad)/float64(cols), maxTile)
	gap := math.Max(tile*0.06, 1)
	offX := pad + (c.o.Width-2*pad-float64(cols)*tile)/2
	size := math.Min(math.Max(tile*0.3, 9), 20)

	c.b.WriteString(`<g class="map-areas">`)
	for _, i := range drawOrder(paints) {
		cl, pt := cells[i], paints[i]
		width := "0"
		if pt.outline {
			width = "2.5"
		}
		c.printf(`<rect x="%s" y="%s" width="%s" height="%s" rx="3" fill="%s" stroke="%s" stroke-width="%s"><title>%s</title></rect>`,
			num(offX+float64(cl.col)*tile+gap/2), num(pad+float64(cl.row)*tile+gap/2), num(tile-gap), num(tile-gap),
			c.fill(pt), ink, width, esc(pt.tip))
	}
	c.b.WriteString(`</g><g class="map-labels">`)
	for i, a := range areas {
		cl := cells[i]
		c.label(offX+(float64(cl.col)+0.5)*tile, pad+(float64(cl.row)+0.5)*tile, paints[i], a.Label, size)
	}
	c.b.WriteString(`</g>`)
	// Markers go where their position falls among the centroids: the grid
	// is not to scale, so this is approximate by nature, and kept inside.
	gridW, gridH := float64(cols)*tile, float64(rows)*tile
	c.drawMarkers(func(lon, lat float64) (float64, float64) {
		fx, fy := toGrid(lon, lat)
		x := offX + (fx+0.5)*tile
		y := pad + (fy+0.5)*tile
		return math.Min(math.Max(x, offX), offX+gridW), math.Min(math.Max(y, pad), pad+gridH)
	})
	return gridH + 2*pad
}

// drawMarkers draws the markers, each a red dot with its label to the right.
func (c *canvas) drawMarkers(xy func(lon, lat float64) (float64, float64)) {
	if len(c.o.Markers) == 0 {
		return
	}
	c.b.WriteString(`<g class="map-markers">`)
	for _, m := range c.o.Markers {
		x, y := xy(m.Lon, m.Lat)
		c.printf(`<circle cx="%s" cy="%s" r="5" fill="%s" stroke="%s" stroke-width="1.5"><title>%s</title></circle>`,
			num(x), num(y), markerFill, white, esc(m.Label))
		anchor, dx := "start", 8.0
		if x > c.o.Width*0.7 { // keep labels near the right edge inside
			anchor, dx = "end", -8
		}
		c.printf(`<text x="%s" y="%s" dy="0.35em" text-anchor="%s" font-size="11" fill="%s" stroke="%s" stroke-width="3" stroke-linejoin="round" paint-order="stroke">%s</text>`,
			num(x+dx), num(y), anchor, ink, white, esc(m.Label))
	}
	c.b.WriteString(`</g>`)
}

// drawLegend writes the legend below the map at y and returns its height.
// Swatches have a grey outline so that the lightest class stays visible on
// white (non-text contrast).
func (c *canvas) drawLegend(entries []LegendEntry, y float64) float64 {
	markers := len(c.o.Markers) > 0 && c.o.MarkersLabel != ""
	if len(entries) == 0 && !markers {
		return 0
	}
	top := y
	c.printf(`<g class="map-legend" font-size="13" fill="%s">`, ink)
	if c.o.LegendTitle != "" {
		c.printf(`<text x="%s" y="%s" font-weight="600">%s</text>`, num(pad), num(y+14), esc(c.o.LegendTitle))
		y += 22
	}
	perRow := max(1, int((c.o.Width-2*pad)/legendCol))
	n := 0
	place := func() (float64, float64) {
		x, yy := pad+float64(n%perRow)*legendCol, y+float64(n/perRow)*legendLine
		n++
		return x, yy
	}
	for _, e := range entries {
		x, yy := place()
		fill := e.Fill
		if fill == "" {
			fill = "url(#" + c.o.ID + "-nodata)"
		}
		c.printf(`<rect x="%s" y="%s" width="16" height="16" fill="%s" stroke="#595959" stroke-width="1"/>`, num(x), num(yy), fill)
		c.printf(`<text x="%s" y="%s">%s</text>`, num(x+22), num(yy+13), esc(e.Label))
	}
	if markers {
		x, yy := place()
		c.printf(`<circle cx="%s" cy="%s" r="5" fill="%s" stroke="%s" stroke-width="1.5"/>`, num(x+8), num(yy+8), markerFill, white)
		c.printf(`<text x="%s" y="%s">%s</text>`, num(x+22), num(yy+13), esc(c.o.MarkersLabel))
	}
	c.b.WriteString(`</g>`)
	rows := (n + perRow - 1) / perRow
	return y - top + float64(rows)*legendLine + pad
}
