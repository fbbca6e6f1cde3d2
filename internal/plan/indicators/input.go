package indicators

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// More refusal codes, for what the forms and the CSV add to Validate.
const (
	CodeNumber          = "plan.indicators.error.number"
	CodeSlug            = "plan.indicators.error.slug"
	CodeSlugTaken       = "plan.indicators.error.slug_taken"
	CodeTooLong         = "plan.indicators.error.too_long"
	CodeTheme           = "plan.indicators.error.theme"
	CodeDate            = "plan.indicators.error.date"
	CodeYearDate        = "plan.indicators.error.year_date_mismatch"
	CodeSourceRequired  = "plan.indicators.error.source_required"
	CodeBeforeBaseline  = "plan.indicators.error.value_before_baseline"
	CodeInFuture        = "plan.indicators.error.value_in_future"
	CodeValueExists     = "plan.indicators.error.value_exists"
	CodeUnknownSlug     = "plan.indicators.error.unknown_indicator"
	CodeDuplicateRow    = "plan.indicators.error.duplicate_row"
	CodeColumns         = "plan.indicators.error.columns"
	CodeHeader          = "plan.indicators.error.header"
	CodeUnknownColumn   = "plan.indicators.error.unknown_column"
	CodeDuplicateColumn = "plan.indicators.error.duplicate_column"
	CodeEmptyFile       = "plan.indicators.error.empty_file"
	CodeUnreadableFile  = "plan.indicators.error.unreadable_file"
	CodeFileTooLarge    = "plan.indicators.error.file_too_large"
	CodePreviewOutdated = "plan.indicators.error.preview_outdated"
	CodeEncoding        = "plan.indicators.error.encoding"
	CodeFileEncoding    = "plan.indicators.error.file_encoding"
	CodeTooLarge        = "plan.indicators.error.too_large"
	// CodeBaselineAfterValues: the baseline year may not move past a
	// stored value.
	CodeBaselineAfterValues = "plan.indicators.error.baseline_after_values"
)

// Lengths kept short enough for a page and a CSV cell.
const (
	maxName   = 200
	maxUnit   = 40
	maxSource = 500
	maxDesc   = 5000
	maxSlug   = 80
	// GoalRows is how many goal rows the form offers beyond those stored.
	GoalRows = 3
)

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Input is an indicator as typed in the staff form.
type Input struct {
	Slug, Name, Description, Unit, Direction string
	BaselineYear, BaselineValue              string
	ThemeID                                  string // "" for none
	Source                                   string
	Goals                                    []GoalInput // blank rows are ignored
	Version                                  int
}

// GoalInput is one goal row of the form.
type GoalInput struct{ Year, Value string }

// Checked is a valid Input, ready to store.
type Checked struct {
	Slug, Description, Source string
	ThemeID                   int64
	Indicator
}

// Check parses and validates an Input. Errors name the form's fields
// ("goal_2_year" is the form's third goal row, blank rows included).
func (in Input) Check() (Checked, []FieldError) {
	var errs []FieldError
	add := func(field, code string) { errs = append(errs, FieldError{field, code}) }
	c := Checked{Slug: strings.TrimSpace(in.Slug), Description: strings.TrimSpace(in.Description), Source: strings.TrimSpace(in.Source)}
	c.Name, c.Unit = strings.TrimSpace(in.Name), strings.TrimSpace(in.Unit)
	c.Direction = Direction(strings.TrimSpace(in.Direction))
	switch {
	case c.Slug == "":
		add("slug", CodeRequired)
	case len(c.Slug) > maxSlug || !slugRE.MatchString(c.Slug):
		add("slug", CodeSlug)
	}
	for _, f := range []struct {
		field, v string
		max      int
	}{{"name", c.Name, maxName}, {"unit", c.Unit, maxUnit}, {"source", c.Source, maxSource}, {"description", c.Description, maxDesc}} {
		switch {
		case !utf8.ValidString(f.v):
			// Bytes of another encoding (Windows-1252): PostgreSQL would
			// refuse them, and no page could show them right.
			add(f.field, CodeEncoding)
		case utf8.RuneCountInString(f.v) > f.max:
			add(f.field, CodeTooLong)
		}
	}
	if t := strings.TrimSpace(in.ThemeID); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id <= 0 {
			add("theme", CodeTheme)
		}
		c.ThemeID = id
	}
	yearOK, valueOK := true, true
	if c.BaselineYear, yearOK = parseYear(in.BaselineYear); !yearOK {
		add("baseline_year", CodeYear)
	}
	var code string
	if c.BaselineValue, code = ParseNumber(in.BaselineValue); code != "" {
		add("baseline_value", code)
		valueOK = false
	}
	var rows []int // form row of each goal kept
	for i, g := range in.Goals {
		if strings.TrimSpace(g.Year) == "" && strings.TrimSpace(g.Value) == "" {
			continue
		}
		y, ok := parseYear(g.Year)
		if !ok {
			add(GoalField(i, "year"), CodeYear)
		}
		v, code := ParseNumber(g.Value)
		if code != "" {
			add(GoalField(i, "value"), code)
		}
		if ok && code == "" {
			c.Goals = append(c.Goals, Goal{y, v})
			rows = append(rows, i)
		}
	}
	for _, e := range Validate(c.Indicator) {
		switch {
		case (e.Field == "baseline_year" && !yearOK) || (e.Field == "baseline_value" && !valueOK):
			continue // already said, more precisely
		case strings.HasPrefix(e.Field, "goals["):
			// Validate numbers the goals kept; the form numbers its rows.
			n, rest, _ := strings.Cut(strings.TrimPrefix(e.Field, "goals["), "]")
			i, _ := strconv.Atoi(n)
			if !yearOK && strings.HasSuffix(rest, "year") {
				continue // no baseline to compare with
			}
			e.Field = GoalField(rows[i], strings.TrimPrefix(rest, "."))
		}
		errs = append(errs, e)
	}
	return c, errs
}

