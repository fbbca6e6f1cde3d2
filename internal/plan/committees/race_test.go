package committees_test

import (
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/committees"
)

// Staff adding the same account at the same time seat it once; the others
// are told it already sits there (the unique index decides, not timing).
func TestConcurrentAddsSeatAnAccountOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité mobilités")
		f.user(t, "membre@example.org", "volunteer")
		const n = 8
		var wg sync.WaitGroup
		refusals := make([][]committees.FieldError, n)
		failures := make([]error, n)
		for i := range n {
			wg.Go(func() {
				refusals[i], failures[i] = f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Email: "membre@example.org", College: "volunteer"})
			})
		}
		wg.Wait()
		seated := 0
		for i := range n {
			switch {
			case failures[i] != nil:
				t.Errorf("add %d: %v", i, failures[i])
			case len(refusals[i]) == 0:
				seated++
			case !hasError(refusals[i], "email", "plan.committees.error.already_member"):
				t.Errorf("add %d refused with %v", i, refusals[i])
			}
		}
		ms, err := f.svc.Members(ctx, id, f.staff)
		if err != nil || seated != 1 || len(ms) != 1 {
			t.Errorf("%d adds accepted, %d members (%v)", seated, len(ms), err)
		}
	})
}
