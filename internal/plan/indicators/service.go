package indicators

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

var (
	// ErrNotFound: no such indicator or value.
	ErrNotFound = errors.New("indicators: not found")
	// ErrConflict: someone changed the indicator since the form was opened.
	ErrConflict = errors.New("indicators: changed since read")
	// errTaken: a unique constraint refused a write another request made
	// first; the transaction is rolled back and the person told why.
	errTaken = errors.New("indicators: taken meanwhile")
)

// Service is the indicators' logic over the database. Who may call the
// writing methods is decided by the routes (staff only, http.go).
type Service struct {
	db *db.DB
	// Now gives the current time; tests set it to fix "today".
	Now func() time.Time
}

// NewService builds the service.
func NewService(d *db.DB) *Service { return &Service{db: d, Now: db.Now} }

// Actor is the staff member making a change, as the history names them.
type Actor struct {
	UserID int64
	Name   string
}

// All returns every indicator with its goals and values, in three queries
// whatever their number (the dashboard and the exports use it).
func (s *Service) All(ctx context.Context) ([]Entry, error) { return loadEntries(ctx, s.db, 0) }

// Get returns one indicator; ErrNotFound when there is none.
func (s *Service) Get(ctx context.Context, id int64) (Entry, error) { return loadEntry(ctx, s.db, id) }

// Themes lists the plan's themes for the form.
func (s *Service) Themes(ctx context.Context) ([]Theme, error) { return listThemes(ctx, s.db) }

// LinkedActions lists the actions linked to an indicator.
func (s *Service) LinkedActions(ctx context.Context, id int64) ([]LinkedAction, error) {
	return linkedActions(ctx, s.db, id)
}

// checkInTx adds the checks that need the database: a free slug, a theme
// that exists. It returns the theme's name for the history.
func checkInTx(ctx context.Context, tx *db.Tx, c Checked, id int64) (string, []FieldError, error) {
	var errs []FieldError
	taken, err := slugTaken(ctx, tx, c.Slug, id)
	if err != nil {
		return "", nil, err
	}
	if taken {
		errs = append(errs, FieldError{"slug", CodeSlugTaken})
	}
	theme, ok, err := themeName(ctx, tx, c.ThemeID)
	if err != nil {
		return "", nil, err
	}
	if !ok {
		errs = append(errs, FieldError{"theme", CodeTheme})
	}
	return theme, errs, nil
}

// Create stores a new indicator and its goals.
func (s *Service) Create(ctx context.Context, a Actor, in Input) (int64, []FieldError, error) {
	c, errs := in.Check()
	if len(errs) > 0 {
		return 0, errs, nil
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		theme, refused, err := checkInTx(ctx, tx, c, 0)
		if err != nil || len(refused) > 0 {
			errs = refused
			return err
		}
		now := s.Now()
		if id, err = insertIndicator(ctx, tx, c, a.UserID, now); err != nil {
			return takenOr(err)
		}
		changes := append([]history.Change{{Field: "created", New: c.Name}}, diffFields(Checked{}, "", c, theme)...)
		return s.record(ctx, tx, a, id, c.Name, history.OriginCreate, now, changes, audit.ActionPlanIndicatorSaved, "created")
	})
	if errors.Is(err, errTaken) {
		return 0, []FieldError{{"slug", CodeSlugTaken}}, nil
	}
	return id, errs, err
}

// Update saves an edit made from in.Version: ErrConflict when someone saved
// since; a unit change is refused once the indicator has values.
func (s *Service) Update(ctx context.Context, a Actor, id int64, in Input) ([]FieldError, error) {
	c, errs := in.Check()
	if len(errs) > 0 {
		return errs, nil
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		old, err := loadEntry(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return ErrConflict
		}
		errs = ValidateChange(old.Indicator, c.Indicator, len(old.Values))
		if first, ok := earliestYear(old.Values); ok && c.BaselineYear > first {
			// Values before the baseline are refused when typed; moving the
			// baseline past stored ones would leave them out of the rule.
			errs = append(errs, FieldError{"baseline_year", CodeBaselineAfterValues})
		}
		if len(errs) > 0 {
			return nil
		}
		theme, refused, err := checkInTx(ctx, tx, c, id)
		if err != nil || len(refused) > 0 {
			errs = refused
			return err
		}
		now := s.Now()
		if ok, err := updateIndicator(ctx, tx, id, in.Version, c, a.UserID, now); err != nil || !ok {
			return orConflict(takenOr(err))
		}
		oldC := Checked{Slug: old.Slug, Description: old.Description, Source: old.Source, ThemeID: old.ThemeID, Indicator: old.Indicator}
		return s.record(ctx, tx, a, id, c.Name, history.OriginEdit, now, diffFields(oldC, old.ThemeName, c, theme),
			audit.ActionPlanIndicatorSaved, "updated")
	})
	if errors.Is(err, errTaken) {
		return []FieldError{{"slug", CodeSlugTaken}}, nil
	}
	return errs, err
}