// GoalField names a goal row's field in the form: "goal_0_year",
// "goal_0_value". No brackets: the error summary's links keep them plain.
func GoalField(row int, part string) string { return "goal_" + strconv.Itoa(row) + "_" + part }

// parseYear reads a plausible calendar year.
func parseYear(s string) (int, bool) {
	y, err := strconv.Atoi(strings.TrimSpace(s))
	return y, err == nil && y >= 1900 && y <= 2200
}

// ParseNumber reads a number typed the French or the English way ("22,7",
// "1 234.5"); code is CodeRequired, CodeNumber, CodeNotFinite or
// CodeTooLarge on refusal.
func ParseNumber(s string) (float64, string) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f', '\t':
			return -1
		case ',':
			return '.'
		}
		return r
	}, s)
	if s == "" {
		return 0, CodeRequired
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !strings.Contains(err.Error(), "out of range") {
		return 0, CodeNumber
	}
	if !finite(f) {
		return 0, CodeNotFinite
	}
	if math.Abs(f) > MaxMagnitude {
		return 0, CodeTooLarge
	}
	return f, ""
}

// MaxMagnitude bounds the numbers typed or imported: no indicator of a city
// needs more, and pages write numbers through an int64 integer part and
// charts scale to the largest value, which overflow far beyond it.
const MaxMagnitude = 1e12

// ValueInput is a measurement as typed in the value form or a CSV row.
type ValueInput struct{ Year, Date, Value, Source string }

// CheckValue parses a measurement of ind. A value is dated by a year or a
// full date (both may be given if they agree), lies between the baseline
// and today, and names its source.
func CheckValue(ind Indicator, in ValueInput, today time.Time) (Value, []FieldError) {
	var errs []FieldError
	add := func(field, code string) { errs = append(errs, FieldError{field, code}) }
	var v Value
	dated := strings.TrimSpace(in.Date) != ""
	if dated {
		d, err := time.Parse(dateLayout, strings.TrimSpace(in.Date))
		if err != nil {
			add("date", CodeDate)
		} else {
			v.Date, v.Year = d, d.Year()
		}
	}
	if y := strings.TrimSpace(in.Year); y != "" || !dated {
		year, ok := parseYear(y)
		switch {
		case !ok:
			add("year", CodeYear)
		case dated && !v.Date.IsZero() && year != v.Year:
			add("year", CodeYearDate)
		case !dated:
			v.Year = year
		}
	}
	if v.Year > 0 {
		switch {
		case v.Year < ind.BaselineYear:
			add(dateField(dated), CodeBeforeBaseline)
		case v.Year > today.Year() || (!v.Date.IsZero() && v.Date.After(today)):
			add(dateField(dated), CodeInFuture)
		}
	}
	var code string
	if v.Value, code = ParseNumber(in.Value); code != "" {
		add("value", code)
	}
	v.Source = strings.TrimSpace(in.Source)
	switch {
	case v.Source == "":
		add("source", CodeSourceRequired)
	case !utf8.ValidString(v.Source):
		add("source", CodeEncoding)
	case utf8.RuneCountInString(v.Source) > maxSource:
		add("source", CodeTooLong)
	}
	return v, errs
}

func dateField(dated bool) string {
	if dated {
		return "date"
	}
	return "year"
}
