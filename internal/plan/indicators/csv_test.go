package indicators

import (
	"bytes"
	"testing"
)

// Sources that look like formulas, or that already begin with the
// apostrophe guarding them, read back from an export exactly as typed.
func TestCSVRoundTripKeepsApostrophes(t *testing.T) {
	sources := []string{"paris.fr", "=SUM(A1)", "'=x", "''=x", "'hello", "-3 % (Airparif)", "@mention", "'"}
	var e Entry
	e.Slug = "empreinte"
	for i, s := range sources {
		e.Values = append(e.Values, StoredValue{Value: Value{Year: 2005 + i, Value: 1, Source: s}})
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, []Entry{e}); err != nil {
		t.Fatal(err)
	}
	rows, problems := parseValuesCSV(b.Bytes())
	if len(problems) > 0 || len(rows) != len(sources) {
		t.Fatalf("rows %d, problems %v\n%s", len(rows), problems, b.String())
	}
	for i, r := range rows {
		if r.Source != sources[i] {
			t.Errorf("source %q read back as %q", sources[i], r.Source)
		}
	}
}
