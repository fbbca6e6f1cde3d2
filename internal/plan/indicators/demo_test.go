package indicators

import "testing"

func TestDemoIsValid(t *testing.T) {
	for _, ind := range []Indicator{DemoFootprint, DemoLocalEmissions} {
		if errs := Validate(ind); errs != nil {
			t.Errorf("%s: %v", ind.Name, errs)
		}
	}
}

// The 2018 footprint against its trajectory:
// the 2030 goal is 28.2 × 0.6 = 16.92, so the line falls by (28.2 − 16.92) / 26
// = 0.43385 a year; 14 years after 2004 it expects 28.2 − 14 × 0.43385 = 22.126.
// 22.7 is 2.6 % above 22.126, beyond the 2 % tolerance (22.569): off track.
// Local emissions: goal 3.65, expected 7.3 − 14 × 3.65 / 26 = 5.335 in 2018;
// 5.5 is 3.1 % above (limit 5.441): off track too.
func TestDemo2018IsOffTrack(t *testing.T) {
	expected, _ := NewTrajectory(DemoFootprint).Expected(2018)
	if !near(round3(expected), 22.126) {
		t.Errorf("expected footprint 2018 = %v, want about 22.126", expected)
	}
	if got := StatusOf(DemoFootprint, DemoFootprintValues, DefaultTolerance); got != OffTrack {
		t.Errorf("footprint 2018 = %s, want off_track", got)
	}
	// With a 3 % tolerance (limit 22.79) the same figure would pass.
	if got := StatusOf(DemoFootprint, DemoFootprintValues, 0.03); got != OnTrack {
		t.Errorf("footprint 2018 at 3 %% = %s, want on_track", got)
	}
	if got := StatusOf(DemoLocalEmissions, DemoLocalEmissionsValues, DefaultTolerance); got != OffTrack {
		t.Errorf("local emissions 2018 = %s, want off_track", got)
	}
}
