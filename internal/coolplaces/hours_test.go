package coolplaces

import (
	"testing"
	"time"
)

func TestParseDay(t *testing.T) {
	open := func(spans ...Span) Day { return Day{Spans: spans} }
	cases := []struct {
		in   string
		want Day
	}{
		{"08:00 - 21:30", open(Span{480, 1290})},
		{"8h30 à 20h", open(Span{510, 1200})},
		{"08h00-12h00 / 14h00-18h00", open(Span{480, 720}, Span{840, 1080})},
		{"08:00-12:00 et 14:00-18:00", open(Span{480, 720}, Span{840, 1080})},
		{"07:00 – 23:45", open(Span{420, 1425})},
		{"18:00 - 02:00", open(Span{1080, 1560})},
		{"00:00 - 24:00", open(Span{0, 1440})},
		{"24h/24", open(Span{0, 1440})},
		{"Ouvert 24h/24", open(Span{0, 1440})},
		{"Fermé", Day{}},
		{"FERME", Day{}},
		{"fermé le lundi", Day{}},
		{"", Day{Unknown: true}},
		{"   ", Day{Unknown: true}},
		{"selon la saison", Day{Unknown: true}},
		{"08:00 -", Day{Unknown: true}},
		{"25:99 - 26:00", Day{Unknown: true}},
		{"8:5 - 9:00", Day{Unknown: true}},
	}
	for _, c := range cases {
		got := ParseDay(c.in)
		if got.Unknown != c.want.Unknown || len(got.Spans) != len(c.want.Spans) {
			t.Errorf("ParseDay(%q) = %+v, want %+v", c.in, got, c.want)
			continue
		}
		for i := range got.Spans {
			if got.Spans[i] != c.want.Spans[i] {
				t.Errorf("ParseDay(%q) = %+v, want %+v", c.in, got, c.want)
			}
		}
	}
}

func TestWeekRoundTrip(t *testing.T) {
	var w Week
	w[0] = ParseDay("08:00 - 21:30")
	w[1] = ParseDay("Fermé")
	w[2] = ParseDay("24h/24")
	w[3] = ParseDay("08:00-12:00, 14:00-18:00")
	w[4] = ParseDay("n'importe quoi")
	w[5] = ParseDay("18:00 - 02:00")
	w[6] = ParseDay("")
	s := w.String()
	want := "mon=08:00-21:30;tue=closed;wed=24h;thu=08:00-12:00,14:00-18:00;fri=?;sat=18:00-26:00;sun=?"
	if s != want {
		t.Fatalf("String = %q, want %q", s, want)
	}
	if back := ParseWeek(s).String(); back != s {
		t.Fatalf("round trip gives %q", back)
	}
	if !w.HasUnknown() {
		t.Error("HasUnknown is false")
	}
	// A damaged stored value reads as unknown days, never a panic.
	for _, bad := range []string{"", "garbage", "mon=25", "mon=10:00-09:00;tue"} {
		if w := ParseWeek(bad); !w[0].Unknown {
			t.Errorf("ParseWeek(%q)[0] = %+v", bad, w[0])
		}
	}
}

