package planimport

import (
	"math"
	"os"
	"testing"
)

func TestRollUp(t *testing.T) {
	actions := []Action{
		{Identifier: "1", Weight: 1},                                              // rolled up from 1.1 and 1.2
		{Identifier: "1.1", Parent: "1", Weight: 3},                               // rolled up from its children: 60
		{Identifier: "1.1.1", Parent: "1.1", Progress: progress(40), Weight: 1},   // by hand
		{Identifier: "1.1.2", Parent: "1.1", Status: StatusDone, Weight: 1},       // counts 100
		{Identifier: "1.1.3", Parent: "1.1", Status: StatusCancelled, Weight: 5},  // left out
		{Identifier: "1.1.4", Parent: "1.1", Status: StatusNotStarted, Weight: 3}, // no progress: counts 0
		{Identifier: "1.2", Parent: "1", Progress: progress(10), Weight: 1},
		{Identifier: "1.3", Parent: "1", Status: StatusMerged, Progress: progress(90), Weight: 1}, // left out
		{Identifier: "2", Progress: progress(5), Weight: 1},                                       // set by hand wins
		{Identifier: "2.1", Parent: "2", Status: StatusDone, Weight: 1},
		{Identifier: "3", Weight: 1}, // only cancelled children
		{Identifier: "3.1", Parent: "3", Status: StatusCancelled, Weight: 1},
	}
	got := RollUp(actions)
	// 1.1 = (40*1 + 100*1 + 0*3) / 5 = 28; 1 = (28*3 + 10*1) / 4 = 23.5
	want := map[string]float64{
		"1": 23.5, "1.1": 28, "1.1.1": 40, "1.1.2": 100, "1.2": 10, "1.3": 90, "2": 5, "2.1": 100,
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for id, w := range want {
		if g, ok := got[id]; !ok || math.Abs(g-w) > 1e-9 {
			t.Errorf("progress of %s = %v (%v), want %v", id, g, ok, w)
		}
	}
}

// RollUp is meant for parsed actions, which have no cycles, but it must
// still end on a cycle handed to it directly.
func TestRollUpSurvivesCycle(t *testing.T) {
	got := RollUp([]Action{
		{Identifier: "1", Parent: "2", Weight: 1},
		{Identifier: "2", Parent: "1", Weight: 1},
	})
	if len(got) > 2 {
		t.Errorf("got %v", got)
	}
}

func TestRollUpFixture(t *testing.T) {
	f, err := os.Open("testdata/actions_fr.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	actions, err := ParseActions(f)
	if err != nil {
		t.Fatal(err)
	}
	// 1 = (35*2 + 100*1) / 3, 1.3 cancelled.
	if got, want := RollUp(actions)["1"], (35.0*2+100)/3; math.Abs(got-want) > 1e-9 {
		t.Errorf("progress of 1 = %v, want %v", got, want)
	}
}
