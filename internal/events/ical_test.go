package events

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

func calWrite(t *testing.T, c icalCalendar) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Escaping of TEXT values and folding at 75 octets, with multi-byte
// characters right where a line would be cut.
func TestICalEscapingAndFolding(t *testing.T) {
	title := "Atelier « zéro déchet » ; réparer, trier \\ composter — " + strings.Repeat("é🌱", 40)
	desc := "Première ligne\nDeuxième ligne, avec ; et \\\r\nTroisième\x07 ligne\tfin"
	body := calWrite(t, icalCalendar{Name: "Test, calendrier", Events: []icalEvent{{
		UID: "event-1@volontaires.example", Stamp: time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC),
		Start: calParis(2027, 1, 15, 18, 0), End: calParis(2027, 1, 15, 20, 0), Summary: title, Description: desc,
		Location: "12 rue Oberkampf, 75011 Paris", Categories: []string{"Déchets, réemploi"}, Status: "CONFIRMED", Sequence: 3,
	}}})
	props := calParse(t, body)
	evs := calEvents(props)
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	ev := evs[0]
	if got := calUnescape(ev["SUMMARY"].Value); got != title {
		t.Errorf("SUMMARY reads back as %q", got)
	}
	if got := calUnescape(ev["DESCRIPTION"].Value); got != "Première ligne\nDeuxième ligne, avec ; et \\\nTroisième ligne fin" {
		t.Errorf("DESCRIPTION reads back as %q", got)
	}
	for _, want := range []string{`DESCRIPTION:Première ligne\nDeuxième ligne\, avec \; et \\\nTroisième ligne fin`,
		`CATEGORIES:Déchets\, réemploi`, `LOCATION:12 rue Oberkampf\, 75011 Paris`, "X-WR-CALNAME:Test\\, calendrier",
		"DTSTAMP:20270102T030405Z", "SEQUENCE:3", "STATUS:CONFIRMED"} {
		name, _, _ := strings.Cut(want, ":")
		found := false
		for _, p := range props {
			if p.Name+":"+p.Value == want || (strings.Contains(name, ";") && p.Name == name) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line %q", want)
		}
	}
	if strings.Count(body, "\r\n ") < 3 {
		t.Errorf("long lines were not folded:\n%s", body)
	}
	// Every line the writer makes stays within the limit: check the folding
	// itself on lengths around it.
	for n := 60; n < 200; n++ {
		var w icalWriter
		w.line("X:" + strings.Repeat("€", n))
		calParse(t, w.b.String())
	}
}

// The calendar's head and its time zone, as RFC 5545 asks.
func TestICalCalendarHead(t *testing.T) {
	body := calWrite(t, icalCalendar{Name: "Événements", Refresh: time.Hour})
	props := calParse(t, body)
	if props[0].Name != "BEGIN" || props[0].Value != "VCALENDAR" || props[len(props)-1].Value != "VCALENDAR" {
		t.Errorf("not a VCALENDAR: %v … %v", props[0], props[len(props)-1])
	}
	for _, want := range []string{"VERSION:2.0", "PRODID:" + icalProdID, "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
		"X-WR-CALNAME:Événements", "REFRESH-INTERVAL;VALUE=DURATION:PT60M",
		"BEGIN:VTIMEZONE", "TZID:Europe/Paris", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:VTIMEZONE"} {
		if !strings.Contains(body, "\r\n"+want+"\r\n") {
			t.Errorf("no line %q", want)
		}
	}
}

// Times in winter, in summer and across the change to summer time on
// 28 March 2027, and in the repeated hour of 31 October 2027: local times
// with TZID, read back to the same instants by an independent parser.
func TestICalTimeZones(t *testing.T) {
	stamp := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name        string
		start, end  time.Time
		dtstart     string
		dtend       string
		startUTC    string
		durationMin int
	}{
		{"winter", calParis(2027, 1, 15, 18, 0), calParis(2027, 1, 15, 20, 30),
			"DTSTART;TZID=Europe/Paris:20270115T180000", "DTEND;TZID=Europe/Paris:20270115T203000", "2027-01-15T17:00:00Z", 150},
		{"summer", calParis(2027, 7, 10, 10, 0), calParis(2027, 7, 10, 12, 0),
			"DTSTART;TZID=Europe/Paris:20270710T100000", "DTEND;TZID=Europe/Paris:20270710T120000", "2027-07-10T08:00:00Z", 120},
		// 01:30 CET to 04:00 CEST is 1 h 30 of real time: the clock jumps
		// from 02:00 to 03:00.
		{"change", calParis(2027, 3, 28, 1, 30), calParis(2027, 3, 28, 4, 0),
			"DTSTART;TZID=Europe/Paris:20270328T013000", "DTEND;TZID=Europe/Paris:20270328T040000", "2027-03-28T00:30:00Z", 90},
		// 02:30 happens twice on 31 October: the second one (CET) is
		// written in UTC, which no application can misread.
		{"repeated hour", time.Date(2027, 10, 31, 1, 30, 0, 0, time.UTC), time.Date(2027, 10, 31, 3, 0, 0, 0, time.UTC),
			"DTSTART:20271031T013000Z", "DTEND;TZID=Europe/Paris:20271031T040000", "2027-10-31T01:30:00Z", 90},
	}
	var cal icalCalendar
	for i, c := range cases {
		cal.Events = append(cal.Events, icalEvent{UID: c.name + "@test", Stamp: stamp, Start: c.start, End: c.end, Summary: c.name})
		_ = i
	}
	body := calWrite(t, cal)
	evs := calEvents(calParse(t, body))
	for i, c := range cases {
		ev := evs[i]
		if got := lineOf(ev["DTSTART"]); got != c.dtstart {
			t.Errorf("%s: %s, want %s", c.name, got, c.dtstart)
		}
		if got := lineOf(ev["DTEND"]); got != c.dtend {
			t.Errorf("%s: %s, want %s", c.name, got, c.dtend)
		}
	}

	// An independent parser reads the same instants.
	parsed, err := goical.NewDecoder(strings.NewReader(body)).Decode()
	if err != nil {
		t.Fatalf("go-ical cannot read the calendar: %v\n%s", err, body)
	}
	got := parsed.Events()
	if len(got) != len(cases) {
		t.Fatalf("go-ical reads %d events", len(got))
	}
	for i, c := range cases {
		start, err1 := got[i].DateTimeStart(nil)
		end, err2 := got[i].DateTimeEnd(nil)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", c.name, err1, err2)
		}
		if start.UTC().Format(time.RFC3339) != c.startUTC || int(end.Sub(start).Minutes()) != c.durationMin {
			t.Errorf("%s: go-ical reads %s for %d min, want %s for %d min", c.name, start.UTC().Format(time.RFC3339),
				int(end.Sub(start).Minutes()), c.startUTC, c.durationMin)
		}
	}
	if tz := parsed.Children; len(tz) == 0 || tz[0].Name != goical.CompTimezone {
		t.Errorf("the first component is not the VTIMEZONE")
	}
	// And writes it back: its encoder refuses calendars without the
	// required properties.
	if err := goical.NewEncoder(&bytes.Buffer{}).Encode(parsed); err != nil {
		t.Errorf("go-ical cannot encode it back: %v", err)
	}
}

func lineOf(p calProp) string {
	s := p.Name
	if tz, ok := p.Params["TZID"]; ok {
		s += ";TZID=" + tz
	}
	return s + ":" + p.Value
}
