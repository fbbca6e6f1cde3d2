package actions

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// Two creations with the same identifier at once: one is saved, the other
// gets the translated "identifier taken", never a raw database error.
func TestConcurrentDuplicateIdentifier(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		for i := range 20 {
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for g := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[g] = s.Create(ctx, staff, form(fmt.Sprintf("DUP-%d", i), theme))
				}()
			}
			wg.Wait()
			saved := 0
			for _, err := range errs {
				switch fe := errorsOf(err); {
				case err == nil:
					saved++
				case len(fe) == 1 && fe[0].Key == "plan.actions.error.identifier_taken":
				default:
					t.Fatalf("round %d: %v", i, err)
				}
			}
			if saved != 1 {
				t.Fatalf("round %d: %d saved", i, saved)
			}
		}
	})
}
