package indicators

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
)

var staff = Actor{Name: "Agent de la Ville"}

// testService is a service whose today is 28 November 2026.
func testService(d *db.DB) *Service {
	s := NewService(d)
	s.Now = func() time.Time { return time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC) }
	return s
}

func footprintInput() Input {
	return Input{Slug: "empreinte", Name: "Empreinte carbone", Unit: "MtCO2e", Direction: "lower",
		BaselineYear: "2004", BaselineValue: "28,2", Source: "Plan Climat 2018",
		Goals: []GoalInput{{"2030", "16.92"}, {"", ""}, {"2050", "5.64"}}}
}

func create(t *testing.T, s *Service, in Input) int64 {
	t.Helper()
	id, errs, err := s.Create(context.Background(), staff, in)
	if err != nil || errs != nil {
		t.Fatalf("Create: %v %v", errs, err)
	}
	return id
}

func addValue(t *testing.T, s *Service, id int64, in ValueInput) {
	t.Helper()
	if errs, err := s.AddValue(context.Background(), staff, id, in); err != nil || errs != nil {
		t.Fatalf("AddValue(%v): %v %v", in, errs, err)
	}
}

func wantCode(t *testing.T, errs []FieldError, field, code string) {
	t.Helper()
	for _, e := range errs {
		if e.Field == field && e.Code == code {
			return
		}
	}
	t.Errorf("errors %v lack %s %s", errs, field, code)
}

func TestStoreRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var themeID int64
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, "INSERT INTO plan_themes (slug, name) VALUES ('mobilite', 'Mobilité') RETURNING id").Scan(&themeID)
		}); err != nil {
			t.Fatal(err)
		}
		s := testService(d)
		in := footprintInput()
		in.ThemeID = strconv.FormatInt(themeID, 10)
		id := create(t, s, in)
		addValue(t, s, id, ValueInput{Year: "2018", Value: "22.7", Source: "Bilan Carbone 2018"})
		addValue(t, s, id, ValueInput{Date: "2024-03-31", Value: "20.5", Source: "Suivi trimestriel"})
		all, err := s.All(ctx)
		if err != nil || len(all) != 1 {
			t.Fatalf("All: %v %v", all, err)
		}
		e := all[0]
		if e.Slug != "empreinte" || e.BaselineValue != 28.2 || e.ThemeName != "Mobilité" || e.ThemeSlug != "mobilite" || e.Version != 3 {
			t.Errorf("stored %+v", e)
		}
		if len(e.Goals) != 2 || e.Goals[0] != (Goal{2030, 16.92}) || e.Goals[1] != (Goal{2050, 5.64}) {
			t.Errorf("goals %v", e.Goals)
		}
		if len(e.Values) != 2 || e.Values[1].DateText() != "2024-03-31" || e.Values[1].Year != 2024 || e.Values[0].Source != "Bilan Carbone 2018" {
			t.Errorf("values %+v", e.Values)
		}
		if l, _ := e.Latest(); l.Key() != "2024-03-31" {
			t.Errorf("latest %v", l)
		}
	})
}

func TestRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := testService(d)
		bad := footprintInput()
		bad.Goals = []GoalInput{{"2004", "20"}, {"2030", "NaN"}, {"2040", "1"}, {"2040", "2"}}
		_, errs, err := s.Create(ctx, staff, bad)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, errs, "goal_0_year", CodeGoalNotAfterBase)
		wantCode(t, errs, "goal_1_value", CodeNotFinite)
		wantCode(t, errs, "goal_3_year", CodeGoalYearDuplicate)
		if all, _ := s.All(ctx); len(all) != 0 {
			t.Fatalf("a refused indicator was stored: %v", all)
		}

		id := create(t, s, footprintInput())
		if _, errs, _ := s.Create(ctx, staff, footprintInput()); len(errs) == 0 {
			t.Error("a second indicator with the same slug was accepted")
		} else {
			wantCode(t, errs, "slug", CodeSlugTaken)
		}
		for _, c := range []struct {
			in          ValueInput
			field, code string
		}{
			{ValueInput{Year: "2018", Value: "22.7"}, "source", CodeSourceRequired},
			{ValueInput{Year: "2003", Value: "29", Source: "x"}, "year", CodeBeforeBaseline},
			{ValueInput{Year: "2027", Value: "15", Source: "x"}, "year", CodeInFuture},
			{ValueInput{Date: "2026-12-01", Value: "15", Source: "x"}, "date", CodeInFuture},
			{ValueInput{Year: "2018", Value: "Inf", Source: "x"}, "value", CodeNotFinite},
			{ValueInput{Year: "2018", Value: "vingt", Source: "x"}, "value", CodeNumber},
			{ValueInput{Year: "2019", Date: "2018-05-01", Value: "1", Source: "x"}, "year", CodeYearDate},
		} {
			errs, err := s.AddValue(ctx, staff, id, c.in)
			if err != nil {
				t.Fatal(err)
			}
			wantCode(t, errs, c.field, c.code)
		}
		addValue(t, s, id, ValueInput{Year: "2018", Value: "22.7", Source: "x"})
		errs, _ = s.AddValue(ctx, staff, id, ValueInput{Year: "2018", Value: "22", Source: "y"})
		wantCode(t, errs, "year", CodeValueExists)

		e, _ := s.Get(ctx, id)
		change := formInput(e)
		change.Unit = "ktCO2e"
		errs, err = s.Update(ctx, staff, id, change)
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, errs, "unit", CodeUnitLocked)
		if after, _ := s.Get(ctx, id); after.Unit != "MtCO2e" || len(after.Values) != 1 {
			t.Errorf("refused changes were stored: %+v", after)
		}
	})
}

