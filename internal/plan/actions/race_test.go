package actions

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// Two staff members finishing the two sub-actions of a rolled-up action at
// the same moment: whatever the order of the commits, the parent ends at 100.
func TestConcurrentSiblingsRollUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		for i := range 20 {
			p := form(fmt.Sprintf("R%d", i), theme)
			p.ProgressMode = ModeRollup
			parent := mustCreate(t, s, p)
			var kids []int64
			for k := range 2 {
				c := form(fmt.Sprintf("R%d.%d", i, k), theme)
				c.Parent, c.Progress = itoa(parent), "0"
				kids = append(kids, mustCreate(t, s, c))
			}
			var wg sync.WaitGroup
			errs := make([]error, len(kids))
			for k, kid := range kids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[k] = s.SetStatus(ctx, staff, kid, 1, QuickForm{Status: StatusOnTrack, Progress: "100"})
				}()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := mustGet(t, s, parent).Progress; got != 100 {
				t.Fatalf("round %d: both sub-actions at 100, parent stored %v", i, got)
			}
		}
	})
}
