package planimport

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseFrenchFixture(t *testing.T) {
	f, err := os.Open("testdata/actions_fr.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	actions, err := ParseActions(f)
	if err != nil {
		t.Fatalf("ParseActions: %v", err)
	}
	if len(actions) != 5 {
		t.Fatalf("got %d actions, want 5", len(actions))
	}
	a := actions[1]
	if a.Identifier != "1.1" || a.Theme != "logement" || a.Status != StatusLate || a.Parent != "1" || a.Weight != 2 {
		t.Errorf("row 1.1 = %+v", a)
	}
	if a.Progress == nil || *a.Progress != 35 {
		t.Errorf("progress of 1.1 = %v, want 35", a.Progress)
	}
	if !a.Start.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) || a.Line != 3 {
		t.Errorf("start %v, line %d", a.Start, a.Line)
	}
	if got := actions[4].Departments; !slices.Equal(got, []string{"DEVE", "DVD"}) {
		t.Errorf("departments of 2 = %q", got)
	}
	if actions[0].Progress != nil || actions[0].Weight != 1 {
		t.Errorf("empty progress and weight of 1: %v, %v", actions[0].Progress, actions[0].Weight)
	}
	wantStatus := []Status{StatusOnTrack, StatusLate, StatusDone, StatusCancelled, StatusNotStarted}
	for i, s := range wantStatus {
		if actions[i].Status != s {
			t.Errorf("status of %s = %s, want %s", actions[i].Identifier, actions[i].Status, s)
		}
	}
	if actions[4].Weight != 0.5 || actions[4].Title != "Végétaliser la ville, 100 ha" {
		t.Errorf("row 2 = %+v", actions[4])
	}
}

func TestParseEnglishComma(t *testing.T) {
	in := "identifier,title,status,start,end,progress,departments,parent_id\n" +
		"1,Energy,on track,2024-01-01,2025-01-01,50,Energy;Buildings; Energy,\n" +
		"1.1,Solar roofs,Cancelled,,,,,1\n"
	actions, err := ParseActions(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 2 || actions[0].Status != StatusOnTrack || actions[1].Status != StatusCancelled {
		t.Fatalf("got %+v", actions)
	}
	if !slices.Equal(actions[0].Departments, []string{"Energy", "Buildings"}) {
		t.Errorf("departments = %q", actions[0].Departments)
	}
}

// Every refusal names its line and reason; each case holds one bad row
// among good ones, so the test also shows that good rows are not returned.
func TestParseRefusals(t *testing.T) {
	const header = "identifiant;titre;statut;debut;fin;avancement;parent;poids\n"
	const good = "1;Bon;en cours;;;;;\n"
	cases := []struct {
		name   string
		rows   string
		line   int
		reason Reason
	}{
		{"unknown status", "2;Mauvais;presque fini;;;;;\n", 3, ReasonUnknownStatus},
		{"progress above 100", "2;Mauvais;;;;120;;\n", 3, ReasonProgressRange},
		{"progress below 0", "2;Mauvais;;;;-5;;\n", 3, ReasonProgressRange},
		{"progress not a number", "2;Mauvais;;;;beaucoup;;\n", 3, ReasonBadProgress},
		{"end before start", "2;Mauvais;;2025-06-01;2025-01-01;;;\n", 3, ReasonEndBeforeStart},
		{"bad date", "2;Mauvais;;01/06/2025;;;;\n", 3, ReasonBadDate},
		{"impossible date", "2;Mauvais;;2025-02-30;;;;\n", 3, ReasonBadDate},
		{"duplicate identifier", "1;Encore;;;;;;\n", 3, ReasonDuplicateID},
		{"unknown parent", "2;Mauvais;;;;;9;\n", 3, ReasonUnknownParent},
		{"missing title", "2;;;;;;;\n", 3, ReasonMissingTitle},
		{"missing identifier", ";Sans;;;;;;\n", 3, ReasonMissingIdentifier},
		{"self parent", "2;Boucle;;;;;2;\n", 3, ReasonParentCycle},
		{"zero weight", "2;Mauvais;;;;;;0\n", 3, ReasonBadWeight},
		{"NaN weight", "2;Mauvais;;;;;;NaN\n", 3, ReasonBadWeight},
		{"infinite weight", "2;Mauvais;;;;;;Inf\n", 3, ReasonBadWeight},
		{"weight above 1000", "2;Mauvais;;;;;;1001\n", 3, ReasonBadWeight},
		{"identifier with a space", "MOB 03;Mauvais;;;;;;\n", 3, ReasonBadIdentifier},
		{"title too long", "2;" + strings.Repeat("é", MaxTitle+1) + ";;;;;;\n", 3, ReasonTooLong},
		{"Latin-1 text", "2;Am\xe9nagement;;;;;;\n", 3, ReasonNotUTF8},
		{"short row", "2;Mauvais\n", 3, ReasonFieldCount},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			actions, err := ParseActions(strings.NewReader(header + good + c.rows))
			if actions != nil {
				t.Errorf("got %d actions, want none", len(actions))
			}
			p := onlyProblem(t, err)
			if p.Line != c.line || p.Reason != c.reason {
				t.Errorf("got %v, want line %d: %s", p, c.line, c.reason)
			}
		})
	}
}

