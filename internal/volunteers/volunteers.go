// Package volunteers holds volunteer profiles (district, skills, interests,
// languages, availability, visibility), their consents, "my data" (export and
// deletion) and the coordinators' view of them.
package volunteers

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Themes are the climate themes volunteers say they care about.
var Themes = []string{"energy", "mobility", "food", "waste", "greening", "water", "solidarity", "awareness"}

// Languages volunteers may speak, in the order the form offers them.
var Languages = []string{"fr", "en", "es", "ar", "pt", "it", "de", "zh", "ru", "ro", "pl", "tr", "ta", "vi", "wo", "ber"}

// Days and slots of the weekly availability grid.
var (
	Days  = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	Slots = []string{"morning", "afternoon", "evening"}
)

// Visibility of a profile to other members.
const (
	VisibilityCommunity = "community" // display name visible to signed-in members
	VisibilityPrivate   = "private"   // seen by nobody but the volunteer
)

// Availability is a set of (day, slot) pairs as bits: day*3 + slot.
type Availability int64

// Has reports whether the volunteer is available on day at slot.
func (a Availability) Has(day, slot int) bool { return a&(1<<(day*len(Slots)+slot)) != 0 }

// With returns a with (day, slot) added.
func (a Availability) With(day, slot int) Availability { return a | 1<<(day*len(Slots)+slot) }

// Profile is what a volunteer tells about themself.
type Profile struct {
	UserID       int64
	DisplayName  string
	DistrictCode string
	Phone        string
	Visibility   string
	Availability Availability
	Skills       []string
	Interests    []string
	Languages    []string
	OnboardedAt  *time.Time
	UpdatedAt    time.Time
}

// FieldError names a field and a catalog key, for the form.
type FieldError struct{ Field, Key string }

// Validate checks a profile against the known lists; knownSkill and
// knownDistrict come from the database.
func (p *Profile) Validate(knownSkill, knownDistrict func(string) bool) []FieldError {
	var errs []FieldError
	p.DisplayName = strings.TrimSpace(p.DisplayName)
	if p.DisplayName == "" {
		errs = append(errs, FieldError{"display_name", "form.error.required"})
	} else if utf8.RuneCountInString(p.DisplayName) > 60 {
		errs = append(errs, FieldError{"display_name", "volunteers.error.name_too_long"})
	}
	if p.DistrictCode != "" && !knownDistrict(p.DistrictCode) {
		errs = append(errs, FieldError{"district", "form.error.choice"})
	}
	if p.Phone = normalisePhone(p.Phone); p.Phone == "invalid" {
		errs = append(errs, FieldError{"phone", "volunteers.error.phone"})
	}
	if p.Visibility != VisibilityCommunity && p.Visibility != VisibilityPrivate {
		errs = append(errs, FieldError{"visibility", "form.error.choice"})
	}
	for _, s := range p.Skills {
		if !knownSkill(s) {
			errs = append(errs, FieldError{"skills", "form.error.choice"})
			break
		}
	}
	if !allIn(p.Interests, Themes) {
		errs = append(errs, FieldError{"interests", "form.error.choice"})
	}
	if !allIn(p.Languages, Languages) {
		errs = append(errs, FieldError{"languages", "form.error.choice"})
	}
	if p.Availability < 0 || p.Availability >= 1<<(len(Days)*len(Slots)) {
		errs = append(errs, FieldError{"availability", "form.error.choice"})
	}
	return errs
}

func allIn(values, allowed []string) bool {
	for _, v := range values {
		if !slices.Contains(allowed, v) {
			return false
		}
	}
	return true
}

// normalisePhone keeps digits and a leading +, turns French national numbers
// (0X XX XX XX XX) into +33 form for SMS gateways, and says "invalid" for
// anything that cannot be a phone number. Empty stays empty: the number is
// optional.
func normalisePhone(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "invalid"
		}
	}
	n := b.String()
	if strings.HasPrefix(n, "0") && len(n) == 10 {
		n = "+33" + n[1:]
	}
	digits := strings.TrimPrefix(n, "+")
	if !strings.HasPrefix(n, "+") || len(digits) < 8 || len(digits) > 15 {
		return "invalid"
	}
	return n
}