func paris(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Paris)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOpenAt(t *testing.T) {
	var weekHours Week
	for i := range weekHours {
		weekHours[i] = ParseDay("08:00 - 21:30")
	}
	weekHours[0] = ParseDay("Fermé")         // Monday
	weekHours[4] = ParseDay("18:00 - 02:00") // Friday, closes after midnight
	weekHours[6] = ParseDay("")              // Sunday unknown
	p := Place{Hours: weekHours}
	night := p
	night.HeatwaveOpen = true
	summerNight := p
	summerNight.SummerNightOpen = true

	cases := []struct {
		name     string
		p        Place
		at       time.Time
		heatwave bool
		want     bool
	}{
		{"Tuesday morning", p, paris("2026-07-07 09:00"), false, true},
		{"Tuesday before opening", p, paris("2026-07-07 07:59"), false, false},
		{"Tuesday at closing", p, paris("2026-07-07 21:30"), false, false},
		{"closed Monday", p, paris("2026-07-06 12:00"), false, false},
		{"Friday evening", p, paris("2026-07-10 23:00"), false, true},
		{"Saturday 01:00, Friday's opening", p, paris("2026-07-11 01:00"), false, true},
		{"Saturday 02:00, Friday's opening ended", p, paris("2026-07-11 02:00"), false, false},
		{"Friday 01:00 is not Thursday's night", p, paris("2026-07-10 01:00"), false, false},
		{"unknown Sunday counts as closed", p, paris("2026-07-12 12:00"), false, false},
		{"instant given in UTC is read in Paris", p, time.Date(2026, 7, 7, 6, 30, 0, 0, time.UTC), false, true},
		{"heatwave opening at night", night, paris("2026-07-07 03:00"), true, true},
		{"heatwave opening needs a heatwave", night, paris("2026-07-07 03:00"), false, false},
		{"heatwave flag on a place without night opening", p, paris("2026-07-07 03:00"), true, false},
		{"summer night after an open day", summerNight, paris("2026-07-07 23:30"), false, true},
		{"summer night until morning", summerNight, paris("2026-07-08 04:00"), false, true},
		{"summer night not after a closed day", summerNight, paris("2026-07-06 23:30"), false, false},
		{"summer night out of season", summerNight, paris("2026-10-06 23:30"), false, false},
		{"open 24h", Place{Open24h: true}, paris("2026-12-25 04:00"), false, true},
		// 29 March 2026: clocks go from 02:00 to 03:00. 06:30 UTC is 08:30
		// summer time (open); the same UTC time a day earlier is 07:30 (closed).
		{"DST spring, after the change", p, time.Date(2026, 3, 31, 6, 30, 0, 0, time.UTC), false, true},
		{"DST spring, before the change", p, time.Date(2026, 3, 28, 6, 30, 0, 0, time.UTC), false, false},
		// 25 October 2026, a Sunday; the Saturday 24th has 08:00-21:30.
		// 19:45 UTC is 21:45 summer time on the 24th (closed) ...
		{"DST autumn eve", p, time.Date(2026, 10, 24, 19, 45, 0, 0, time.UTC), false, false},
		// ... and 20:15 UTC on the 26th (Monday, closed) vs 07:15 UTC on the
		// 27th, 08:15 winter time (open).
		{"DST autumn, after the change", p, time.Date(2026, 10, 27, 7, 15, 0, 0, time.UTC), false, true},
		{"DST autumn, an hour earlier", p, time.Date(2026, 10, 27, 6, 45, 0, 0, time.UTC), false, false},
	}
	for _, c := range cases {
		if got := c.p.OpenAt(c.at, c.heatwave); got != c.want {
			t.Errorf("%s: OpenAt(%v, %v) = %v, want %v", c.name, c.at.In(Paris), c.heatwave, got, c.want)
		}
	}
}

func TestArrondissementNumber(t *testing.T) {
	cases := map[string]int{
		"75011": 11, "75116": 16, "75001": 1, "Paris 11e": 11, "11e arrondissement": 11, "1er": 1,
		"Paris 1er Arrondissement": 1, "20": 20, "Paris 20ème": 20, "": 0, "94300": 0, "75021": 0,
		"Vincennes": 0, "21e": 0, "11 rue x": 0,
	}
	for in, want := range cases {
		if got := arrondissementNumber(in); got != want {
			t.Errorf("arrondissementNumber(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestKindOf(t *testing.T) {
	cases := map[string]Kind{
		"Piscines": Pool, "Brumisateurs": Fountain, "Fontaine à boire": Fountain, "Salle rafraîchie": CooledRoom,
		"Parc": Park, "Bois": Park, "Jardin": Garden, "Square": Garden, "Musées": CooledRoom, "Terrain de sport": Other,
	}
	for in, want := range cases {
		if got := kindOf(in); got != want {
			t.Errorf("kindOf(%q) = %s, want %s", in, got, want)
		}
	}
}
