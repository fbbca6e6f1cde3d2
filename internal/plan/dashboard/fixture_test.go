package dashboard

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
)

// planFixture is a small plan written straight in SQL: ids by name.
type planFixture struct {
	themes  map[string]int64
	actions map[string]int64
}

// fixtureAction is one row of plan_actions; progress < 0 means none.
type fixtureAction struct {
	key, theme, parent, status string
	progress                   float64
	endsOn                     string
	updatedAgo                 time.Duration
}

func addTheme(t testing.TB, tx *db.Tx, f *planFixture, key, name, parent string, pos int) {
	t.Helper()
	var p any
	if parent != "" {
		p = f.themes[parent]
	}
	var id int64
	if err := tx.QueryRow(context.Background(), `INSERT INTO plan_themes (parent_id, slug, name, position) VALUES (?, ?, ?, ?) RETURNING id`,
		p, key, name, pos).Scan(&id); err != nil {
		t.Fatal(err)
	}
	f.themes[key] = id
}

func addAction(t testing.TB, tx *db.Tx, f *planFixture, now time.Time, a fixtureAction) {
	t.Helper()
	var parent, progress, ends any
	if a.parent != "" {
		parent = f.actions[a.parent]
	}
	if a.progress >= 0 {
		progress = a.progress
	}
	if a.endsOn != "" {
		ends = a.endsOn
	}
	at := now.Add(-a.updatedAgo)
	var id int64
	if err := tx.QueryRow(context.Background(), `INSERT INTO plan_actions (identifier, title, theme_id, parent_id, status, ends_on, progress, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.key, "Action "+a.key, f.themes[a.theme], parent, a.status, ends, progress, at, at).Scan(&id); err != nil {
		t.Fatal(err)
	}
	f.actions[a.key] = id
}

// smallPlan: Mobilité (with the sub-theme Vélo) and Énergie, seven actions
// covering every rule of the dashboard, and one indicator.
func smallPlan(t testing.TB, d *db.DB, now time.Time) *planFixture {
	t.Helper()
	f := &planFixture{themes: map[string]int64{}, actions: map[string]int64{}}
	const day = 24 * time.Hour
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		addTheme(t, tx, f, "mobilite", "Mobilité", "", 1)
		addTheme(t, tx, f, "velo", "Vélo", "mobilite", 1)
		addTheme(t, tx, f, "energie", "Énergie", "", 2)
		for _, a := range []fixtureAction{
			{key: "A1", theme: "velo", status: "on_track", progress: 50, endsOn: "2030-12-31"},
			{key: "A2", theme: "velo", status: "late", progress: 20},
			{key: "A3", theme: "mobilite", status: "not_started", progress: -1, endsOn: "2026-01-01", updatedAgo: 100 * day},
			{key: "A4", theme: "mobilite", parent: "A1", status: "on_track", progress: 80},
			{key: "A5", theme: "energie", status: "done", progress: 100, endsOn: "2025-06-30", updatedAgo: 200 * day},
			{key: "A6", theme: "energie", status: "cancelled", progress: 10, updatedAgo: 300 * day},
			{key: "A7", theme: "energie", status: "on_track", progress: 30, updatedAgo: 91 * day},
		} {
			addAction(t, tx, f, now, a)
		}
		var ind int64
		ctx := context.Background()
		if err := tx.QueryRow(ctx, `INSERT INTO plan_indicators (slug, name, unit, direction, baseline_year, baseline_value, created_at, updated_at)
			VALUES ('empreinte', 'Empreinte carbone', 'MtCO2e', 'lower', 2004, 25, ?, ?) RETURNING id`, now, now).Scan(&ind); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO plan_indicator_goals (indicator_id, year, value) VALUES (?, 2030, 12.5), (?, 2050, 5)`, ind, ind); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO plan_indicator_values (indicator_id, year, value, source, created_at) VALUES (?, 2014, 22, 'Bilan 2014', ?), (?, 2018, 22.7, 'Bilan 2018', ?)`,
			ind, now, ind, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}
