package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
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

var monthsFR = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// FormatDateTime writes a moment in the instance's time zone: "27 nov. 2026,
// 18:40" in French, "27 Nov 2026, 18:40" in English.
func FormatDateTime(lang string, t time.Time, loc *time.Location) string {
	t = t.In(loc)
	if lang == "fr" {
		return fmt.Sprintf("%d %s %d, %02d:%02d", t.Day(), monthsFR[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	}
	return t.Format("2 Jan 2006, 15:04")
}