// formInput is what the edit form sends for e, unchanged.
func formInput(e Entry) Input {
	in := Input{Slug: e.Slug, Name: e.Name, Description: e.Description, Unit: e.Unit, Direction: string(e.Direction),
		BaselineYear: "2004", BaselineValue: FormatNumber(e.BaselineValue), Source: e.Source, Version: e.Version}
	for _, g := range e.Goals {
		in.Goals = append(in.Goals, GoalInput{FormatNumber(float64(g.Year)), FormatNumber(g.Value)})
	}
	return in
}

func changesOf(t *testing.T, d *db.DB, id int64) []history.Change {
	t.Helper()
	p, err := history.List(context.Background(), d, history.Filter{Kind: history.KindIndicator, SubjectID: id})
	if err != nil || len(p.Sets) == 0 {
		t.Fatalf("history: %v %v", p, err)
	}
	return p.Sets[0].Changes // the newest set
}

func wantChange(t *testing.T, changes []history.Change, want history.Change) {
	t.Helper()
	for _, c := range changes {
		if c == want {
			return
		}
	}
	t.Errorf("changes %v lack %v", changes, want)
}

func TestHistoryAndStaleVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := testService(d)
		id := create(t, s, footprintInput())
		wantChange(t, changesOf(t, d, id), history.Change{Field: "created", New: "Empreinte carbone"})

		e, _ := s.Get(ctx, id)
		in := formInput(e)
		in.Name = "Empreinte carbone de Paris"
		in.Goals[0].Value = "17"
		in.Goals[1] = GoalInput{}
		if errs, err := s.Update(ctx, staff, id, in); err != nil || errs != nil {
			t.Fatalf("Update: %v %v", errs, err)
		}
		ch := changesOf(t, d, id)
		wantChange(t, ch, history.Change{Field: "name", Old: "Empreinte carbone", New: "Empreinte carbone de Paris"})
		wantChange(t, ch, history.Change{Field: "goal:2030", Old: "16.92", New: "17"})
		wantChange(t, ch, history.Change{Field: "goal:2050", Old: "5.64", New: ""})

		// The same form sent again is stale: someone (this person) saved.
		if _, err := s.Update(ctx, staff, id, in); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale Update: %v, want ErrConflict", err)
		}

		addValue(t, s, id, ValueInput{Year: "2018", Value: "22.7", Source: "Bilan Carbone"})
		wantChange(t, changesOf(t, d, id), history.Change{Field: "value:2018", Old: "", New: "22.7"})
		e, _ = s.Get(ctx, id)
		v := e.Values[0]
		if _, err := s.CorrectValue(ctx, staff, id, v.ID, e.Version-1, ValueInput{Value: "22.6", Source: "Bilan Carbone"}); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale correction: %v", err)
		}
		if errs, err := s.CorrectValue(ctx, staff, id, v.ID, e.Version, ValueInput{Value: "22.6", Source: "Bilan Carbone révisé"}); err != nil || errs != nil {
			t.Fatalf("CorrectValue: %v %v", errs, err)
		}
		ch = changesOf(t, d, id)
		wantChange(t, ch, history.Change{Field: "value:2018", Old: "22.7", New: "22.6"})
		wantChange(t, ch, history.Change{Field: "value_source:2018", Old: "Bilan Carbone", New: "Bilan Carbone révisé"})
		e, _ = s.Get(ctx, id)
		if err := s.DeleteValue(ctx, staff, id, v.ID, e.Version); err != nil {
			t.Fatal(err)
		}
		wantChange(t, changesOf(t, d, id), history.Change{Field: "value:2018", Old: "22.6", New: ""})
		var audits int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action IN ('plan.indicator_saved', 'plan.value_recorded')").Scan(&audits); err != nil || audits != 5 {
			t.Errorf("audit entries: %d %v, want 5", audits, err)
		}
	})
}

