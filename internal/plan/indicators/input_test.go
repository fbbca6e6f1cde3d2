package indicators

import "testing"

// Numbers are bounded at the boundary: past MaxMagnitude the pages' integer
// part (int64) and the charts' scale would show another number or NaN.
func TestParseNumberBounds(t *testing.T) {
	for _, c := range []struct {
		in   string
		want float64
		code string
	}{
		{"22,7", 22.7, ""},
		{"1 000 000 000 000", 1e12, ""},
		{"-1e12", -1e12, ""},
		{"1000000000001", 0, CodeTooLarge},
		{"1e308", 0, CodeTooLarge},
		{"-9.3e18", 0, CodeTooLarge},
		{"1e400", 0, CodeNotFinite},
		{"NaN", 0, CodeNotFinite},
		{"abc", 0, CodeNumber},
		{"", 0, CodeRequired},
	} {
		got, code := ParseNumber(c.in)
		if got != c.want || code != c.code {
			t.Errorf("ParseNumber(%q) = %v, %q; want %v, %q", c.in, got, code, c.want, c.code)
		}
	}
}
