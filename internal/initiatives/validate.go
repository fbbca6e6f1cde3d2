package initiatives

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Input is what an author writes: the form, or an API client.
type Input struct {
	Title, Summary, Description string
	Theme, DistrictCode         string
	Address                     string
	Lat, Lon                    string // both empty, or a position
	StartsOn, EndsOn            string
	Ongoing                     bool
	Contact                     string
	Links                       string // one per line
	Partner                     string
	Version                     int // the version the edit started from
}

// Limits of each field, in characters.
const (
	maxTitle       = 120
	minTitle       = 3
	maxSummary     = 300
	maxDescription = 10000
	maxAddress     = 200
	maxContact     = 200
	maxPartner     = 120
	maxLinks       = 5
	maxLink        = 500
)

// normalise trims every text field and unifies line ends.
func (in *Input) normalise() {
	for _, p := range []*string{&in.Title, &in.Summary, &in.Theme, &in.DistrictCode, &in.Address,
		&in.Lat, &in.Lon, &in.StartsOn, &in.EndsOn, &in.Contact, &in.Partner} {
		*p = strings.TrimSpace(*p)
	}
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	in.Links = strings.TrimSpace(strings.ReplaceAll(in.Links, "\r\n", "\n"))
}

// validated is an Input that passed validation, in stored form.
type validated struct {
	Input
	point *Point
	links []string
}

// validate checks in; knownDistrict says whether a district code exists.
// Each field gets at most one error, a catalog key.
func (in Input) validate(knownDistrict func(string) bool) (validated, []FieldError) {
	in.normalise()
	v := validated{Input: in}
	var errs []FieldError
	add := func(field, key string) {
		for _, e := range errs {
			if e.Field == field {
				return
			}
		}
		errs = append(errs, FieldError{field, key})
	}
	length := func(field, s string, min, max int) {
		n := utf8.RuneCountInString(s)
		switch {
		case min > 0 && n == 0:
			add(field, "form.error.required")
		case n < min:
			add(field, "initiatives.error.too_short")
		case n > max:
			add(field, "initiatives.error.too_long")
		}
	}
	length("title", in.Title, minTitle, maxTitle)
	length("summary", in.Summary, 10, maxSummary)
	length("description", in.Description, 0, maxDescription)
	length("address", in.Address, 0, maxAddress)
	length("contact", in.Contact, 0, maxContact)
	length("partner", in.Partner, 0, maxPartner)
	if in.Theme == "" {
		add("theme", "form.error.required")
	} else if !slices.Contains(Themes, in.Theme) {
		add("theme", "form.error.choice")
	}
	if in.DistrictCode == "" {
		add("district", "form.error.required")
	} else if !knownDistrict(in.DistrictCode) {
		add("district", "form.error.choice")
	}
	if in.Lat != "" || in.Lon != "" {
		lat, err1 := parseCoordinate(in.Lat)
		lon, err2 := parseCoordinate(in.Lon)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			add("lat", "initiatives.error.point")
		} else {
			v.point = &Point{Lat: lat, Lon: lon}
		}
	}
	start, okStart := parseDate(in.StartsOn)
	end, okEnd := parseDate(in.EndsOn)
	if !okStart {
		add("starts_on", "initiatives.error.date")
	}
	if !okEnd {
		add("ends_on", "initiatives.error.date")
	}
	if !in.Ongoing && in.StartsOn == "" && okStart {
		add("starts_on", "initiatives.error.dates_or_ongoing")
	}
	if okStart && okEnd && !start.IsZero() && !end.IsZero() && end.Before(start) {
		add("ends_on", "initiatives.error.end_before_start")
	}
	for _, line := range strings.Split(in.Links, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !webLink(line) || utf8.RuneCountInString(line) > maxLink {
			add("links", "initiatives.error.link")
			continue
		}
		v.links = append(v.links, line)
	}
	if len(v.links) > maxLinks {
		add("links", "initiatives.error.too_many_links")
	}
	return v, errs
}

// parseCoordinate reads a decimal degree, with a point or a French comma.
// NaN and infinities pass every range comparison, so they are refused here.
func parseCoordinate(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return 0, strconv.ErrSyntax
	}
	return f, err
}

// parseDate reads "" (no date) or YYYY-MM-DD.
func parseDate(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// webLink accepts absolute http and https addresses only: no javascript:,
// data: or relative links.
func webLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && !strings.ContainsAny(s, " \t<>\"")
}
