package maps

import (
	"strings"

	"climatevolunteers/internal/web/i18n"
)

// paint is how one area is drawn.
type paint struct {
	fill    string // "" draws the no-data hatching
	label   string // text colour
	tip     string // tooltip
	outline bool   // a thicker outline: the highlighted area
}

// Choropleth colours each area by its value in up to five quantile classes;
// areas without a value are hatched and get their own legend entry.
func Choropleth(areas []Area, o Options) Map {
	o = o.withDefaults()
	var vals []float64
	for _, a := range areas {
		if a.HasValue {
			vals = append(vals, a.Value)
		}
	}
	breaks := Breaks(vals, Classes)
	colours := paletteFor(len(breaks))
	lo := make([]float64, len(breaks))
	hi := make([]float64, len(breaks))
	seen := make([]bool, len(breaks))

	var m Map
	paints := make([]paint, len(areas))
	for i, a := range areas {
		row := Row{ID: a.ID, Name: a.Name, Value: a.Value, HasValue: a.HasValue, Class: -1}
		if a.HasValue {
			c := ClassOf(breaks, a.Value)
			row.Class, row.Text = c, o.num(a.Value)
			paints[i] = paint{fill: colours[c], label: labelColour(colours[c]), tip: o.pair(a.Name, row.Text)}
			if !seen[c] || a.Value < lo[c] {
				lo[c] = a.Value
			}
			if !seen[c] || a.Value > hi[c] {
				hi[c] = a.Value
			}
			seen[c] = true
		} else {
			paints[i] = paint{label: ink, tip: o.pair(a.Name, o.NoData)}
		}
		m.Rows = append(m.Rows, row)
	}
	for c := range breaks {
		if !seen[c] {
			continue
		}
		label := o.num(lo[c])
		if hi := o.num(hi[c]); hi != label {
			label += " – " + hi
		}
		m.Legend = append(m.Legend, LegendEntry{Fill: colours[c], Label: label})
	}
	if len(vals) < len(areas) {
		m.Legend = append(m.Legend, LegendEntry{Label: o.NoData})
	}
	m.SVG, m.Grid = draw(areas, paints, m.Legend, o)
	return m
}

// Locator draws every area in grey and the one whose ID is highlight in the
// darkest green: "where is this district?".
func Locator(areas []Area, highlight string, o Options) Map {
	o = o.withDefaults()
	var m Map
	paints := make([]paint, len(areas))
	for i, a := range areas {
		paints[i] = paint{fill: greyFill, label: ink, tip: a.Name}
		if a.ID == highlight {
			dark := palette[Classes-1]
			paints[i] = paint{fill: dark, label: labelColour(dark), tip: a.Name, outline: true}
			m.Legend = []LegendEntry{{Fill: dark, Label: a.Name}}
		}
	}
	m.SVG, m.Grid = draw(areas, paints, m.Legend, o)
	return m
}

func (o Options) withDefaults() Options {
	if o.Width <= 0 {
		o.Width = defaultWidth
	}
	if o.Lang == "" {
		o.Lang = i18n.Default
	}
	o.ID = cleanID(o.ID)
	return o
}

func (o Options) num(v float64) string { return i18n.FormatDecimal(o.Lang, v, o.Decimals) }

// pair writes "name: value" with French spacing before the colon.
func (o Options) pair(name, value string) string {
	if o.Lang == "fr" {
		return name + "\u00a0: " + value
	}
	return name + ": " + value
}

// cleanID keeps the characters that are safe in an id and a url(#…) reference.
func cleanID(id string) string {
	id = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return -1
	}, id)
	if id == "" {
		return "map"
	}
	return id
}
