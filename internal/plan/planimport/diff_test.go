package planimport

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func progress(p int) *int { return &p }

func TestDiff(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(dateLayout, s); return d }
	existing := []Action{
		{Identifier: "1", Title: "Logements", Status: StatusOnTrack, Weight: 1},
		{Identifier: "1.2", Title: "Copropriétés", Status: StatusLate, Progress: progress(20),
			Departments: []string{"DLH"}, Parent: "1", Weight: 1},
		{Identifier: "3", Title: "Absent du fichier", Weight: 1},
	}
	incoming := []Action{
		{Identifier: "1.10", Title: "Nouvelle", Parent: "1", Weight: 1, End: day("2030-12-31"), Line: 4},
		{Identifier: "1.2", Title: "Copropriétés", Status: StatusDone, Progress: progress(100),
			Departments: []string{"DLH", "DU"}, Parent: "1", Weight: 1, Line: 3},
		{Identifier: "1", Title: "Logements", Status: StatusOnTrack, Weight: 1, Line: 2},
		{Identifier: "1.9", Title: "Autre", Parent: "1", Weight: 2, Line: 5},
	}
	p := Diff(existing, incoming)

	var created []string
	for _, a := range p.Create {
		created = append(created, a.Identifier)
	}
	if !slices.Equal(created, []string{"1.9", "1.10"}) { // numeric order, not text order
		t.Errorf("created %v", created)
	}
	wantUpdate := []Update{{Identifier: "1.2", Changes: []Change{
		{Field: "status", Old: "late", New: "done"},
		{Field: "progress", Old: "20", New: "100"},
		{Field: "departments", Old: "DLH", New: "DLH; DU"},
	}}}
	if !reflect.DeepEqual(p.Update, wantUpdate) {
		t.Errorf("updates %+v\nwant %+v", p.Update, wantUpdate)
	}
	// Line differs (0 stored, 2 read) but is not a field of the action.
	if !slices.Equal(p.Unchanged, []string{"1"}) {
		t.Errorf("unchanged %v", p.Unchanged)
	}
	// "3" is not in the file: it is neither listed nor deleted.
	if !reflect.DeepEqual(p, Diff(existing, incoming)) {
		t.Error("Diff is not deterministic")
	}
}

func TestCompareIdentifiers(t *testing.T) {
	ids := []string{"2", "1.10", "1.2.3", "1", "1.2", "A.1", "1.9"}
	slices.SortFunc(ids, CompareIdentifiers)
	want := []string{"1", "1.2", "1.2.3", "1.9", "1.10", "2", "A.1"}
	if !slices.Equal(ids, want) {
		t.Errorf("got %v, want %v", ids, want)
	}
}
