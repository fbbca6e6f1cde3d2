package i18n

import (
	"strconv"
	"strings"
)

// FormatInt writes n with the language's thousands separator: a narrow
// no-break space in French ("15 000"), a comma in English ("15,000").
func FormatInt(lang string, n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if lang == "fr" {
		sep = "\u202f"
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatDecimal writes f with the given number of decimals and the language's
// decimal mark (a comma in French).
func FormatDecimal(lang string, f float64, decimals int) string {
	s := strconv.FormatFloat(f, 'f', decimals, 64)
	whole, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(whole, 10, 64)
	out := FormatInt(lang, n)
	if whole == "-0" {
		out = "-0"
	}
	if frac == "" {
		return out
	}
	if lang == "fr" {
		return out + "," + frac
	}
	return out + "." + frac
}