// AddValue records a new measurement. A second value for the same year (or
// date) is refused: correcting goes through CorrectValue, so the history
// says "old → new".
func (s *Service) AddValue(ctx context.Context, a Actor, id int64, in ValueInput) ([]FieldError, error) {
	var errs []FieldError
	var field string
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		e, err := loadEntry(ctx, tx, id)
		if err != nil {
			return err
		}
		now := s.Now()
		v, refused := CheckValue(e.Indicator, in, now)
		if len(refused) > 0 {
			errs = refused
			return nil
		}
		if _, exists := e.ValueAt(v.Key()); exists {
			errs = []FieldError{{dateField(!v.Date.IsZero()), CodeValueExists}}
			return nil
		}
		field = dateField(!v.Date.IsZero())
		if _, err := insertValue(ctx, tx, id, v, a.UserID, now); err != nil {
			return takenOr(err)
		}
		if _, err := touchIndicator(ctx, tx, id, -1, a.UserID, now); err != nil {
			return err
		}
		return s.record(ctx, tx, a, id, e.Name, history.OriginEdit, now, valueChanges(nil, &v),
			audit.ActionPlanValueRecorded, "added value:"+v.Key())
	})
	if errors.Is(err, errTaken) {
		// Someone added a value for this year or date at the same moment.
		return []FieldError{{field, CodeValueExists}}, nil
	}
	return errs, err
}

// CorrectValue changes a value's number or source (its year or date stay:
// a value for another year is another value). version is the indicator's.
func (s *Service) CorrectValue(ctx context.Context, a Actor, id, valueID int64, version int, in ValueInput) ([]FieldError, error) {
	var errs []FieldError
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		e, old, err := loadValue(ctx, tx, id, valueID)
		if err != nil {
			return err
		}
		if e.Version != version {
			return ErrConflict
		}
		in.Year, in.Date = strconv.Itoa(old.Year), old.DateText()
		now := s.Now()
		v, refused := CheckValue(e.Indicator, in, now)
		if len(refused) > 0 {
			errs = refused
			return nil
		}
		changes := valueChanges(&old.Value, &v)
		if len(changes) == 0 {
			return nil
		}
		if err := updateValue(ctx, tx, valueID, v); err != nil {
			return err
		}
		if ok, err := touchIndicator(ctx, tx, id, version, a.UserID, now); err != nil || !ok {
			return orConflict(err)
		}
		return s.record(ctx, tx, a, id, e.Name, history.OriginEdit, now, changes, audit.ActionPlanValueRecorded, "corrected value:"+v.Key())
	})
	return errs, err
}

// DeleteValue removes a value; the history keeps it (old → "").
func (s *Service) DeleteValue(ctx context.Context, a Actor, id, valueID int64, version int) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		e, old, err := loadValue(ctx, tx, id, valueID)
		if err != nil {
			return err
		}
		if e.Version != version {
			return ErrConflict
		}
		now := s.Now()
		if err := deleteValue(ctx, tx, valueID); err != nil {
			return err
		}
		if ok, err := touchIndicator(ctx, tx, id, version, a.UserID, now); err != nil || !ok {
			return orConflict(err)
		}
		return s.record(ctx, tx, a, id, e.Name, history.OriginEdit, now, valueChanges(&old.Value, nil),
			audit.ActionPlanValueRecorded, "deleted value:"+old.Key())
	})
}

// earliestYear is the year of the oldest stored value; false when none.
func earliestYear(values []StoredValue) (int, bool) {
	first, ok := 0, false
	for _, v := range values {
		if y := v.year(); !ok || y < first {
			first, ok = y, true
		}
	}
	return first, ok
}

