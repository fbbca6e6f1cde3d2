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

// A misspelt or repeated column refuses the file at line 1, naming the
// column, rather than being ignored (a "jour" column would turn dated
// values into yearly ones).
func TestCSVHeaderRefusals(t *testing.T) {
	for _, c := range []struct {
		head, column, code string
	}{
		{"indicator,year,jour,value,source", "jour", CodeUnknownColumn},
		{"indicator,year,value,valeur,source", "valeur", CodeDuplicateColumn},
	} {
		rows, problems := parseValuesCSV([]byte(c.head + "\nfootprint,2022,,21.4,Ville de Paris\n"))
		if rows != nil || len(problems) != 1 || problems[0].Line != 1 || problems[0].Column != c.column || problems[0].Code != c.code {
			t.Errorf("%s: %+v %+v", c.head, rows, problems)
		}
	}
}
