package actions

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/history"
)

func themeSets(t *testing.T, d *db.DB, id int64) []history.Set {
	t.Helper()
	sets, err := history.List(context.Background(), d, history.Filter{Kind: history.KindTheme, SubjectID: id})
	if err != nil {
		t.Fatal(err)
	}
	return sets.Sets
}

// A theme's creation, rename, move and deletion each leave one change set
// with the old and new values, the parent named as it was called.
func TestThemeHistory(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		top := newTheme(t, s, "mobilite")
		id, err := s.SaveTheme(ctx, staff, 0, ThemeForm{Name: "Vélo", Description: "Pistes et stationnement"})
		if err != nil {
			t.Fatal(err)
		}
		sets := themeSets(t, d, id)
		if len(sets) != 1 || sets[0].Origin != history.OriginCreate || sets[0].SubjectLabel != "Vélo" || sets[0].ActorName != staff.Name {
			t.Fatalf("creation: %+v", sets)
		}
		if c, _, ok := findChange(sets, "slug"); !ok || c.Old != "" || c.New != "velo" {
			t.Errorf("creation's slug: %+v", c)
		}
		// Saved unchanged: no event, but the version still moves.
		if _, err := s.SaveTheme(ctx, staff, id, ThemeForm{Name: "Vélo", Slug: "velo", Description: "Pistes et stationnement", Version: "1"}); err != nil {
			t.Fatal(err)
		}
		if n := len(themeSets(t, d, id)); n != 1 {
			t.Errorf("an unchanged save wrote history: %d sets", n)
		}
		if _, err := s.SaveTheme(ctx, staff, id, ThemeForm{Name: "Vélo et marche", Slug: "velo",
			Description: "Pistes et stationnement", Parent: strconv.FormatInt(top, 10), Version: "2"}); err != nil {
			t.Fatal(err)
		}
		sets = themeSets(t, d, id)
		if len(sets) != 2 || sets[0].Origin != history.OriginEdit || len(sets[0].Changes) != 2 {
			t.Fatalf("rename and move: %+v", sets)
		}
		if c, _, _ := findChange(sets[:1], "name"); c.Old != "Vélo" || c.New != "Vélo et marche" {
			t.Errorf("rename: %+v", c)
		}
		if c, _, _ := findChange(sets[:1], "parent_theme"); c.Old != "" || c.New != "Thème mobilite" {
			t.Errorf("move: %+v", c)
		}
		if err := s.DeleteTheme(ctx, staff, id); err != nil {
			t.Fatal(err)
		}
		if c, _, ok := findChange(themeSets(t, d, id)[:1], "deleted"); !ok || c.Old != "Vélo et marche" {
			t.Errorf("deletion: %+v %v", c, ok)
		}
	})
}

// An edit from a version older than the stored one, or with no version at
// all, is refused whole: nothing changes and nothing is recorded.
func TestThemeStaleVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		id := newTheme(t, s, "energie")
		if _, err := s.SaveTheme(ctx, staff, id, ThemeForm{Name: "Énergie", Version: "1"}); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"1", "", "abc", "3"} {
			if _, err := s.SaveTheme(ctx, staff, id, ThemeForm{Name: "Autre nom", Version: v}); !errors.Is(err, ErrConflict) {
				t.Errorf("version %q: %v, want a conflict", v, err)
			}
		}
		th, err := s.Theme(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if th.Name != "Énergie" || th.Version != 2 {
			t.Errorf("after refused edits: %+v", th)
		}
		if n := len(themeSets(t, d, id)); n != 2 {
			t.Errorf("history sets: %d, want 2 (creation, rename)", n)
		}
	})
}

// Two staff members renaming the same theme from the same page at once:
// exactly one wins, the other is told, and the history holds only the winner.
func TestThemeConcurrentRenames(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		for round := range 20 {
			id := newTheme(t, s, "theme-"+strconv.Itoa(round))
			names := []string{"Premier", "Second"}
			errs := make([]error, len(names))
			var wg sync.WaitGroup
			for i, name := range names {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = s.SaveTheme(ctx, staff, id, ThemeForm{Name: name, Version: "1"})
				}()
			}
			wg.Wait()
			won := -1
			for i, err := range errs {
				switch {
				case err == nil:
					if won >= 0 {
						t.Fatalf("round %d: both renames were saved", round)
					}
					won = i
				case !errors.Is(err, ErrConflict):
					t.Fatalf("round %d: %v", round, err)
				}
			}
			if won < 0 {
				t.Fatalf("round %d: neither rename was saved: %v", round, errs)
			}
			th, err := s.Theme(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			sets := themeSets(t, d, id)
			if th.Name != names[won] || th.Version != 2 || len(sets) != 2 {
				t.Fatalf("round %d: stored %+v with %d sets", round, th, len(sets))
			}
		}
	})
}

// Two staff members moving two themes under each other at once: one move
// wins, the other is refused as a cycle, and both themes stay on the tree.
func TestThemeConcurrentCrossedMoves(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		for round := range 20 {
			x := newTheme(t, s, "x-"+strconv.Itoa(round))
			y := newTheme(t, s, "y-"+strconv.Itoa(round))
			moves := [][2]int64{{x, y}, {y, x}} // theme, new parent
			errs := make([]error, len(moves))
			var wg sync.WaitGroup
			for i, m := range moves {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = s.SaveTheme(ctx, staff, m[0], ThemeForm{Name: "Thème " + strconv.FormatInt(m[0], 10),
						Parent: strconv.FormatInt(m[1], 10), Version: "1"})
				}()
			}
			wg.Wait()
			refused := 0
			for _, err := range errs {
				if hasError(err, "parent", "plan.actions.error.theme_cycle") {
					refused++
				} else if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
			}
			themes, err := s.Themes(ctx)
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, th := range themes {
				if th.ID == x || th.ID == y {
					seen++
				}
			}
			if refused != 1 || seen != 2 {
				t.Fatalf("round %d: %d moves refused, %d of the two themes on the tree", round, refused, seen)
			}
		}
	})
}

// A theme with an indicator filed under it is not deleted: the indicator
// would lose its theme with no trace in its history.
func TestThemeWithIndicatorStays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		id := newTheme(t, s, "energie")
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			now := db.Now()
			_, err := tx.Exec(ctx, `INSERT INTO plan_indicators (slug, name, unit, direction, baseline_year, baseline_value,
				theme_id, created_at, updated_at) VALUES ('conso', 'Consommation', 'GWh', 'lower', 2004, 100, ?, ?, ?)`, id, now, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTheme(ctx, staff, id); !errors.Is(err, ErrThemeInUse) {
			t.Fatalf("delete a theme with an indicator: %v", err)
		}
		if _, err := s.Theme(ctx, id); err != nil {
			t.Errorf("the theme is gone: %v", err)
		}
	})
}