func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := testService(d)
		id := create(t, s, footprintInput())
		addValue(t, s, id, ValueInput{Year: "2014", Value: "25.6", Source: "Bilan Carbone"})
		file := "\uFEFFindicateur;année;valeur;source\nempreinte;2014;25,5;Bilan Carbone révisé\nempreinte;2018;22.7;=Bilan 2018\n"
		p, err := s.PreviewImport(ctx, []byte(file))
		if err != nil || len(p.Problems) != 0 || p.Added != 1 || p.Changed != 1 {
			t.Fatalf("preview: %+v %v", p, err)
		}
		if l := p.Lines[0]; l.Kind != ImportChange || l.Old != "25.6" || l.New != "25.5" || l.Line != 2 {
			t.Errorf("line 2: %+v", l)
		}
		if e, _ := s.Get(ctx, id); len(e.Values) != 1 || e.Values[0].Value.Value != 25.6 {
			t.Fatalf("the dry run wrote: %+v", e.Values)
		}

		// A bad row refuses the whole file, with its line and reason.
		bad := file + "empreinte;2030;10;futur\ninconnu;2018;1;x\n"
		p, err = s.ApplyImport(ctx, staff, []byte(bad), "")
		if err != nil || len(p.Problems) != 2 || p.Problems[0] != (Problem{4, "year", CodeInFuture}) || p.Problems[1] != (Problem{5, "indicator", CodeUnknownSlug}) {
			t.Fatalf("bad file: %+v %v", p.Problems, err)
		}
		if e, _ := s.Get(ctx, id); len(e.Values) != 1 || e.Values[0].Value.Value != 25.6 {
			t.Fatalf("a refused file was half applied: %+v", e.Values)
		}

		// The apply step applies what was previewed, not what changed since.
		preview, _ := s.PreviewImport(ctx, []byte(file))
		addValue(t, s, id, ValueInput{Year: "2018", Value: "23", Source: "autre"})
		if _, err := s.ApplyImport(ctx, staff, []byte(file), preview.Digest); !errors.Is(err, ErrPreviewOutdated) {
			t.Fatalf("outdated apply: %v", err)
		}
		preview, _ = s.PreviewImport(ctx, []byte(file))
		if p, err := s.ApplyImport(ctx, staff, []byte(file), preview.Digest); err != nil || len(p.Problems) != 0 {
			t.Fatalf("apply: %+v %v", p, err)
		}
		ch := changesOf(t, d, id)
		wantChange(t, ch, history.Change{Field: "value:2014", Old: "25.6", New: "25.5"})
		wantChange(t, ch, history.Change{Field: "value:2018", Old: "23", New: "22.7"})
		wantChange(t, ch, history.Change{Field: "value_source:2018", Old: "autre", New: "=Bilan 2018"})
		pg, _ := history.List(ctx, d, history.Filter{Kind: history.KindIndicator, SubjectID: id})
		if pg.Sets[0].Origin != history.OriginImport {
			t.Errorf("origin %q", pg.Sets[0].Origin)
		}

		// Export then import: nothing to do.
		addValue(t, s, id, ValueInput{Date: "2025-06-30", Value: "-0.5", Source: "Test, avec virgule"})
		all, _ := s.All(ctx)
		var b bytes.Buffer
		if err := WriteCSV(&b, all); err != nil {
			t.Fatal(err)
		}
		p, err = s.PreviewImport(ctx, b.Bytes())
		if err != nil || len(p.Problems) != 0 || p.Added != 0 || p.Changed != 0 || p.Unchanged != 3 {
			t.Fatalf("round trip: %+v %v\n%s", p, err, b.String())
		}
	})
}

func TestImportFileProblems(t *testing.T) {
	for name, c := range map[string]struct {
		file string
		want Problem
	}{
		"empty":          {"", Problem{0, "", CodeEmptyFile}},
		"header only":    {"indicator,year,value,source\n", Problem{0, "", CodeEmptyFile}},
		"no value":       {"indicator,year,source\nx,2018,y\n", Problem{1, "value", CodeHeader}},
		"no year":        {"indicator,value,source\nx,1,y\n", Problem{1, "year", CodeHeader}},
		"short line":     {"indicator,year,value,source\nx,2018,1\n", Problem{2, "", CodeColumns}},
		"bad quoting":    {"indicator,year,value,source\nx,2018,1,\"y\n", Problem{2, "", CodeUnreadableFile}},
		"too large file": {strings.Repeat("x", MaxImportBytes+1), Problem{0, "", CodeFileTooLarge}},
	} {
		_, problems := parseValuesCSV([]byte(c.file))
		if len(problems) == 0 || problems[0] != c.want {
			t.Errorf("%s: %v, want %v", name, problems, c.want)
		}
	}
}

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO plan_themes (slug, name) VALUES ('mobilite', 'Mobilité'), ('energie-batiments', 'Énergie et bâtiments')"); err != nil {
				return err
			}
			if err := SeedDemo(ctx, tx, now); err != nil {
				return err
			}
			return SeedBench(ctx, tx, now, 3, 20)
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := testService(d).All(ctx)
		if err != nil || len(all) != 5 {
			t.Fatalf("All: %d %v", len(all), err)
		}
		fp := all[0]
		if fp.Slug != "empreinte-carbone" || fp.ThemeName != "Mobilité" || len(fp.Values) != 3 || fp.Status() != OffTrack {
			t.Errorf("footprint: %+v status %s", fp, fp.Status())
		}
		if len(all[4].Values) != 20 {
			t.Errorf("bench values: %d", len(all[4].Values))
		}
	})
}
