package indicators

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
)

// An import and a staff correction of the same value at once: whatever
// wins, the history of that value stays one chain (each change starts from
// the value the previous one left) and ends at the stored value, so no
// correction is overwritten behind a history that says otherwise.
func TestImportRacingACorrection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := testService(d)
		id := create(t, s, footprintInput())
		addValue(t, s, id, ValueInput{Year: "2014", Value: "25.6", Source: "Bilan Carbone"})
		for round := range 15 {
			file := fmt.Sprintf("indicator;year;value;source\nempreinte;2014;%d.5;Import\n", 30+round)
			preview, err := s.PreviewImport(ctx, []byte(file))
			if err != nil || len(preview.Problems) > 0 {
				t.Fatal(preview.Problems, err)
			}
			e, err := s.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			wg.Add(2)
			go func() {
				defer wg.Done()
				s.ApplyImport(ctx, staff, []byte(file), preview.Digest)
			}()
			go func() {
				defer wg.Done()
				s.CorrectValue(ctx, staff, id, e.Values[0].ID, e.Version, ValueInput{Year: "2014", Value: fmt.Sprintf("%d.25", 60+round), Source: "Correction"})
			}()
			wg.Wait()
		}
		sets, err := history.List(ctx, d, history.Filter{Kind: history.KindIndicator, SubjectID: id, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		list := sets.Sets
		slices.Reverse(list) // oldest first
		prev := ""
		for _, set := range list {
			for _, c := range set.Changes {
				if c.Field != "value:2014" {
					continue
				}
				if c.Old != prev {
					t.Fatalf("a change from %q follows one that left %q (%s)", c.Old, prev, set.Origin)
				}
				prev = c.New
			}
		}
		e, _ := s.Get(ctx, id)
		if got := fmt.Sprint(e.Values[0].Value.Value); got != prev {
			t.Errorf("stored %s, history ends at %s", got, prev)
		}
	})
}
