package actions

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/planimport"
)

// Apply writes what the dry run showed and nothing more: a manual action
// with sub-actions and no typed progress (an empty cell in the export)
// keeps its mode and its progress when only its title changes.
func TestImportAppliesOnlyWhatWasPreviewed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		parent := mustCreate(t, s, form("MOB-01", theme)) // manual, no progress typed
		child := form("MOB-01.1", theme)
		child.Parent, child.Progress = itoa(parent), "60"
		mustCreate(t, s, child)

		rows, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := planimport.WriteCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		file := []byte(strings.Replace(buf.String(), "Action MOB-01,", "Plan vélo,", 1))
		p, err := s.DryRun(ctx, file)
		if err != nil || len(p.Problems) > 0 || len(p.Plan.Update) != 1 {
			t.Fatalf("dry run: %v %+v %+v", err, p.Problems, p.Plan)
		}
		if p, err = s.Apply(ctx, staff, file, p.Fingerprint); err != nil || !p.Applied {
			t.Fatalf("apply: %v %+v", err, p)
		}
		after := mustGet(t, s, parent)
		if after.Title != "Plan vélo" || after.ProgressMode != ModeManual || after.Progress != 0 {
			t.Errorf("after apply: %+v", after.Action)
		}
		sets := changesOf(t, d, parent)
		if len(sets[0].Changes) != 1 || sets[0].Changes[0].Field != "title" {
			t.Errorf("the import's history holds more than the preview: %+v", sets[0].Changes)
		}
	})
}
