// Package alerts keeps the alert levels coordinators set for the city or a
// district: the heat plan's four levels and the flood vigilance colours. It
// keeps their history and tells every page whether an alert banner is due.
package alerts

import (
	"errors"
	"strconv"
	"time"
)

// Hazard is what an alert is about.
type Hazard string

const (
	Heat  Hazard = "heat"
	Flood Hazard = "flood"
)

// Hazards lists the hazards in display order.
var Hazards = []Hazard{Heat, Flood}

// Valid reports whether h is a known hazard.
func (h Hazard) Valid() bool { return h == Heat || h == Flood }

// Level is a hazard's level, 1 (green) to 4 (red), for both hazards.
type Level int

const (
	MinLevel Level = 1
	MaxLevel Level = 4
	// BannerLevel and above put a banner on every page: heat "Alerte
	// canicule", flood orange vigilance.
	BannerLevel Level = 3
)

// Valid reports whether l is within 1 to 4.
func (l Level) Valid() bool { return l >= MinLevel && l <= MaxLevel }

// Colour is the level's vigilance colour: green, yellow, orange or red.
func (l Level) Colour() string {
	if !l.Valid() {
		return ""
	}
	return colours[l-1]
}

var colours = [4]string{"green", "yellow", "orange", "red"}

// Level names. Source: ../shared/FACTS.md, "Extreme events" (French heatwave
// plan levels; Vigicrues flood vigilance in four colours, green to red).
var names = map[Hazard][4]string{
	Heat:  {"Veille saisonnière", "Avertissement chaleur", "Alerte canicule", "Mobilisation maximale"},
	Flood: {"Vigilance verte", "Vigilance jaune", "Vigilance orange", "Vigilance rouge"},
}

// Name is the level's official French name, or "" for an unknown pair.
func Name(h Hazard, l Level) string {
	n, ok := names[h]
	if !ok || !l.Valid() {
		return ""
	}
	return n[l-1]
}

// LabelKey is the translation key pages may use for a level's name,
// "alerts.level.<hazard>.<n>".
func LabelKey(h Hazard, l Level) string {
	if !h.Valid() || !l.Valid() {
		return ""
	}
	return "alerts.level." + string(h) + "." + strconv.Itoa(int(l))
}

// CityScope is the scope of a level set for the whole city.
const CityScope = "city"

// Record is one row of the history: a level set for a scope, current while
// EndsAt is nil.
type Record struct {
	ID           int64
	Hazard       Hazard
	DistrictCode string // "" for the city
	Level        Level
	Advice       string
	SetBy        int64 // 0 when the account was deleted
	SetAt        time.Time
	EndsAt       *time.Time
}

// Scope is "city" or the district code.
func (r Record) Scope() string {
	if r.DistrictCode == "" {
		return CityScope
	}
	return r.DistrictCode
}

// Effective is the level that applies to a place for one hazard.
type Effective struct {
	Hazard Hazard
	Level  Level
	Advice string
	// From is where the level was set: "" for the city (also when nothing
	// was ever set, Level 1), or the district's code.
	From  string
	SetAt time.Time // zero when nothing was ever set
}

// Banner is due when Effective.Level is BannerLevel or more.
func (e Effective) Banner() bool { return e.Level >= BannerLevel }

// Situation is every effective level: the city's, and each district's.
type Situation struct {
	City      []Effective            // one per hazard, in Hazards order
	Districts map[string][]Effective // by district code, one per hazard
}

// Banner tells a page which alerts to show: the hazards at BannerLevel or
// more, most severe first.
type Banner struct {
	Alerts []Effective
}

// Due reports whether the page shows a banner.
func (b Banner) Due() bool { return len(b.Alerts) > 0 }

// MaxAdvice bounds the advice, in characters.
const MaxAdvice = 1000

// Errors.
var (
	ErrForbidden = errors.New("alerts: only coordinators and administrators set alert levels")
	ErrInvalid   = errors.New("alerts: invalid input")
)

// FieldError says which input is wrong, with a translation key. It matches
// ErrInvalid under errors.Is.
type FieldError struct{ Field, Key string }

func (e *FieldError) Error() string        { return "alerts: invalid " + e.Field + " (" + e.Key + ")" }
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }
