package actions

import (
	"context"

	"climatevolunteers/internal/db"
)

func listMilestones(ctx context.Context, q querier, actionID int64) ([]Milestone, error) {
	rows, err := q.Query(ctx, `SELECT id, on_date, title, reached FROM plan_milestones
		WHERE action_id = ? ORDER BY on_date, id`, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Milestone
	for rows.Next() {
		var m Milestone
		if err := rows.Scan(&m.ID, &m.OnDate, &m.Title, &m.Reached); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func listTasks(ctx context.Context, q querier, actionID int64) ([]Task, error) {
	rows, err := q.Query(ctx, `SELECT id, title, COALESCE(due_on, ''), done_at FROM plan_tasks
		WHERE action_id = ? ORDER BY CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, id`, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		if err := rows.Scan(&t.ID, &t.Title, &t.DueOn, &t.DoneAt); err != nil {
			return nil, err
		}
		t.Done = t.DoneAt != nil
		out = append(out, t)
	}
	return out, rows.Err()
}

type linkRef struct {
	Kind string
	ID   int64
}

func listLinks(ctx context.Context, q querier, actionID int64) ([]linkRef, error) {
	rows, err := q.Query(ctx, `SELECT target_kind, target_id FROM plan_action_links
		WHERE action_id = ? ORDER BY target_kind, target_id`, actionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []linkRef
	for rows.Next() {
		var l linkRef
		if err := rows.Scan(&l.Kind, &l.ID); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// indicatorName reads an indicator of the plan (same feature, same schema);
// "" when it is gone.
func indicatorName(ctx context.Context, q querier, id int64) (string, error) {
	rows, err := q.Query(ctx, "SELECT name FROM plan_indicators WHERE id = ?", id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var name string
	if rows.Next() {
		err = rows.Scan(&name)
	}
	return name, err
}

// IndicatorOption is an indicator offered in the link form.
type IndicatorOption struct {
	ID   int64
	Name string
}

func listIndicators(ctx context.Context, q querier) ([]IndicatorOption, error) {
	rows, err := q.Query(ctx, "SELECT id, name FROM plan_indicators ORDER BY position, name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []IndicatorOption
	for rows.Next() {
		var o IndicatorOption
		if err := rows.Scan(&o.ID, &o.Name); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// children reads the status, weight and progress of an action's sub-actions.
func childrenProgress(ctx context.Context, tx *db.Tx, id int64) (sum, weights float64, err error) {
	rows, err := tx.Query(ctx, `SELECT status, weight, COALESCE(progress, 0) FROM plan_actions WHERE parent_id = ?`, id)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var w, p float64
		if err := rows.Scan(&status, &w, &p); err != nil {
			return 0, 0, err
		}
		switch status {
		case StatusCancelled, StatusMerged:
			continue // they will never progress: they must not drag the parent down
		case StatusDone:
			p = 100
		}
		sum += p * w
		weights += w
	}
	return sum, weights, rows.Err()
}
