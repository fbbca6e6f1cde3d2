package indicators

import (
	"strconv"
	"time"
)

// Entry is an indicator as stored: its definition plus what the pages and
// the exports need (identity, theme, version for optimistic edits).
type Entry struct {
	ID          int64
	Slug        string
	Description string
	ThemeID     int64 // 0 when none
	ThemeSlug   string
	ThemeName   string
	Source      string
	Version     int
	UpdatedAt   time.Time
	Indicator
	Values []StoredValue // by year, then date
}

// StoredValue is a measurement with its row id.
type StoredValue struct {
	ID int64
	Value
}

// Key names a value in the history and the CSV: its date when it has one,
// else its year ("value:2018", "value:2024-03-31").
func (v Value) Key() string {
	if !v.Date.IsZero() {
		return v.Date.Format(dateLayout)
	}
	return strconv.Itoa(v.Year)
}

// DateText is the value's date as YYYY-MM-DD, or "".
func (v Value) DateText() string {
	if v.Date.IsZero() {
		return ""
	}
	return v.Date.Format(dateLayout)
}

// YearOf is the value's year (from its date when it has one).
func (v Value) YearOf() int { return v.year() }

const dateLayout = "2006-01-02"

// PlainValues returns the measurements without their ids, for the pure
// functions (Chart, TableRows, StatusOf).
func (e Entry) PlainValues() []Value {
	out := make([]Value, len(e.Values))
	for i, v := range e.Values {
		out[i] = v.Value
	}
	return out
}

// Latest is the most recent value, if any.
func (e Entry) Latest() (Value, bool) { return Latest(e.PlainValues()) }

// Status is the latest value against the trajectory, with DefaultTolerance.
func (e Entry) Status() Status { return StatusOf(e.Indicator, e.PlainValues(), DefaultTolerance) }

// NextGoal is the first goal after the latest value's year (or after the
// baseline when there is no value), else the last goal; false without goals.
func (e Entry) NextGoal() (Goal, bool) {
	goals := NewTrajectory(e.Indicator).Points()[1:]
	if len(goals) == 0 {
		return Goal{}, false
	}
	from := e.BaselineYear
	if l, ok := e.Latest(); ok {
		from = l.year()
	}
	for _, p := range goals {
		if p.Year > from {
			return Goal{p.Year, p.Value}, true
		}
	}
	last := goals[len(goals)-1]
	return Goal{last.Year, last.Value}, true
}

// ValueAt finds a stored value by its key.
func (e Entry) ValueAt(key string) (StoredValue, bool) {
	for _, v := range e.Values {
		if v.Key() == key {
			return v, true
		}
	}
	return StoredValue{}, false
}

// FormatNumber writes a number as the history and the CSV keep it: '.'
// decimals, no exponent, no trailing zeros.
func FormatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
