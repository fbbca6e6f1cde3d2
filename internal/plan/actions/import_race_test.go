package actions

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// An import applied while a staff member saves the same action: one of the
// two must be refused (the import as stale, or the edit as a conflict);
// both succeeding means one silently overwrote the other.
func TestImportAndEditAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		for i := range 30 {
			identifier := fmt.Sprintf("MOB-%02d", i)
			id := mustCreate(t, s, form(identifier, theme))
			file := []byte("identifier;title\n" + identifier + ";Titre importé\n")
			p, err := s.DryRun(ctx, file)
			if err != nil || len(p.Problems) > 0 {
				t.Fatalf("dry run: %v %+v", err, p.Problems)
			}
			var wg sync.WaitGroup
			var applied Preview
			var applyErr, editErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				applied, applyErr = s.Apply(ctx, staff, file, p.Fingerprint)
			}()
			go func() {
				defer wg.Done()
				editErr = s.SetStatus(ctx, staff, id, 1, QuickForm{Status: StatusOnTrack, Progress: "10"})
			}()
			wg.Wait()
			if applyErr != nil || (editErr != nil && editErr != ErrConflict) {
				t.Fatalf("round %d: %v / %v", i, applyErr, editErr)
			}
			if applied.Applied && editErr == nil {
				a := mustGet(t, s, id)
				t.Fatalf("round %d: both saved; now status %s, title %q", i, a.Status, a.Title)
			}
		}
	})
}
