package actions

import (
	"context"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// The q search ignores case and accents on both engines.
func TestSearchFoldsCaseAndAccents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "energie")
		f := form("ENE-01", theme)
		f.Title = "Énergie des bâtiments publics"
		mustCreate(t, s, f)
		f = form("ENE-02", theme)
		f.Description = "Rénover le cœur des écoles"
		mustCreate(t, s, f)
		mustCreate(t, s, form("MOB-01", theme))
		for q, want := range map[string]string{"énergie": "ENE-01", "energie": "ENE-01", "ÉNERGIE": "ENE-01",
			"batiments energie": "ENE-01", "coeur ECOLES": "ENE-02", "ene-02": "ENE-02", "énergie écoles": ""} {
			list, total, err := s.List(ctx, Filter{Q: q, Limit: 20})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, a := range list {
				got += a.Identifier
			}
			if got != want || total != len(list) {
				t.Errorf("q=%q: %q (total %d), want %q", q, got, total, want)
			}
		}
		// Paging applies after the search.
		list, total, err := s.List(ctx, Filter{Q: "action", Limit: 1, Offset: 1})
		if err != nil || total != 2 || len(list) != 1 || list[0].Identifier != "MOB-01" {
			t.Errorf("paged search: %v %d %+v", err, total, list)
		}
	})
}
