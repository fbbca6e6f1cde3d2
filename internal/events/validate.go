package events

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Input is what an organiser writes in the event form. Times are
// "2006-01-02T15:04" in the city's time zone (datetime-local fields).
type Input struct {
	Title, Summary, Description string
	Theme                       string
	OwnerKind                   string
	InitiativeID                string
	Partner                     string
	DistrictCode                string
	Address                     string
	OnlineURL                   string
	Lat, Lon                    string
	StartsAt, EndsAt            string
	Capacity                    string
	OpensAt, ClosesAt           string // registration window, both optional
	Accessibility               string
	Version                     int
	ownerFixed                  bool // an edit: the owner was decided at creation
}

// LocalLayout is the layout of datetime-local fields.
const LocalLayout = "2006-01-02T15:04"

// MaxCapacity bounds a capacity: larger numbers are typing mistakes.
const MaxCapacity = 100000

// valid is an Input that passed validation, in stored form.
type valid struct {
	Input
	initiative    int64
	point         *Point
	starts, ends  time.Time
	capacity      int
	opens, closes *time.Time
}

// ParseLocal reads a datetime-local value in the city's time zone.
func ParseLocal(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(LocalLayout, strings.TrimSpace(s), Paris)
	return t.UTC(), err == nil
}

// FormatLocal writes t for a datetime-local field.
func FormatLocal(t time.Time) string { return t.In(Paris).Format(LocalLayout) }

// validate checks in. knownDistrict says whether a district code exists.
// Rights (which initiative, the City) are checked by the service.
func (in Input) validate(knownDistrict func(string) bool) (valid, []FieldError) {
	for _, p := range []*string{&in.Title, &in.Summary, &in.Theme, &in.OwnerKind, &in.InitiativeID, &in.Partner,
		&in.DistrictCode, &in.Address, &in.OnlineURL, &in.Lat, &in.Lon, &in.Capacity, &in.Accessibility} {
		*p = strings.TrimSpace(*p)
	}
	in.Description = strings.TrimSpace(strings.ReplaceAll(in.Description, "\r\n", "\n"))
	v := valid{Input: in}
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
		switch n := utf8.RuneCountInString(s); {
		case min > 0 && n == 0:
			add(field, "form.error.required")
		case n < min:
			add(field, "events.error.too_short")
		case n > max:
			add(field, "events.error.too_long")
		}
	}
	length("title", in.Title, 3, 120)
	length("summary", in.Summary, 0, 300)
	length("description", in.Description, 0, 10000)
	length("address", in.Address, 0, 200)
	length("partner", in.Partner, 0, 120)
	length("accessibility", in.Accessibility, 0, 1000)
	if in.Theme == "" {
		add("theme", "form.error.required")
	} else if !slices.Contains(Themes, in.Theme) {
		add("theme", "form.error.choice")
	}
	switch {
	case in.ownerFixed:
	case in.OwnerKind == OwnerInitiative:
		id, err := strconv.ParseInt(in.InitiativeID, 10, 64)
		if err != nil || id <= 0 {
			add("initiative", "events.error.initiative")
		}
		v.initiative = id
	case in.OwnerKind == OwnerPartner:
		if in.Partner == "" {
			add("partner", "form.error.required")
		}
	case in.OwnerKind == OwnerCity:
	case in.OwnerKind == "":
		add("owner", "form.error.required")
	default:
		add("owner", "form.error.choice")
	}
	if in.OnlineURL != "" {
		u, err := url.Parse(in.OnlineURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(in.OnlineURL) > 500 {
			add("online_url", "events.error.link")
		}
	}
	switch {
	case in.DistrictCode == "" && in.OnlineURL == "":
		add("district", "events.error.place")
	case in.DistrictCode != "" && !knownDistrict(in.DistrictCode):
		add("district", "form.error.choice")
	}
	if in.Lat != "" || in.Lon != "" {
		lat, err1 := strconv.ParseFloat(strings.Replace(in.Lat, ",", ".", 1), 64)
		lon, err2 := strconv.ParseFloat(strings.Replace(in.Lon, ",", ".", 1), 64)
		if err1 != nil || err2 != nil || math.IsNaN(lat+lon) || math.IsInf(lat+lon, 0) || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			add("lat", "events.error.point")
		} else {
			v.point = &Point{lat, lon}
		}
	}
	var okStart, okEnd bool
	if v.starts, okStart = ParseLocal(in.StartsAt); !okStart {
		add("starts_at", "events.error.datetime")
	}
	if v.ends, okEnd = ParseLocal(in.EndsAt); !okEnd {
		add("ends_at", "events.error.datetime")
	}
	if okStart && okEnd && !v.ends.After(v.starts) {
		add("ends_at", "events.error.end_before_start")
	}
	if okStart && okEnd && v.ends.Sub(v.starts) > 31*24*time.Hour {
		add("ends_at", "events.error.too_long_event")
	}
	if in.Capacity == "" {
		v.capacity = 0
	} else if c, err := strconv.Atoi(in.Capacity); err != nil || c < 0 || c > MaxCapacity {
		add("capacity", "events.error.capacity")
	} else {
		v.capacity = c
	}
	for _, w := range []struct {
		field, value string
		dst          **time.Time
	}{{"opens_at", in.OpensAt, &v.opens}, {"closes_at", in.ClosesAt, &v.closes}} {
		if strings.TrimSpace(w.value) == "" {
			continue
		}
		t, ok := ParseLocal(w.value)
		if !ok {
			add(w.field, "events.error.datetime")
			continue
		}
		*w.dst = &t
	}
	if v.opens != nil && v.closes != nil && !v.closes.After(*v.opens) {
		add("closes_at", "events.error.closes_before_opens")
	}
	if v.closes != nil && okEnd && v.closes.After(v.ends) {
		add("closes_at", "events.error.closes_after_end")
	}
	if v.opens != nil && okEnd && !v.opens.Before(v.ends) {
		add("opens_at", "events.error.opens_after_end")
	}
	return v, errs
}

