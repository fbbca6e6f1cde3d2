package registry

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"climatevolunteers/internal/volunteers"
)

// Input is a submitted registration form, as typed.
type Input struct {
	Name, Phone, Address string
	District             string
	Lat, Lon             string // optional point; both or neither
	Languages            []string
	LivesAlone           string // "yes" or "no"
	Mobility, CareNeeds  string
	CallTimes            string
	EmergencyName        string
	EmergencyPhone       string
	Relation             string // Relations, on the public form only
	Consent              bool   // the consent box was ticked
	Version              int    // the entry's version the edit started from
}

// Field lengths, in characters.
const (
	MaxName      = 100
	MaxAddress   = 200
	MaxNeeds     = 500
	MaxCallTimes = 200
	maxPhoneText = 30
)

// valid is an accepted input, normalised.
type valid struct {
	card      Card
	district  string
	languages []string
	point     *point // nil: use the district's centroid
	relation  string
	consent   bool
	version   int
}

// place is what validation knows of the city: its districts' centroids and
// the box a point must fall in.
type place struct {
	centroids map[string]point
	box       box
}

type box struct{ minLat, maxLat, minLon, maxLon float64 }

func (b box) contains(lat, lon float64) bool {
	return lat >= b.minLat && lat <= b.maxLat && lon >= b.minLon && lon <= b.maxLon
}

// validate checks every field and gives all the errors at once. relations
// are the relations this form accepts (none: the field is not asked).
func (in Input) validate(p place, relations []string) (valid, []FieldError) {
	var errs []FieldError
	add := func(field, key string, args ...any) { errs = append(errs, FieldError{field, key, args}) }
	text := func(field, v string, max int, required, multiline bool) string {
		v = cleanText(v, multiline)
		switch {
		case v == "" && required:
			add(field, "form.error.required")
		case utf8.RuneCountInString(v) > max:
			add(field, "form.error.too_long", max)
		}
		return v
	}
	var v valid
	v.card.Name = text("name", in.Name, MaxName, true, false)
	if strings.TrimSpace(in.Phone) == "" {
		add("phone", "form.error.required")
	} else if n, ok := NormalisePhone(in.Phone); ok {
		v.card.Phone = n
	} else {
		add("phone", "registry.error.phone")
	}
	v.card.Address = text("address", in.Address, MaxAddress, true, false)

	v.district = strings.TrimSpace(in.District)
	if v.district == "" {
		add("district", "registry.error.district")
	} else if _, ok := p.centroids[v.district]; !ok {
		add("district", "registry.error.district_unknown")
	}
	lat, lon := strings.TrimSpace(in.Lat), strings.TrimSpace(in.Lon)
	if lat != "" || lon != "" {
		la, err1 := strconv.ParseFloat(strings.Replace(lat, ",", ".", 1), 64)
		lo, err2 := strconv.ParseFloat(strings.Replace(lon, ",", ".", 1), 64)
		switch {
		case err1 != nil || err2 != nil || math.IsNaN(la+lo) || math.IsInf(la+lo, 0):
			add("lat", "registry.error.point")
		case !p.box.contains(la, lo):
			add("lat", "registry.error.point_outside")
		default:
			v.point = &point{Lat: la, Lon: lo, Exact: true}
		}
	}

	unknown := false
	for _, l := range in.Languages {
		l = strings.TrimSpace(l)
		switch {
		case !slices.Contains(volunteers.Languages, l):
			unknown = true
		case !slices.Contains(v.languages, l):
			v.languages = append(v.languages, l)
		}
	}
	if unknown {
		add("languages", "registry.error.language_unknown")
	} else if len(v.languages) == 0 {
		add("languages", "registry.error.languages")
	}
	// Matching reads the languages in the catalogue's order.
	slices.SortFunc(v.languages, func(a, b string) int {
		return slices.Index(volunteers.Languages, a) - slices.Index(volunteers.Languages, b)
	})

	switch in.LivesAlone {
	case "yes":
		v.card.LivesAlone = true
	case "no":
	default:
		add("lives_alone", "registry.error.lives_alone")
	}
	v.card.Mobility = text("mobility", in.Mobility, MaxNeeds, false, true)
	v.card.CareNeeds = text("care_needs", in.CareNeeds, MaxNeeds, false, true)
	v.card.CallTimes = text("call_times", in.CallTimes, MaxCallTimes, false, true)
	v.card.EmergencyName = text("emergency_name", in.EmergencyName, MaxName, false, false)
	if ep := strings.TrimSpace(in.EmergencyPhone); ep != "" {
		if n, ok := NormalisePhone(ep); ok {
			v.card.EmergencyPhone = n
		} else {
			add("emergency_phone", "registry.error.phone")
		}
	}
	if v.card.EmergencyName != "" && strings.TrimSpace(in.EmergencyPhone) == "" {
		add("emergency_phone", "registry.error.emergency_phone")
	}
	if v.card.EmergencyName == "" && strings.TrimSpace(in.EmergencyPhone) != "" {
		add("emergency_name", "registry.error.emergency_name")
	}

	if len(relations) > 0 {
		if !slices.Contains(relations, in.Relation) {
			add("relation", "registry.error.relation")
		}
		v.relation = in.Relation
	}
	v.consent = in.Consent
	v.version = in.Version
	return v, errs
}

// cleanText trims, replaces invalid UTF-8, and drops control characters
// (keeping line breaks in multi-line fields, as "\n").
func cleanText(s string, multiline bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.Map(func(r rune) rune {
		if r == '\n' && multiline {
			return r
		}
		if unicode.IsControl(r) {
			if r == '\n' || r == '\t' || r == '\r' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// NormalisePhone turns a phone number as typed into the international form
// (+33… for French numbers), reporting false for anything that cannot be a
// phone number. Spaces, dots, dashes and brackets are ignored; French
// national numbers are ten digits starting with 0 (not 00); "0033" and "+33"
// forms are accepted, even with the national 0 kept after the country code;
// other countries need the + (or 00) form, 9 to 15 digits in all.
func NormalisePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxPhoneText {
		return "", false
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0' || r == '\u202f':
		default:
			return "", false
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "00") {
		n = "+" + n[2:]
	}
	if !strings.HasPrefix(n, "+") {
		if len(n) != 10 || n[0] != '0' || n[1] == '0' {
			return "", false
		}
		return "+33" + n[1:], true
	}
	digits := n[1:]
	if strings.HasPrefix(digits, "33") {
		national := digits[2:]
		if len(national) == 10 && national[0] == '0' {
			national = national[1:]
		}
		if len(national) != 9 || national[0] == '0' {
			return "", false
		}
		return "+33" + national, true
	}
	if len(digits) < 9 || len(digits) > 15 || digits[0] == '0' {
		return "", false
	}
	return n, true
}

// NationalPhone shows a French number as people write it (01 23 45 67 89);
// other numbers stay in the international form.
func NationalPhone(n string) string {
	rest, ok := strings.CutPrefix(n, "+33")
	if !ok || len(rest) != 9 {
		return n
	}
	d := "0" + rest
	return d[0:2] + " " + d[2:4] + " " + d[4:6] + " " + d[6:8] + " " + d[8:10]
}

// identityKey is what duplicates are recognised by: the phone and the name
// without case or extra spaces.
func identityKey(c Card) []byte {
	return []byte(c.Phone + "\x00" + strings.Join(strings.Fields(strings.ToLower(c.Name)), " "))
}
