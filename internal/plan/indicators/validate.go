package indicators

import (
	"math"
	"strconv"
	"strings"
)

// FieldError is a refusal tied to a form or CSV field. Code is a catalog key
// so that the web layer translates it; this package never writes prose.
type FieldError struct {
	Field string // "name", "unit", "goals[1].year"…
	Code  string // "plan.indicators.error.…"
}

func (e FieldError) Error() string { return e.Field + ": " + e.Code }

// Codes returned by the validators, one per reason a person can fix.
const (
	CodeRequired          = "plan.indicators.error.required"
	CodeDirection         = "plan.indicators.error.direction"
	CodeNotFinite         = "plan.indicators.error.not_finite"
	CodeGoalNotAfterBase  = "plan.indicators.error.goal_year_not_after_baseline"
	CodeGoalYearDuplicate = "plan.indicators.error.goal_year_duplicate"
	CodeUnitLocked        = "plan.indicators.error.unit_locked"
	CodeYear              = "plan.indicators.error.year"
)

// finite rejects NaN and ±Inf, which a CSV or a strconv.ParseFloat can yield
// ("NaN", "inf") and which would poison every sum and chart scale.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// Validate returns every problem of an indicator at once, so a form can show
// them all in its error summary; nil means valid.
func Validate(ind Indicator) []FieldError {
	var errs []FieldError
	add := func(field, code string) { errs = append(errs, FieldError{field, code}) }
	if strings.TrimSpace(ind.Name) == "" {
		add("name", CodeRequired)
	}
	if strings.TrimSpace(ind.Unit) == "" {
		add("unit", CodeRequired)
	}
	if ind.Direction != LowerIsBetter && ind.Direction != HigherIsBetter {
		add("direction", CodeDirection)
	}
	if ind.BaselineYear <= 0 {
		add("baseline_year", CodeYear)
	}
	if !finite(ind.BaselineValue) {
		add("baseline_value", CodeNotFinite)
	}
	seen := map[int]bool{}
	for i, g := range ind.Goals {
		prefix := "goals[" + strconv.Itoa(i) + "]."
		switch {
		case g.Year <= ind.BaselineYear:
			// A goal at or before the baseline gives a trajectory that goes
			// back in time; the issue asks for it to be refused.
			add(prefix+"year", CodeGoalNotAfterBase)
		case seen[g.Year]:
			add(prefix+"year", CodeGoalYearDuplicate)
		}
		seen[g.Year] = true
		if !finite(g.Value) {
			add(prefix+"value", CodeNotFinite)
		}
	}
	return errs
}

// ValidateValue checks one measurement before it is stored or imported.
func ValidateValue(v Value) []FieldError {
	var errs []FieldError
	if v.year() <= 0 {
		errs = append(errs, FieldError{"year", CodeYear})
	}
	if !finite(v.Value) {
		errs = append(errs, FieldError{"value", CodeNotFinite})
	}
	return errs
}

// ValidateChange validates an edit. Beyond Validate, it refuses a unit change
// once values exist: the stored numbers would silently change meaning
// (MtCO2e read as ktCO2e). valueCount is the number of stored values.
func ValidateChange(old, updated Indicator, valueCount int) []FieldError {
	errs := Validate(updated)
	if valueCount > 0 && strings.TrimSpace(old.Unit) != strings.TrimSpace(updated.Unit) {
		errs = append(errs, FieldError{"unit", CodeUnitLocked})
	}
	return errs
}