// SessionInput is one workshop as the form gives it.
type SessionInput struct {
	Title, Description string
	StartsAt, EndsAt   string
	Capacity           string
}

type validSession struct {
	SessionInput
	starts, ends time.Time
	capacity     int
}

// validateSession checks a workshop against its event's times.
func (si SessionInput) validate(e Event) (validSession, []FieldError) {
	si.Title = strings.TrimSpace(si.Title)
	si.Description = strings.TrimSpace(si.Description)
	v := validSession{SessionInput: si}
	var errs []FieldError
	switch n := utf8.RuneCountInString(si.Title); {
	case n == 0:
		errs = append(errs, FieldError{"session_title", "form.error.required"})
	case n > 120:
		errs = append(errs, FieldError{"session_title", "events.error.too_long"})
	}
	if utf8.RuneCountInString(si.Description) > 2000 {
		errs = append(errs, FieldError{"session_description", "events.error.too_long"})
	}
	var ok1, ok2 bool
	if v.starts, ok1 = ParseLocal(si.StartsAt); !ok1 {
		errs = append(errs, FieldError{"session_starts_at", "events.error.datetime"})
	}
	if v.ends, ok2 = ParseLocal(si.EndsAt); !ok2 {
		errs = append(errs, FieldError{"session_ends_at", "events.error.datetime"})
	}
	if ok1 && ok2 {
		switch {
		case !v.ends.After(v.starts):
			errs = append(errs, FieldError{"session_ends_at", "events.error.end_before_start"})
		case v.starts.Before(e.StartsAt) || v.ends.After(e.EndsAt):
			errs = append(errs, FieldError{"session_starts_at", "events.error.session_outside"})
		}
	}
	if si.Capacity != "" {
		c, err := strconv.Atoi(strings.TrimSpace(si.Capacity))
		if err != nil || c < 0 || c > MaxCapacity {
			errs = append(errs, FieldError{"session_capacity", "events.error.capacity"})
		}
		v.capacity = c
	}
	return v, errs
}
