package actions

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// countingQuerier counts the queries that go through it.
type countingQuerier struct {
	q querier
	n int
}

func (c *countingQuerier) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n++
	return c.q.Query(ctx, query, args...)
}

func (c *countingQuerier) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	c.n++
	return c.q.QueryRow(ctx, query, args...)
}

// The API reads a fixed number of queries whatever the number of actions,
// milestones, tasks and links.
func TestAPIQueriesDoNotGrowWithActions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		bulk := 0
		s := NewService(Deps{DB: d, Titles: func(_ context.Context, kind string, id int64) (string, bool, error) {
			return fmt.Sprintf("%s %d", kind, id), true, nil
		}, TitlesOf: func(_ context.Context, kind string, ids []int64) (map[int64]string, error) {
			bulk++
			out := map[int64]string{}
			for _, id := range ids {
				out[id] = fmt.Sprintf("%s %d", kind, id)
			}
			return out, nil
		}})
		theme := newTheme(t, s, "energie")
		var indicator int64
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO plan_indicators (slug, name, unit, direction, baseline_year, baseline_value, created_at, updated_at)
				VALUES ('conso', 'Consommation', 'GWh', 'lower', 2004, 500, ?, ?) RETURNING id`, db.Now(), db.Now()).Scan(&indicator)
		}); err != nil {
			t.Fatal(err)
		}
		add := func(n int) {
			id := mustCreate(t, s, form(fmt.Sprintf("ENE-%02d", n), theme))
			for _, err := range []error{
				s.AddMilestone(ctx, staff, id, "2027-01-15", "Étape"),
				s.AddTask(ctx, staff, id, "", "Tâche"),
				s.AddLink(ctx, staff, id, "indicator", itoa(indicator)),
				s.AddLink(ctx, staff, id, "event", itoa(int64(n))),
				s.AddLink(ctx, staff, id, "initiative", itoa(int64(n))),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		count := func() (int, []APIAction) {
			c := &countingQuerier{q: d}
			bulk = 0
			list, err := s.apiActions(ctx, c, Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return c.n + bulk, list
		}
		add(1)
		one, list := count()
		if len(list) != 1 || len(list[0].Milestones) != 1 || len(list[0].Tasks) != 1 || len(list[0].Links) != 3 {
			t.Fatalf("one action: %+v", list)
		}
		for n := 2; n <= 6; n++ {
			add(n)
		}
		six, list := count()
		if len(list) != 6 || len(list[5].Links) != 3 || list[5].Links[0].Title != "event 6" {
			t.Fatalf("six actions: %+v", list)
		}
		if six != one {
			t.Errorf("queries grow with the actions: %d for one action, %d for six", one, six)
		}
	})
}
