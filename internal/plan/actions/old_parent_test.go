package actions

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
)

// A sub-action moved to another parent: the parent it left moves by
// computation, so its history shows the change and its updated_at moves.
func TestOldParentRecordsItsRollUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		parents := [2]int64{}
		for i, identifier := range []string{"P-A", "P-B"} {
			f := form(identifier, theme)
			f.ProgressMode = ModeRollup
			parents[i] = mustCreate(t, s, f)
		}
		c := form("C-1", theme)
		c.Parent, c.Progress = itoa(parents[0]), "80"
		child := mustCreate(t, s, c)
		// updated_at is stored to the microsecond; make sure the clock moves.
		old := mustGet(t, s, parents[0])
		if _, err := d.Exec(ctx, "UPDATE plan_actions SET updated_at = ? WHERE id = ?", old.UpdatedAt.Add(-time.Hour), old.ID); err != nil {
			t.Fatal(err)
		}
		cd := mustGet(t, s, child)
		f := FormOf(cd.Action)
		f.Parent = itoa(parents[1])
		if err := s.Update(ctx, staff, child, cd.Version, f); err != nil {
			t.Fatal(err)
		}
		after := mustGet(t, s, parents[0])
		if after.Progress != 0 || !after.UpdatedAt.After(old.UpdatedAt.Add(-time.Hour)) {
			t.Errorf("old parent: progress %v, updated_at %v", after.Progress, after.UpdatedAt)
		}
		sets := changesOf(t, d, parents[0])
		if c := sets[0].Changes; sets[0].Origin != history.OriginSystem || len(c) != 1 || c[0].Field != "progress" || c[0].Old != "80" || c[0].New != "0" {
			t.Errorf("old parent's latest history: %s %+v", sets[0].Origin, sets[0].Changes)
		}
	})
}
