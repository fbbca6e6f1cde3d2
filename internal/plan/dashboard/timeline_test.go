package dashboard

import (
	"fmt"
	"strings"
	"testing"

	"climatevolunteers/internal/plan/history"
)

// fakeWords shows each key with its arguments, so the test sees which key
// was chosen; it knows every key but the actions part's phases.
func fakeWords(lang string) Words {
	return Words{Lang: lang,
		T: func(key string, args ...any) string {
			if len(args) == 0 {
				return "<" + key + ">"
			}
			return fmt.Sprintf("<%s %v>", key, args)
		},
		Has: func(key string) bool { return !strings.HasPrefix(key, "plan.actions.") },
	}
}

func TestNewEntryTranslatesFieldsAndValues(t *testing.T) {
	s := history.Set{ID: 3, Kind: history.KindIndicator, SubjectID: 9, SubjectLabel: "Empreinte", Origin: history.OriginImport,
		Changes: []history.Change{
			{Field: "goal:2030", Old: "", New: "12.5"},
			{Field: "value:2024-03-01", Old: "20.10", New: "19"},
			{Field: "direction", Old: "higher", New: "lower"},
			{Field: "phase", Old: "study", New: "works"},
			{Field: "task_done", Old: "false", New: "true"},
			{Field: "mystery", Old: "a", New: "b"},
		}}
	e := NewEntry(s, fakeWords("fr"))
	if e.Href != "/plan/indicators/9" || e.Who != "<plan.history.city_staff>" || e.How != "<plan.history.origin.import>" {
		t.Fatalf("%+v", e)
	}
	want := []ChangeView{
		{Field: "<plan.history.field.goal [2030]>", Old: "<plan.history.none>", OldNone: true, New: "12,5"},
		{Field: "<plan.history.field.value [2024-03-01]>", Old: "20,1", New: "19"},
		{Field: "<plan.history.field.direction []>", Old: "<plan.history.direction.higher>", New: "<plan.history.direction.lower>"},
		{Field: "<plan.history.field.phase []>", Old: "study", New: "works"},
		{Field: "<plan.history.field.task_done []>", Old: "<plan.history.no>", New: "<plan.history.yes>"},
		{Field: "mystery", Old: "a", New: "b"},
	}
	if len(e.Changes) != len(want) {
		t.Fatalf("%+v", e.Changes)
	}
	for i := range want {
		if e.Changes[i] != want[i] {
			t.Errorf("change %d: %+v, want %+v", i, e.Changes[i], want[i])
		}
	}
}

// Small corrections read as two numbers: the timeline keeps the recorded
// decimals, where the dashboard's cards round to two.
func TestNewEntryKeepsRecordedDecimals(t *testing.T) {
	e := NewEntry(history.Set{Kind: history.KindIndicator, SubjectID: 1, Changes: []history.Change{
		{Field: "value:2018", Old: "0.001", New: "0.004"},
		{Field: "goal:2030", Old: "16.919", New: "16.92"},
		{Field: "baseline_value", Old: "22.7", New: "1000000"},
	}}, fakeWords("fr"))
	want := [][2]string{{"0,001", "0,004"}, {"16,919", "16,92"}, {"22,7", "1\u202f000\u202f000"}}
	for i, c := range e.Changes {
		if got := [2]string{c.Old, c.New}; got != want[i] && !(i == 2 && c.Old == "22,7" && strings.HasPrefix(c.New, "1") && strings.HasSuffix(c.New, "000")) {
			t.Errorf("change %d: %q → %q, want %q → %q", i, c.Old, c.New, want[i][0], want[i][1])
		}
	}
}

func TestNewEntryKeepsTheStaffName(t *testing.T) {
	e := NewEntry(history.Set{Kind: history.KindAction, SubjectID: 4, ActorID: 12, ActorName: "Camille Agent", Origin: "odd"}, fakeWords("en"))
	if e.Who != "Camille Agent" || e.Href != "/plan/actions/4" || e.How != "<plan.history.origin.edit>" {
		t.Fatalf("%+v", e)
	}
}

func TestFigure(t *testing.T) {
	for _, c := range []struct {
		lang string
		f    float64
		want string
	}{{"fr", 22.7, "22,7"}, {"en", 22.7, "22.7"}, {"fr", 12, "12"}, {"en", 1234.567, "1,234.57"}, {"fr", 0.1 + 0.2, "0,3"}} {
		if got := Figure(c.lang, c.f); got != c.want {
			t.Errorf("Figure(%s, %v) = %q, want %q", c.lang, c.f, got, c.want)
		}
	}
}
