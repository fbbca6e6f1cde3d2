package coolplaces

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even without the system's zone database

	"golang.org/x/text/unicode/norm"
)

// Paris is the zone opening hours are written in.
var Paris = mustLoad("Europe/Paris")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // cannot happen: time/tzdata is embedded
	}
	return loc
}

// Span is an opening in minutes after the day's midnight. To may pass 1440
// when a place closes after midnight ("18:00 - 02:00" is 1080..1560).
type Span struct{ From, To int }

// Day is one weekday's opening. A day whose text could not be read has
// Unknown set and no spans: it counts as closed, so nobody is sent to a
// place that may be shut, and the flag lets a page say "hours unknown".
type Day struct {
	Spans   []Span
	Unknown bool
}

// Week is a weekly schedule, Monday first.
type Week [7]Day

var dayKeys = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// dayIndex maps Go's Sunday-first weekday to the Monday-first index.
func dayIndex(w time.Weekday) int { return (int(w) + 6) % 7 }

// AllDay is the schedule of a place that never closes.
func AllDay() Week {
	var w Week
	for i := range w {
		w[i] = Day{Spans: []Span{{0, 1440}}}
	}
	return w
}

// HasUnknown tells whether some day's hours could not be read.
func (w Week) HasUnknown() bool {
	for _, d := range w {
		if d.Unknown {
			return true
		}
	}
	return false
}

// Empty tells whether no day has an opening nor an unread text.
func (w Week) Empty() bool {
	for _, d := range w {
		if d.Unknown || len(d.Spans) > 0 {
			return false
		}
	}
	return true
}

// String is the stored form: "mon=08:00-21:30;tue=closed;wed=24h;
// thu=08:00-12:00,14:00-18:00;fri=?;…" ("?" is an unread day).
func (w Week) String() string {
	var b strings.Builder
	for i, d := range w {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(dayKeys[i] + "=")
		switch {
		case d.Unknown:
			b.WriteByte('?')
		case len(d.Spans) == 0:
			b.WriteString("closed")
		case len(d.Spans) == 1 && d.Spans[0] == Span{0, 1440}:
			b.WriteString("24h")
		default:
			for j, s := range d.Spans {
				if j > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "%s-%s", clock(s.From), clock(s.To))
			}
		}
	}
	return b.String()
}

// clock writes minutes as "HH:MM", past 24:00 for closings after midnight
// so the stored form reads back to the same span.
func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseWeek reads the stored form back. Anything it cannot read becomes an
// unknown day rather than an error: a damaged row must not break a search.
func ParseWeek(s string) Week {
	var w Week
	for i := range w {
		w[i].Unknown = true
	}
	for part := range strings.SplitSeq(s, ";") {
		key, val, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		for i, k := range dayKeys {
			if k == key {
				w[i] = parseStoredDay(val)
			}
		}
	}
	return w
}

func parseStoredDay(v string) Day {
	switch v {
	case "closed":
		return Day{}
	case "24h":
		return Day{Spans: []Span{{0, 1440}}}
	}
	var d Day
	for p := range strings.SplitSeq(v, ",") {
		a, b, ok := strings.Cut(p, "-")
		from, ok1 := parseClock(a)
		to, ok2 := parseClock(b)
		if !ok || !ok1 || !ok2 || to <= from || to > 2*1440 {
			return Day{Unknown: true}
		}
		d.Spans = append(d.Spans, Span{from, to})
	}
	return d
}

// ParseDay reads one day of the open data's horaires_lundi..dimanche:
// "08:00 - 21:30", "8h30 à 20h", "08:00-12:00 / 14:00-18:00", "Fermé",
// "24h/24". An empty text or one it does not understand gives an unknown
// day (closed, flagged).
func ParseDay(s string) Day {
	t := fold(s)
	switch {
	case t == "":
		return Day{Unknown: true}
	case strings.HasPrefix(t, "ferme"):
		return Day{}
	case strings.Contains(t, "24h/24"), strings.Contains(t, "24h24"), strings.Contains(t, "24/24"),
		strings.Contains(t, "24 h/24"), t == "24h", t == "ouvert 24h":
		return Day{Spans: []Span{{0, 1440}}}
	}
	t = strings.NewReplacer("–", "-", "—", "-", " a ", "-", " au ", "-", " jusqu'a ", "-", " et ", ",").Replace(t)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "ouvert "), "de ")
	var d Day
	for _, p := range strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '+' }) {
		a, b, ok := strings.Cut(p, "-")
		from, ok1 := parseClock(a)
		to, ok2 := parseClock(b)
		if !ok || !ok1 || !ok2 {
			return Day{Unknown: true}
		}
		if to <= from { // closes after midnight
			to += 1440
		}
		if to-from > 1440 {
			return Day{Unknown: true}
		}
		d.Spans = append(d.Spans, Span{from, to})
	}
	if len(d.Spans) == 0 {
		return Day{Unknown: true}
	}
	return d
}

// parseClock reads "08:00", "8h30", "8h", "8.30" or "08" as minutes after
// midnight; "24:00" is the end of the day.
func parseClock(s string) (int, bool) {
	s = strings.TrimSpace(s)
	h, m, found := strings.Cut(s, ":")
	if !found {
		h, m, found = strings.Cut(s, "h")
	}
	if !found {
		h, m, _ = strings.Cut(s, ".")
	}
	hh, err := strconv.Atoi(strings.TrimSpace(h))
	if err != nil || hh < 0 || hh > 48 {
		return 0, false
	}
	mm := 0
	if m = strings.TrimSpace(m); m != "" {
		if mm, err = strconv.Atoi(m); err != nil || mm < 0 || mm > 59 || len(m) != 2 {
			return 0, false
		}
	}
	return hh*60 + mm, true
}

// fold lowers s and drops its accents, so "Fermé", "FERME" and "fermé"
// read the same.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
		if r >= 0x300 && r <= 0x36f { // combining marks
			continue
		}
		b.WriteRune(r)
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// openIn tells whether minute m of weekday index i falls in the week,
// counting the previous day's openings that run past midnight.
func (w Week) openIn(i, m int) bool {
	for _, s := range w[i].Spans {
		if m >= s.From && m < s.To {
			return true
		}
	}
	for _, s := range w[(i+6)%7].Spans {
		if m+1440 >= s.From && m+1440 < s.To {
			return true
		}
	}
	return false
}
