package dashboard

import (
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/web/i18n"
)

// Words translates for one language; Has tells whether a key exists, so
// that codes of other parts (the actions' phases) show raw when unknown.
type Words struct {
	Lang string
	T    func(key string, args ...any) string
	Has  func(key string) bool
}

// Entry is one change set as the timeline shows it.
type Entry struct {
	ID      int64
	At      time.Time
	Who     string // the name kept on the set, or "City staff"
	Label   string
	Href    string // the subject's page, "" for a theme
	How     string
	Changes []ChangeView
}

// ChangeView is one field's difference, translated. An empty side is
// "none" (OldNone/NewNone) so the page can say it rather than show nothing.
type ChangeView struct {
	Field            string
	Old, New         string
	OldNone, NewNone bool
}

// knownFields are the history's field names that have a catalog label
// ("plan.history.field.<name>"); goal, value and value_source take the part
// after ':' as an argument.
var knownFields = map[string]bool{
	"identifier": true, "title": true, "description": true, "theme": true, "parent": true, "weight": true,
	"status": true, "merged_into": true, "phase": true, "starts_on": true, "ends_on": true, "progress_mode": true,
	"progress": true, "departments": true, "partners": true, "milestone": true, "milestone_reached": true,
	"task": true, "task_done": true, "link": true, "created": true, "slug": true, "name": true, "unit": true,
	"direction": true, "baseline_year": true, "baseline_value": true, "source": true,
	"goal": true, "value": true, "value_source": true, "parent_theme": true, "deleted": true,
}

// numericFields hold numbers written with '.', shown with the language's mark.
var numericFields = map[string]bool{"weight": true, "progress": true, "baseline_value": true, "goal": true, "value": true}

// codedFields have their codes translated under "plan.history.<field>.<code>".
var codedFields = map[string]bool{"status": true, "direction": true, "progress_mode": true}

// booleanFields hold "true" or "false".
var booleanFields = map[string]bool{"milestone_reached": true, "task_done": true}

// SubjectPath is the page of a change set's subject, "" when it has none.
func SubjectPath(kind history.Kind, id int64) string {
	switch kind {
	case history.KindAction:
		return "/plan/actions/" + strconv.FormatInt(id, 10)
	case history.KindIndicator:
		return "/plan/indicators/" + strconv.FormatInt(id, 10)
	}
	return ""
}

// NewEntry translates a change set for the timeline.
func NewEntry(s history.Set, w Words) Entry {
	e := Entry{ID: s.ID, At: s.At, Who: ActorLabel(s, w), Label: s.SubjectLabel,
		Href: SubjectPath(s.Kind, s.SubjectID), How: w.T("plan.history.origin." + originCode(s.Origin))}
	if s.Kind == history.KindTheme {
		e.Label = w.T("plan.history.theme_label", s.SubjectLabel) // a theme has no page: say what it is
	}
	for _, c := range s.Changes {
		e.Changes = append(e.Changes, describe(c, w))
	}
	return e
}

// ActorLabel is who made a change: only the staff name kept on the set.
func ActorLabel(s history.Set, w Words) string {
	if strings.TrimSpace(s.ActorName) == "" {
		return w.T("plan.history.city_staff")
	}
	return s.ActorName
}

func originCode(o history.Origin) string {
	switch o {
	case history.OriginCreate, history.OriginEdit, history.OriginImport, history.OriginSystem:
		return string(o)
	}
	return "edit"
}

// describe translates a field name and its two values.
func describe(c history.Change, w Words) ChangeView {
	name, arg, _ := strings.Cut(c.Field, ":")
	v := ChangeView{Field: c.Field}
	if knownFields[name] {
		v.Field = w.T("plan.history.field."+name, arg)
	}
	v.Old, v.OldNone = value(name, c.Old, w)
	v.New, v.NewNone = value(name, c.New, w)
	return v
}

// value shows one side of a change; none is true for an empty value.
func value(field, s string, w Words) (string, bool) {
	if s == "" {
		return w.T("plan.history.none"), true
	}
	switch {
	case codedFields[field]:
		if key := "plan.history." + field + "." + s; w.Has(key) {
			return w.T(key), false
		}
	case field == "phase":
		if key := "plan.actions.phase." + s; w.Has(key) {
			return w.T(key), false
		}
	case booleanFields[field]:
		if b, err := strconv.ParseBool(s); err == nil {
			if b {
				return w.T("plan.history.yes"), false
			}
			return w.T("plan.history.no"), false
		}
	case numericFields[field]:
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return exactFigure(w.Lang, f), false
		}
	}
	return s, false
}

// exactFigure writes a recorded number with all its decimals (up to six):
// the timeline must show a correction of 16.919 to 16.92, or 0.001 to
// 0.004, as two different numbers.
func exactFigure(lang string, f float64) string {
	_, frac, _ := strings.Cut(strconv.FormatFloat(f, 'f', -1, 64), ".")
	return i18n.FormatDecimal(lang, f, min(len(frac), 6))
}

// Figure writes a number with the language's marks and no more than two
// decimals, trailing zeros dropped (22.7, not 22.70).
func Figure(lang string, f float64) string {
	s := strings.TrimRight(strconv.FormatFloat(f, 'f', 2, 64), "0")
	_, frac, _ := strings.Cut(s, ".")
	return i18n.FormatDecimal(lang, f, len(frac))
}
