package planimport

import (
	"bytes"
	"testing"
	"time"
)

// An exported file read back is the same plan: Diff finds nothing to change,
// including a title that a spreadsheet would take for a formula.
func TestWriteCSVRoundTrip(t *testing.T) {
	p := 40
	actions := []Action{
		{Identifier: "MOB-01", Title: "=Pistes cyclables", Theme: "mobilite", Status: StatusOnTrack, Phase: "implementation",
			Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC), Progress: &p,
			Departments: []string{"DVD", "DEVE"}, Partners: []string{"APC"}, Description: "Deux lignes,\n\"citées\"", Weight: 1},
		{Identifier: "MOB-01.1", Title: "Sous-action", Theme: "mobilite", Parent: "MOB-01", Weight: 0.5, Status: StatusLate},
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, actions); err != nil {
		t.Fatal(err)
	}
	back, err := ParseActions(&buf)
	if err != nil {
		t.Fatalf("parse the export: %v", err)
	}
	plan := Diff(actions, back)
	if len(plan.Create) != 0 || len(plan.Update) != 0 || len(plan.Unchanged) != 2 {
		t.Errorf("round trip: %+v", plan)
	}
}
