package indicators

import (
	"math"
	"testing"
)

func valid() Indicator {
	return Indicator{Name: "Footprint", Unit: "MtCO2e", Direction: LowerIsBetter,
		BaselineYear: 2004, BaselineValue: 28.2, Goals: []Goal{{2030, 16.92}, {2050, 5.64}}}
}

func hasError(errs []FieldError, field, code string) bool {
	for _, e := range errs {
		if e.Field == field && e.Code == code {
			return true
		}
	}
	return false
}

func TestValidateAcceptsAValidIndicator(t *testing.T) {
	if errs := Validate(valid()); errs != nil {
		t.Fatalf("Validate(valid) = %v, want none", errs)
	}
}

func TestValidateRefusals(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Indicator)
		field  string
		code   string
	}{
		{"goal before baseline", func(i *Indicator) { i.Goals[0].Year = 2000 }, "goals[0].year", CodeGoalNotAfterBase},
		{"goal at baseline", func(i *Indicator) { i.Goals[0].Year = 2004 }, "goals[0].year", CodeGoalNotAfterBase},
		{"duplicate goal year", func(i *Indicator) { i.Goals[1].Year = 2030 }, "goals[1].year", CodeGoalYearDuplicate},
		{"NaN goal", func(i *Indicator) { i.Goals[1].Value = math.NaN() }, "goals[1].value", CodeNotFinite},
		{"infinite baseline", func(i *Indicator) { i.BaselineValue = math.Inf(1) }, "baseline_value", CodeNotFinite},
		{"blank name", func(i *Indicator) { i.Name = "  " }, "name", CodeRequired},
		{"no unit", func(i *Indicator) { i.Unit = "" }, "unit", CodeRequired},
		{"unknown direction", func(i *Indicator) { i.Direction = "sideways" }, "direction", CodeDirection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ind := valid()
			tt.change(&ind)
			if errs := Validate(ind); !hasError(errs, tt.field, tt.code) {
				t.Errorf("Validate = %v, want %s on %s", errs, tt.code, tt.field)
			}
		})
	}
}

func TestValidateValueRefusesNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(-1)} {
		if errs := ValidateValue(Value{Year: 2018, Value: f}); !hasError(errs, "value", CodeNotFinite) {
			t.Errorf("ValidateValue(%v) = %v, want not_finite", f, errs)
		}
	}
	if errs := ValidateValue(Value{Year: 2018, Value: 22.7}); errs != nil {
		t.Errorf("ValidateValue(valid) = %v", errs)
	}
}

func TestValidateChangeLocksUnitOnceValuesExist(t *testing.T) {
	old, updated := valid(), valid()
	updated.Unit = "ktCO2e"
	if errs := ValidateChange(old, updated, 3); !hasError(errs, "unit", CodeUnitLocked) {
		t.Errorf("unit change with 3 values: %v, want unit_locked", errs)
	}
	if errs := ValidateChange(old, updated, 0); errs != nil {
		t.Errorf("unit change with no values: %v, want none", errs)
	}
	renamed := valid()
	renamed.Name = "Carbon footprint"
	if errs := ValidateChange(old, renamed, 3); errs != nil {
		t.Errorf("rename with values: %v, want none", errs)
	}
}
