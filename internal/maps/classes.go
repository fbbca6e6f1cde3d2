package maps

import (
	"math"
	"slices"
)

// Classes is how many colour classes a choropleth uses at most.
const Classes = 5

// palette is a sequential green scale, lightest first, in the site's green.
// The two darkest classes take white labels and the others dark ink; both
// keep a contrast of at least 4.5:1 (checked by a test).
var palette = [Classes]string{"#e9f4e4", "#bfe0b3", "#86c27f", "#337a3e", "#1b5e20"}

// Ink and white are the label colours; noDataFill and hatch draw the
// hatching of areas without a value.
const (
	ink        = "#1a1a1a"
	white      = "#ffffff"
	noDataFill = "#f2f2f2"
	hatch      = "#8c8c8c"
	greyFill   = "#e3e3e3" // other areas of a locator map
	markerFill = "#b3261e"
)

// labelColour is the readable text colour on a class's fill.
func labelColour(fill string) string {
	if contrast(fill, white) >= contrast(fill, ink) {
		return white
	}
	return ink
}

// Breaks splits values into at most n classes of about equal counts
// (quantiles), which suits skewed figures such as volunteers per resident
// better than equal intervals. It returns each class's upper bound, ascending;
// the last is the maximum. Equal values never straddle two classes, so fewer
// distinct values give fewer classes.
func Breaks(values []float64, n int) []float64 {
	if len(values) == 0 || n < 1 {
		return nil
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	var out []float64
	for i := 1; i <= n; i++ {
		idx := int(math.Ceil(float64(i*len(sorted))/float64(n))) - 1
		b := sorted[max(idx, 0)]
		if len(out) == 0 || b > out[len(out)-1] {
			out = append(out, b)
		}
	}
	return out
}

// ClassOf is the index of the class holding v.
func ClassOf(breaks []float64, v float64) int {
	for i, b := range breaks {
		if v <= b {
			return i
		}
	}
	return len(breaks) - 1
}

// paletteFor picks k colours spread over the palette, so that two classes
// use the lightest and the darkest rather than the two lightest.
func paletteFor(k int) []string {
	if k <= 1 {
		return []string{palette[Classes/2]}
	}
	out := make([]string, k)
	for i := range k {
		out[i] = palette[int(math.Round(float64(i*(Classes-1))/float64(k-1)))]
	}
	return out
}

// contrast is the WCAG 2.1 contrast ratio of two "#rrggbb" colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	if len(hex) != 7 || hex[0] != '#' {
		return 0
	}
	var c [3]float64
	for i := range c {
		v := hexDigit(hex[1+2*i])*16 + hexDigit(hex[2+2*i])
		s := v / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func hexDigit(b byte) float64 {
	switch {
	case b >= '0' && b <= '9':
		return float64(b - '0')
	case b >= 'a' && b <= 'f':
		return float64(b-'a') + 10
	case b >= 'A' && b <= 'F':
		return float64(b-'A') + 10
	}
	return 0
}
