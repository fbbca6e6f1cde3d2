package dashboard

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"climatevolunteers/internal/plan/indicators"
)

// notClosed is the SQL condition of an action still open.
var notClosed = "status NOT IN ('" + strings.Join(closedStatuses, "', '") + "')"

func (s *Service) statusCounts(ctx context.Context) ([]StatusCount, int, error) {
	rows, err := s.db.Query(ctx, `SELECT status, COUNT(*) FROM plan_actions GROUP BY status`)
	if err != nil {
		return nil, 0, fmt.Errorf("dashboard: status counts: %w", err)
	}
	defer rows.Close()
	byStatus := map[string]int{}
	total := 0
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, 0, err
		}
		byStatus[st], total = n, total+n
	}
	out := make([]StatusCount, len(Statuses))
	for i, st := range Statuses {
		out[i] = StatusCount{Status: st, Count: byStatus[st]}
	}
	return out, total, rows.Err()
}

// themeProgress reads the theme tree and each theme's own top-level actions,
// then adds every theme's figures to its ancestors.
func (s *Service) themeProgress(ctx context.Context) ([]*ThemeProgress, error) {
	rows, err := s.db.Query(ctx, `SELECT id, COALESCE(parent_id, 0), name FROM plan_themes ORDER BY position, name, id`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: themes: %w", err)
	}
	byID := map[int64]*ThemeProgress{}
	parents := map[int64]int64{}
	var order []int64
	for rows.Next() {
		t := &ThemeProgress{}
		var parent int64
		if err := rows.Scan(&t.ID, &parent, &t.Name); err != nil {
			rows.Close()
			return nil, err
		}
		byID[t.ID], parents[t.ID] = t, parent
		order = append(order, t.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = s.db.Query(ctx, `SELECT theme_id, COUNT(*), COUNT(progress), COALESCE(SUM(progress), 0) FROM plan_actions
		WHERE parent_id IS NULL AND status NOT IN ('cancelled', 'merged') GROUP BY theme_id`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: theme progress: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n, withFigure int
		var sum float64
		if err := rows.Scan(&id, &n, &withFigure, &sum); err != nil {
			return nil, err
		}
		// Up the tree, guarding against a cycle written by hand in the table.
		for seen := 0; id != 0 && seen < len(byID); seen++ {
			t := byID[id]
			if t == nil {
				break
			}
			t.Actions, t.NoFigure, t.sum = t.Actions+n, t.NoFigure+n-withFigure, t.sum+sum
			id = parents[id]
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var roots []*ThemeProgress
	for _, id := range order {
		t := byID[id]
		if t.HasAverage() {
			t.Average = t.sum / float64(t.Actions-t.NoFigure)
		}
		if p := byID[parents[id]]; p != nil && p != t {
			p.Children = append(p.Children, t)
		} else {
			roots = append(roots, t)
		}
	}
	return roots, nil
}

// indicators reads every indicator with its goals and values in three
// queries.
func (s *Service) indicators(ctx context.Context) ([]Indicator, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, unit, direction, baseline_year, baseline_value FROM plan_indicators ORDER BY position, name, id`)
	if err != nil {
		return nil, fmt.Errorf("dashboard: indicators: %w", err)
	}
	var out []Indicator
	index := map[int64]int{}
	for rows.Next() {
		var in Indicator
		var dir string
		if err := rows.Scan(&in.ID, &in.Def.Name, &in.Def.Unit, &dir, &in.Def.BaselineYear, &in.Def.BaselineValue); err != nil {
			rows.Close()
			return nil, err
		}
		in.Def.Direction = indicators.Direction(dir)
		index[in.ID] = len(out)
		out = append(out, in)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	if err := s.readGoals(ctx, out, index); err != nil {
		return nil, err
	}
	if err := s.readValues(ctx, out, index); err != nil {
		return nil, err
	}
	for i := range out {
		finishIndicator(&out[i])
	}
	return out, nil
}

func (s *Service) readGoals(ctx context.Context, out []Indicator, index map[int64]int) error {
	rows, err := s.db.Query(ctx, `SELECT indicator_id, year, value FROM plan_indicator_goals ORDER BY indicator_id, year`)
	if err != nil {
		return fmt.Errorf("dashboard: goals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var g indicators.Goal
		if err := rows.Scan(&id, &g.Year, &g.Value); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].Def.Goals = append(out[i].Def.Goals, g)
		}
	}
	return rows.Err()
}

func (s *Service) readValues(ctx context.Context, out []Indicator, index map[int64]int) error {
	rows, err := s.db.Query(ctx, `SELECT indicator_id, year, on_date, value, source FROM plan_indicator_values ORDER BY indicator_id, year, on_date`)
	if err != nil {
		return fmt.Errorf("dashboard: values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var v indicators.Value
		var onDate string
		if err := rows.Scan(&id, &v.Year, &onDate, &v.Value, &v.Source); err != nil {
			return err
		}
		if onDate != "" {
			if d, err := time.Parse(time.DateOnly, onDate); err == nil {
				v.Date = d
			}
		}
		if i, ok := index[id]; ok {
			out[i].Values = append(out[i].Values, v)
		}
	}
	return rows.Err()
}

// finishIndicator works out the latest value, the goal to show and the status.
func finishIndicator(in *Indicator) {
	in.Status = indicators.StatusOf(in.Def, in.Values, indicators.DefaultTolerance)
	after := in.Def.BaselineYear
	if v, ok := indicators.Latest(in.Values); ok {
		in.Latest = &v
		after = max(after, v.Year)
		if !v.Date.IsZero() {
			after = max(after, v.Date.Year())
		}
	}
	goals := append([]indicators.Goal(nil), in.Def.Goals...)
	sort.Slice(goals, func(i, j int) bool { return goals[i].Year < goals[j].Year })
	for i := range goals {
		if goals[i].Year > after {
			in.Goal = &goals[i]
			return
		}
	}
	if len(goals) > 0 {
		in.Goal = &goals[len(goals)-1]
	}
}

// late lists open actions whose status is late or whose end date is past.
func (s *Service) late(ctx context.Context, today string) (FlagList, error) {
	return s.flagged(ctx, `(status = 'late' OR (ends_on IS NOT NULL AND ends_on <> '' AND ends_on < ?))`,
		`CASE WHEN ends_on IS NULL OR ends_on = '' THEN 1 ELSE 0 END, ends_on, identifier`, today)
}

// stale lists open actions not updated since before.
func (s *Service) stale(ctx context.Context, before time.Time) (FlagList, error) {
	return s.flagged(ctx, `updated_at < ?`, `updated_at, identifier`, before.UTC())
}

// flagged reads the first FlagLimit open actions matching cond, with the
// full count in the same query (a window over the filtered rows).
func (s *Service) flagged(ctx context.Context, cond, order string, arg any) (FlagList, error) {
	rows, err := s.db.Query(ctx, `SELECT id, identifier, title, status, COALESCE(ends_on, ''), updated_at, COUNT(*) OVER ()
		FROM plan_actions WHERE `+notClosed+` AND `+cond+` ORDER BY `+order+` LIMIT ?`, arg, FlagLimit)
	if err != nil {
		return FlagList{}, fmt.Errorf("dashboard: flagged: %w", err)
	}
	defer rows.Close()
	var l FlagList
	for rows.Next() {
		var f Flagged
		if err := rows.Scan(&f.ID, &f.Identifier, &f.Title, &f.Status, &f.EndsOn, &f.UpdatedAt, &l.Total); err != nil {
			return FlagList{}, err
		}
		f.UpdatedAt = f.UpdatedAt.UTC()
		l.Items = append(l.Items, f)
	}
	return l, rows.Err()
}

// latestChange is when the plan's history last moved (zero when never).
func (s *Service) latestChange(ctx context.Context) (time.Time, error) {
	var at time.Time
	err := s.db.QueryRow(ctx, `SELECT changed_at FROM plan_change_sets ORDER BY changed_at DESC, id DESC LIMIT 1`).Scan(&at)
	if err == sql.ErrNoRows {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("dashboard: latest change: %w", err)
	}
	return at.UTC(), nil
}
