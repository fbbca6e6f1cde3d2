package events

import (
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// An iCalendar (RFC 5545) writer, by hand: the subset that calendar
// applications need to show and update events, with every time in the
// city's zone described by a VTIMEZONE, so that applications do not have to
// guess what "Europe/Paris" means.

// icalProdID names the program that made a calendar (RFC 5545 §3.7.3).
const icalProdID = "-//Climate Volunteers//Events 1.0//FR"

// icalTZID is the only zone events are written in.
const icalTZID = "Europe/Paris"

// icalMaxLine is the longest a content line may be, in octets, without its
// CRLF (RFC 5545 §3.1).
const icalMaxLine = 75

// parisVTimezone describes Europe/Paris since 1996: CET (+01:00) in winter,
// CEST (+02:00) from the last Sunday of March at 02:00 local to the last
// Sunday of October at 03:00 local. Its lines are short and need no folding.
var parisVTimezone = []string{
	"BEGIN:VTIMEZONE",
	"TZID:" + icalTZID,
	"X-LIC-LOCATION:" + icalTZID,
	"BEGIN:DAYLIGHT",
	"TZOFFSETFROM:+0100",
	"TZOFFSETTO:+0200",
	"TZNAME:CEST",
	"DTSTART:19700329T020000",
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
	"END:DAYLIGHT",
	"BEGIN:STANDARD",
	"TZOFFSETFROM:+0200",
	"TZOFFSETTO:+0100",
	"TZNAME:CET",
	"DTSTART:19701025T030000",
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
	"END:STANDARD",
	"END:VTIMEZONE",
}

// icalCalendar is one VCALENDAR.
type icalCalendar struct {
	Name        string        // X-WR-CALNAME: what applications call the subscription
	Description string        // X-WR-CALDESC, optional
	Refresh     time.Duration // REFRESH-INTERVAL for subscribed feeds; 0 for a single event
	Events      []icalEvent
}

// icalEvent is one VEVENT.
type icalEvent struct {
	UID         string
	Stamp       time.Time // DTSTAMP
	Modified    time.Time // LAST-MODIFIED; zero: left out
	Start, End  time.Time
	Summary     string
	Description string
	Location    string
	Geo         *Point
	URL         string
	Categories  []string
	Status      string // CONFIRMED, TENTATIVE or CANCELLED
	Sequence    int
}

// icalWriter gathers content lines, folded, with CRLF ends.
type icalWriter struct {
	b strings.Builder
}

// line writes name, its parameters and value as one folded content line.
func (w *icalWriter) line(s string) {
	// Fold: at most 75 octets a line, continuation lines start with a
	// space (which counts), and a UTF-8 sequence is never cut.
	first := true
	for {
		limit := icalMaxLine
		if !first {
			limit--
			w.b.WriteByte(' ')
		}
		if len(s) <= limit {
			w.b.WriteString(s)
			w.b.WriteString("\r\n")
			return
		}
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.b.WriteString(s[:cut])
		w.b.WriteString("\r\n")
		s = s[cut:]
		first = false
	}
}

// icalText escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon,
// comma and newlines; other control characters are not allowed and go.
func icalText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(' ')
		case r < 0x20 || r == 0x7f:
			// dropped
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// icalUTC writes an instant in UTC form (DTSTAMP, LAST-MODIFIED).
func icalUTC(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icalLocal writes a DTSTART or DTEND: local time in the city's zone with
// TZID, or UTC form for the one hour a year (the October change) whose local
// times happen twice and so cannot name the second occurrence.
func icalLocal(name string, t time.Time) string {
	l := t.In(Paris)
	if icalAmbiguous(l) {
		return name + ":" + icalUTC(t)
	}
	return name + ";TZID=" + icalTZID + ":" + l.Format("20060102T150405")
}

// ambiguous reports whether the wall time of l (in Paris) happens twice: in
// that hour the same wall time exists one hour earlier or later with the
// other offset. RFC 5545 reads such a time as its first occurrence;
// applications differ, so both are written in UTC.
func icalAmbiguous(l time.Time) bool {
	_, off := l.Zone()
	_, before := l.Add(-time.Hour).Zone()
	_, after := l.Add(time.Hour).Zone()
	return before > off || off > after
}

// write renders c as a complete iCalendar object.
func (c icalCalendar) write(out io.Writer) error {
	var w icalWriter
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:" + icalProdID)
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	if c.Name != "" {
		w.line("X-WR-CALNAME:" + icalText(c.Name))
	}
	if c.Description != "" {
		w.line("X-WR-CALDESC:" + icalText(c.Description))
	}
	w.line("X-WR-TIMEZONE:" + icalTZID)
	if c.Refresh > 0 {
		d := "PT" + strconv.Itoa(int(c.Refresh/time.Minute)) + "M"
		w.line("REFRESH-INTERVAL;VALUE=DURATION:" + d)
		w.line("X-PUBLISHED-TTL:" + d)
	}
	for _, l := range parisVTimezone {
		w.line(l)
	}
	for _, e := range c.Events {
		e.write(&w)
	}
	w.line("END:VCALENDAR")
	_, err := io.WriteString(out, w.b.String())
	return err
}

func (e icalEvent) write(w *icalWriter) {
	w.line("BEGIN:VEVENT")
	w.line("UID:" + e.UID)
	w.line("DTSTAMP:" + icalUTC(e.Stamp))
	w.line(icalLocal("DTSTART", e.Start))
	w.line(icalLocal("DTEND", e.End))
	w.line("SUMMARY:" + icalText(e.Summary))
	if e.Description != "" {
		w.line("DESCRIPTION:" + icalText(e.Description))
	}
	if e.Location != "" {
		w.line("LOCATION:" + icalText(e.Location))
	}
	if e.Geo != nil {
		w.line("GEO:" + strconv.FormatFloat(e.Geo.Lat, 'f', 6, 64) + ";" + strconv.FormatFloat(e.Geo.Lon, 'f', 6, 64))
	}
	if e.URL != "" {
		w.line("URL:" + e.URL)
	}
	if len(e.Categories) > 0 {
		cats := make([]string, len(e.Categories))
		for i, c := range e.Categories {
			cats[i] = icalText(c)
		}
		w.line("CATEGORIES:" + strings.Join(cats, ","))
	}
	if e.Status != "" {
		w.line("STATUS:" + e.Status)
	}
	w.line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	if !e.Modified.IsZero() {
		w.line("LAST-MODIFIED:" + icalUTC(e.Modified))
	}
	w.line("TRANSP:OPAQUE")
	w.line("END:VEVENT")
}
