package actions

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/plan/planimport"
)

const importFile = `identifier;title;theme;parent;weight;status;progress;departments;start;end
MOB-01;Plan vélo;mobilite;;1;on_track;;Direction de la Voirie et des Déplacements;2021-01-01;2026-12-31
MOB-01.1;Pistes cyclables;Thème mobilite;MOB-01;2;on_track;50;;;
MOB-01.2;Stationnement vélo;mobilite;MOB-01;1;late;20;;;
`

// count reads how many rows a table holds.
func count(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportDryRunThenApply(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		newTheme(t, s, "mobilite")
		sets := count(t, d, "plan_change_sets") // the theme's creation
		p, err := s.DryRun(ctx, []byte(importFile))
		if err != nil || len(p.Problems) > 0 {
			t.Fatalf("dry run: %v %+v", err, p.Problems)
		}
		if len(p.Plan.Create) != 3 || count(t, d, "plan_actions") != 0 || count(t, d, "plan_change_sets") != sets {
			t.Fatalf("the dry run wrote something, or plans wrong: %+v", p.Plan)
		}
		p, err = s.Apply(ctx, staff, []byte(importFile), p.Fingerprint)
		if err != nil || !p.Applied {
			t.Fatalf("apply: %v %+v", err, p)
		}
		list, _, _ := s.List(ctx, Filter{})
		if len(list) != 3 {
			t.Fatalf("after apply: %d actions", len(list))
		}
		top := list[0]
		// Parent without progress rolls up: (50×2 + 20×1) / 3 = 40.
		if top.Identifier != "MOB-01" || top.ProgressMode != ModeRollup || top.Progress != 40 || list[1].ParentID != top.ID {
			t.Errorf("tree: %+v / %+v", top, list[1])
		}
		if _, origin, ok := findChange(changesOf(t, d, top.ID), "created"); !ok || origin != history.OriginImport {
			t.Errorf("creation history of an import: %v %v", origin, ok)
		}

		// The export imported again changes nothing.
		rows, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := planimport.WriteCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		again, err := s.DryRun(ctx, buf.Bytes())
		if err != nil || len(again.Problems) > 0 || len(again.Plan.Create)+len(again.Plan.Update) != 0 || len(again.Plan.Unchanged) != 3 {
			t.Errorf("round trip: %v %+v %+v", err, again.Problems, again.Plan)
		}

		// An update shows old → new and is recorded as an import.
		changed := strings.Replace(importFile, "late;20", "on_track;80", 1)
		p, _ = s.DryRun(ctx, []byte(changed))
		if len(p.Plan.Update) != 1 || len(p.Plan.Unchanged) != 2 {
			t.Fatalf("update dry run: %+v", p.Plan)
		}
		// If the plan changes between dry run and apply, nothing is applied.
		f := FormOf(list[2])
		f.Title = "Arceaux vélo"
		if err := s.Update(ctx, staff, list[2].ID, list[2].Version, f); err != nil {
			t.Fatal(err)
		}
		stale, err := s.Apply(ctx, staff, []byte(changed), p.Fingerprint)
		if err != nil || !stale.Stale || stale.Applied {
			t.Fatalf("apply after a change: %v %+v", err, stale)
		}
		if a := mustGet(t, s, list[2].ID); a.Status != StatusLate {
			t.Errorf("a stale import was applied: %+v", a.Action)
		}
		p, _ = s.Apply(ctx, staff, []byte(changed), stale.Fingerprint)
		if !p.Applied {
			t.Fatalf("apply the new dry run: %+v", p)
		}
		a := mustGet(t, s, list[2].ID)
		if a.Status != StatusOnTrack || a.Progress != 80 || a.Title != "Stationnement vélo" {
			t.Errorf("after the import: %+v", a.Action)
		}
		if c, origin, ok := findChange(changesOf(t, d, a.ID), "status"); !ok || origin != history.OriginImport || c.Old != "late" {
			t.Errorf("import history: %+v %s", c, origin)
		}
		if got := mustGet(t, s, top.ID).Progress; got != 60 { // (50×2 + 80) / 3
			t.Errorf("parent after import: %v", got)
		}
	})
}

func TestImportBadRowChangesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		newTheme(t, s, "mobilite")
		for name, c := range map[string]struct {
			file   string
			line   int
			reason planimport.Reason
		}{
			"progress out of range": {strings.Replace(importFile, ";50;", ";150;", 1), 3, planimport.ReasonProgressRange},
			"unknown theme":         {strings.Replace(importFile, "late;20", "late;20", 1) + "MOB-02;Autre;energie;;1;;;;;\n", 5, ReasonUnknownTheme},
			"end before start":      {strings.Replace(importFile, "2021-01-01;2026-12-31", "2027-01-01;2026-12-31", 1), 2, planimport.ReasonEndBeforeStart},
		} {
			p, err := s.DryRun(ctx, []byte(c.file))
			if err != nil || len(p.Problems) != 1 || p.Problems[0].Line != c.line || p.Problems[0].Reason != c.reason {
				t.Errorf("%s: dry run %v %+v", name, err, p.Problems)
			}
			p, err = s.Apply(ctx, staff, []byte(c.file), "whatever")
			if err != nil || p.Applied || len(p.Problems) != 1 || p.Problems[0].Line != c.line {
				t.Errorf("%s: apply %v %+v", name, err, p)
			}
			if n := count(t, d, "plan_actions"); n != 0 {
				t.Errorf("%s: %d actions written", name, n)
			}
		}
	})
}

// Moving a sub-action to another parent by import rolls both parents up again.
func TestImportMoveRollsUpBothParents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		newTheme(t, s, "mobilite")
		file := importFile + "MOB-02;Bus;mobilite;;1;on_track;;;;\nMOB-02.1;Couloirs;mobilite;MOB-02;1;on_track;10;;;\n"
		p, _ := s.DryRun(ctx, []byte(file))
		if p, _ = s.Apply(ctx, staff, []byte(file), p.Fingerprint); !p.Applied {
			t.Fatalf("first import: %+v", p.Problems)
		}
		moved := strings.Replace(file, "MOB-01.2;Stationnement vélo;mobilite;MOB-01;", "MOB-01.2;Stationnement vélo;mobilite;MOB-02;", 1)
		p, _ = s.DryRun(ctx, []byte(moved))
		if p, _ = s.Apply(ctx, staff, []byte(moved), p.Fingerprint); !p.Applied {
			t.Fatalf("move: %+v", p)
		}
		list, _, _ := s.List(ctx, Filter{})
		got := map[string]float64{}
		for _, a := range list {
			got[a.Identifier] = a.Progress
		}
		// MOB-01 keeps only MOB-01.1 (50); MOB-02 = (10 + 20) / 2.
		if got["MOB-01"] != 50 || got["MOB-02"] != 15 {
			t.Errorf("parents after the move: %v", got)
		}
	})
}

// An import that changes a sub-action and a sub-sub-action moves their
// ancestor once, straight to its final figure: its history never shows a
// figure computed from stale progress.
func TestImportMovesAncestorsOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		newTheme(t, s, "mobilite")
		apply := func(file string) {
			t.Helper()
			p, err := s.DryRun(ctx, []byte(file))
			if err != nil || len(p.Problems) > 0 {
				t.Fatal(p.Problems, err)
			}
			if p, err = s.Apply(ctx, staff, []byte(file), p.Fingerprint); err != nil || !p.Applied {
				t.Fatalf("apply: %+v %v", p.Problems, err)
			}
		}
		const head = "identifier;title;theme;parent;weight;status;progress\n"
		apply(head + "A;Parent;mobilite;;1;on_track;\nA.1;Enfant;mobilite;A;1;on_track;\n" +
			"A.1.1;Petit-enfant;mobilite;A.1;1;on_track;0\nA.2;Autre enfant;mobilite;A;1;on_track;20\n")
		var parent int64
		if err := d.QueryRow(ctx, "SELECT id FROM plan_actions WHERE identifier = 'A'").Scan(&parent); err != nil {
			t.Fatal(err)
		}
		if got := mustGet(t, s, parent).Progress; got != 10 {
			t.Fatalf("A after the first import: %v", got)
		}
		earlier := len(changesOf(t, d, parent))
		// A.1 now weighs 3 and A.1.1 is done: A = (100×3 + 20) / 4 = 80.
		apply(head + "A;Parent;mobilite;;1;on_track;\nA.1;Enfant;mobilite;A;3;on_track;\n" +
			"A.1.1;Petit-enfant;mobilite;A.1;1;on_track;100\nA.2;Autre enfant;mobilite;A;1;on_track;20\n")
		var moves []history.Change
		sets := changesOf(t, d, parent) // newest first
		for _, set := range sets[:len(sets)-earlier] {
			for _, c := range set.Changes {
				if c.Field == "progress" {
					moves = append(moves, c)
				}
			}
		}
		if len(moves) != 1 || moves[0].Old != "10" || moves[0].New != "80" {
			t.Errorf("A's progress history after the second import: %+v", moves)
		}
	})
}
