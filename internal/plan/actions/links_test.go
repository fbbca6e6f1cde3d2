package actions

import (
	"context"
	"strconv"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestLinks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		titles := map[int64]string{7: "Fête du compost"}
		s := NewService(Deps{DB: d, Titles: func(_ context.Context, kind string, id int64) (string, bool, error) {
			title, ok := titles[id]
			return title, ok && kind == "event", nil
		}})
		theme := newTheme(t, s, "dechets")
		id := mustCreate(t, s, form("DEC-01", theme))
		var indicator int64
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO plan_indicators (slug, name, unit, direction, baseline_year, baseline_value, created_at, updated_at)
				VALUES ('dechets', 'Déchets ménagers', 'kg/hab', 'lower', 2004, 500, ?, ?) RETURNING id`, db.Now(), db.Now()).Scan(&indicator)
		}); err != nil {
			t.Fatal(err)
		}
		for _, l := range []struct{ kind, target string }{{"indicator", "#" + itoa(indicator)}, {"event", "7"}} {
			if err := s.AddLink(ctx, staff, id, l.kind, l.target); err != nil {
				t.Fatalf("link %s: %v", l.kind, err)
			}
		}
		if err := s.AddLink(ctx, staff, id, "event", "7"); err != nil { // twice: nothing changes
			t.Fatal(err)
		}
		if errs := errorsOf(s.AddLink(ctx, staff, id, "petition", "7")); len(errs) != 1 || errs[0].Field != "kind" {
			t.Errorf("unknown kind: %+v", errs)
		}
		det := mustGet(t, s, id)
		if len(det.Links) != 2 || det.Links[0].Title != "Fête du compost" || det.Links[1].Href != "/plan#indicator-"+itoa(indicator) {
			t.Errorf("links: %+v", det.Links)
		}
		if c, _, ok := findChange(changesOf(t, d, id), "link"); !ok || c.New != "indicator:Déchets ménagers" && c.New != "event:Fête du compost" {
			t.Errorf("link history: %+v", c)
		}
		// A link to something gone is skipped, not shown broken.
		delete(titles, 7)
		if det := mustGet(t, s, id); len(det.Links) != 1 || det.Links[0].Kind != "indicator" {
			t.Errorf("links after the event went: %+v", det.Links)
		}
		if err := s.RemoveLink(ctx, staff, id, "indicator", indicator); err != nil {
			t.Fatal(err)
		}
		if c, _, _ := findChange(changesOf(t, d, id), "link"); c.Old != "indicator:Déchets ménagers" || c.New != "" {
			t.Errorf("unlink history: %+v", c)
		}
	})
}

func TestMoveTheme(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		a, b, c := newTheme(t, s, "a"), newTheme(t, s, "b"), newTheme(t, s, "c")
		if err := s.MoveTheme(ctx, staff, c, true); err != nil {
			t.Fatal(err)
		}
		if err := s.MoveTheme(ctx, staff, a, true); err != nil { // already first: nothing moves
			t.Fatal(err)
		}
		themes, _ := s.Themes(ctx)
		if got := []int64{themes[0].ID, themes[1].ID, themes[2].ID}; got[0] != a || got[1] != c || got[2] != b {
			t.Errorf("order after moving c up: %v", got)
		}
		if err := s.MoveTheme(ctx, staff, 999999, true); err != ErrNotFound {
			t.Errorf("unknown theme: %v", err)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