func TestParseFileRefusals(t *testing.T) {
	cases := []struct {
		in     string
		line   int
		reason Reason
	}{
		{"identifiant;titre;statuts\n1;A;fait\n", 1, ReasonUnknownColumn},
		{"identifiant;statut\n1;fait\n", 1, ReasonMissingColumn},
		{"identifiant;titre;title\n1;A;B\n", 1, ReasonDuplicateColumn},
		{"", 1, ReasonEmptyFile},
		{"\ufeff \n", 1, ReasonEmptyFile},
		{"identifiant,titre\n1,\"non fermé\n", 2, ReasonMalformedCSV},
		// A Latin-1 "Thème" in the header is an encoding problem, not an
		// unknown column; further down, it names its line.
		{"identifiant;titre;Th\xe8me\n1;A;mobilite\n", 1, ReasonNotUTF8},
		{"identifiant;titre\n1;A\n2;Cr\xe9er\n", 3, ReasonNotUTF8},
		// One byte over the limit: refused whole, never read cut.
		{"identifiant;titre\n" + strings.Repeat("1;A\n", MaxFileSize/4), 1, ReasonFileTooLarge},
	}
	for _, c := range cases {
		_, err := ParseActions(strings.NewReader(c.in))
		if p := onlyProblem(t, err); p.Reason != c.reason || p.Line != c.line {
			t.Errorf("%.60q: got %v, want line %d: %s", c.in, p, c.line, c.reason)
		}
	}
}

// All or nothing: a file with several bad rows returns no action and every
// problem, in line order, not only the first.
func TestParseCollectsAllProblems(t *testing.T) {
	in := "identifier,title,status,progress,parent\n" +
		"1,Good,done,,\n" +
		"2,,late,150,\n" + // two problems on one line
		"3,Good,,,\n" +
		"1,Again,,,\n" +
		"4,Orphan,,,7\n"
	actions, err := ParseActions(strings.NewReader(in))
	if actions != nil {
		t.Fatalf("got %d actions, want none", len(actions))
	}
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *ImportError", err)
	}
	var got []string
	for _, p := range ie.Problems {
		got = append(got, p.String())
	}
	want := []string{
		`line 3: progress_out_of_range in column progress ("150")`,
		"line 3: missing_title in column title",
		`line 5: duplicate_identifier in column identifier ("1")`,
		`line 6: unknown_parent in column parent ("7")`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseRefusesCycles(t *testing.T) {
	in := "identifier,title,parent\n" +
		"1,Root,\n" +
		"2,A,4\n" +
		"3,B,2\n" +
		"4,C,3\n" +
		"5,Below the cycle,2\n"
	_, err := ParseActions(strings.NewReader(in))
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *ImportError", err)
	}
	var lines []int
	for _, p := range ie.Problems {
		if p.Reason != ReasonParentCycle {
			t.Errorf("unexpected %v", p)
		}
		lines = append(lines, p.Line)
	}
	// 5 hangs below the cycle: it is not on it and fixing the cycle fixes it.
	if !slices.Equal(lines, []int{3, 4, 5}) {
		t.Errorf("cycle reported on lines %v, want [3 4 5]", lines)
	}
}

func onlyProblem(t *testing.T, err error) Problem {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *ImportError", err)
	}
	if len(ie.Problems) != 1 {
		t.Fatalf("got %d problems, want 1: %v", len(ie.Problems), ie)
	}
	return ie.Problems[0]
}
