package dashboard

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/plan/indicators"
)

func TestOverviewOfASmallPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		f := smallPlan(t, d, now)
		changed := now.Add(-3 * time.Hour)
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: f.actions["A1"], SubjectLabel: "A1",
				Origin: history.OriginEdit, At: changed, Changes: []history.Change{{Field: "progress", Old: "40", New: "50"}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		o, err := NewService(Deps{DB: d}).Overview(ctx, now)
		if err != nil {
			t.Fatal(err)
		}

		want := map[string]int{"not_started": 1, "on_track": 3, "late": 1, "done": 1, "cancelled": 1, "merged": 0}
		if len(o.Statuses) != len(Statuses) || o.TotalActions != 7 {
			t.Fatalf("statuses %+v total %d", o.Statuses, o.TotalActions)
		}
		for i, s := range o.Statuses {
			if s.Status != Statuses[i] || s.Count != want[s.Status] {
				t.Errorf("status %d: %+v, want %s %d", i, s, Statuses[i], want[Statuses[i]])
			}
		}

		// Mobilité holds A3 (no figure) and, through Vélo, A1 (50) and A2
		// (20); the sub-action A4 is in A1's figure. Énergie leaves the
		// cancelled A6 out: done A5 (100) and A7 (30).
		if len(o.Themes) != 2 || o.Themes[0].Name != "Mobilité" || o.Themes[1].Name != "Énergie" {
			t.Fatalf("roots %+v", o.Themes)
		}
		mob, nrg := o.Themes[0], o.Themes[1]
		if mob.Actions != 3 || mob.NoFigure != 1 || mob.Average != 35 || len(mob.Children) != 1 {
			t.Errorf("Mobilité %+v", mob)
		}
		if v := mob.Children[0]; v.Name != "Vélo" || v.Actions != 2 || v.NoFigure != 0 || v.Average != 35 {
			t.Errorf("Vélo %+v", v)
		}
		if nrg.Actions != 2 || nrg.NoFigure != 0 || nrg.Average != 65 || !nrg.HasAverage() {
			t.Errorf("Énergie %+v", nrg)
		}

		if got := idents(o.Late); o.Late.Total != 2 || got != "A3 A2" {
			t.Errorf("late: %q total %d, want A3 A2 (the end date first)", got, o.Late.Total)
		}
		if got := idents(o.Stale); o.Stale.Total != 2 || got != "A3 A7" {
			t.Errorf("stale: %q total %d, want A3 A7 (the oldest first, done ones left out)", got, o.Stale.Total)
		}

		if len(o.Indicators) != 1 {
			t.Fatalf("indicators %+v", o.Indicators)
		}
		in := o.Indicators[0]
		// 2018 expects 25 − 14/26 × 12.5 ≈ 18.3; 22.7 is well above.
		if in.Status != indicators.OffTrack || in.Latest == nil || in.Latest.Value != 22.7 || in.Goal == nil || in.Goal.Year != 2030 {
			t.Errorf("indicator %+v latest %+v goal %+v", in, in.Latest, in.Goal)
		}
		if len(in.Values) != 2 || len(in.Def.Goals) != 2 {
			t.Errorf("values %+v goals %+v", in.Values, in.Def.Goals)
		}
		if !o.LatestChange.Equal(changed) {
			t.Errorf("latest change %v, want %v", o.LatestChange, changed)
		}
	})
}

func TestOverviewOfAnEmptyPlan(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o, err := NewService(Deps{DB: d}).Overview(context.Background(), db.Now())
		if err != nil {
			t.Fatal(err)
		}
		if o.TotalActions != 0 || len(o.Themes) != 0 || len(o.Indicators) != 0 || o.Late.Total != 0 || !o.LatestChange.IsZero() {
			t.Fatalf("%+v", o)
		}
	})
}

// The flag lists stop at FlagLimit and still give the full count.
func TestFlagsAreCapped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		now := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
		f := &planFixture{themes: map[string]int64{}, actions: map[string]int64{}}
		err := d.Tx(context.Background(), func(tx *db.Tx) error {
			addTheme(t, tx, f, "t", "Thème", "", 1)
			for i := range FlagLimit + 3 {
				addAction(t, tx, f, now, fixtureAction{key: "L" + string(rune('a'+i)), theme: "t", status: "late", progress: -1})
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		o, err := NewService(Deps{DB: d}).Overview(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Late.Items) != FlagLimit || o.Late.Total != FlagLimit+3 {
			t.Fatalf("%d items, total %d", len(o.Late.Items), o.Late.Total)
		}
	})
}

func idents(l FlagList) string {
	s := ""
	for i, f := range l.Items {
		if i > 0 {
			s += " "
		}
		s += f.Identifier
	}
	return s
}