// loadValue reads an indicator and one of its values.
func loadValue(ctx context.Context, tx *db.Tx, id, valueID int64) (Entry, StoredValue, error) {
	e, err := loadEntry(ctx, tx, id)
	if err != nil {
		return e, StoredValue{}, err
	}
	for _, v := range e.Values {
		if v.ID == valueID {
			return e, v, nil
		}
	}
	return e, StoredValue{}, ErrNotFound
}

// takenOr names a unique violation errTaken, so the caller can say what
// was taken; other errors pass through.
func takenOr(err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %v", errTaken, err)
	}
	return err
}

func orConflict(err error) error {
	if err != nil {
		return err
	}
	return ErrConflict
}

// record writes the history and the audit entry of a change, in its
// transaction.
func (s *Service) record(ctx context.Context, tx *db.Tx, a Actor, id int64, label string, origin history.Origin, now time.Time,
	changes []history.Change, action, detail string) error {
	if len(changes) == 0 {
		return nil
	}
	if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindIndicator, SubjectID: id, SubjectLabel: label,
		ActorID: a.UserID, ActorName: a.Name, Origin: origin, At: now, Changes: changes}); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: action, TargetType: "plan_indicator",
		TargetID: strconv.FormatInt(id, 10), Detail: detail})
}

// diffFields lists what changed between two versions of an indicator, in
// the history's field vocabulary.
func diffFields(old Checked, oldTheme string, c Checked, theme string) []history.Change {
	var out []history.Change
	add := func(field, o, n string) {
		if o != n {
			out = append(out, history.Change{Field: field, Old: o, New: n})
		}
	}
	year := func(y int) string {
		if y == 0 {
			return ""
		}
		return strconv.Itoa(y)
	}
	fresh := old.Name == ""
	num := func(f float64) string {
		if fresh {
			return ""
		}
		return FormatNumber(f)
	}
	// The slug is the key of the CSV files: a rename must leave a trace.
	add("slug", old.Slug, c.Slug)
	add("name", old.Name, c.Name)
	add("description", old.Description, c.Description)
	add("unit", old.Unit, c.Unit)
	add("direction", string(old.Direction), string(c.Direction))
	add("baseline_year", year(old.BaselineYear), year(c.BaselineYear))
	add("baseline_value", num(old.BaselineValue), FormatNumber(c.BaselineValue))
	add("theme", oldTheme, theme)
	add("source", old.Source, c.Source)
	before := map[int]float64{}
	for _, g := range old.Goals {
		before[g.Year] = g.Value
	}
	after := map[int]float64{}
	for _, g := range c.Goals {
		after[g.Year] = g.Value
	}
	for _, g := range sortedGoals(old.Goals, c.Goals) {
		o, hadOld := before[g]
		n, hasNew := after[g]
		os, ns := "", ""
		if hadOld {
			os = FormatNumber(o)
		}
		if hasNew {
			ns = FormatNumber(n)
		}
		add("goal:"+strconv.Itoa(g), os, ns)
	}
	return out
}

// sortedGoals is the union of two goal lists' years, in order.
func sortedGoals(a, b []Goal) []int {
	seen := map[int]bool{}
	var years []int
	for _, g := range append(append([]Goal(nil), a...), b...) {
		if !seen[g.Year] {
			seen[g.Year] = true
			years = append(years, g.Year)
		}
	}
	sort.Ints(years)
	return years
}

// valueChanges says what happened to one value: nil old for an addition,
// nil new for a deletion.
func valueChanges(old, updated *Value) []history.Change {
	var key, on, nn, os, ns string
	if old != nil {
		key, on, os = old.Key(), FormatNumber(old.Value), old.Source
	}
	if updated != nil {
		key, nn, ns = updated.Key(), FormatNumber(updated.Value), updated.Source
	}
	var out []history.Change
	if on != nn {
		out = append(out, history.Change{Field: "value:" + key, Old: on, New: nn})
	}
	if os != ns {
		out = append(out, history.Change{Field: "value_source:" + key, Old: os, New: ns})
	}
	return out
}

// String helps logs and tests.
func (e Entry) String() string { return fmt.Sprintf("indicator %d %q", e.ID, e.Slug) }
