package actions

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
		if err := d.Tx(ctx, func(tx *db.Tx) error { return SeedDemo(ctx, tx, now) }); err != nil {
			t.Fatal(err)
		}
		s := NewService(Deps{DB: d, Now: func() time.Time { return now }})
		all, total, err := s.List(ctx, Filter{})
		if err != nil || total < 40 {
			t.Fatalf("demo actions: %d %v", total, err)
		}
		_, late, _ := s.List(ctx, Filter{Flag: FlagLate})
		_, stale, _ := s.List(ctx, Filter{Flag: FlagStale})
		// A few late, so that one made late in the journey still shows among the dashboard's ten.
		if late < 3 || late > 8 || stale < 3 || stale == total {
			t.Errorf("late %d, stale %d of %d", late, stale, total)
		}
		themes, _ := s.Themes(ctx)
		for _, slug := range []string{"energie-batiments", "mobilite", "alimentation", "dechets-economie-circulaire", "adaptation-nature", "mobilisation"} {
			if _, ok := findTheme(themes, slug); !ok {
				t.Errorf("no demo theme %s", slug)
			}
		}
		// MOB-01 rolls up 65×3, 40×1 and done 100×1 over 5.
		for _, a := range all {
			if a.Identifier == "MOB-01" && a.Progress != 67 {
				t.Errorf("MOB-01 progress %v", a.Progress)
			}
		}
		if n := count(t, d, "plan_change_sets"); n < 2*40 {
			t.Errorf("history sets: %d", n)
		}
		var future int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM plan_change_sets WHERE changed_at > ?", now).Scan(&future)
		if future != 0 {
			t.Errorf("%d history sets dated after now", future)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return SeedBench(ctx, tx, now, 500) }); err != nil {
			t.Fatal(err)
		}
		if _, total2, _ := s.List(ctx, Filter{}); total2 != total+500 {
			t.Errorf("bench: %d", total2-total)
		}
	})
}
