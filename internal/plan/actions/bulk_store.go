package actions

import (
	"context"
	"strings"
)

// chunk bounds the IN lists of the bulk reads.
const chunk = 500

// inList runs query (with one "%s" for the "?, ?, …" list) over ids by
// chunks and hands each row to scan.
func inList(ctx context.Context, q querier, query string, ids []int64, scan func(scanner) error) error {
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := q.Query(ctx, strings.Replace(query, "%s", "?"+strings.Repeat(", ?", len(part)-1), 1), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := scan(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// milestonesOf reads the milestones of several actions at once, in the
// order listMilestones gives them.
func milestonesOf(ctx context.Context, q querier, ids []int64) (map[int64][]Milestone, error) {
	out := map[int64][]Milestone{}
	err := inList(ctx, q, `SELECT action_id, id, on_date, title, reached FROM plan_milestones
		WHERE action_id IN (%s) ORDER BY action_id, on_date, id`, ids, func(s scanner) error {
		var id int64
		var m Milestone
		err := s.Scan(&id, &m.ID, &m.OnDate, &m.Title, &m.Reached)
		out[id] = append(out[id], m)
		return err
	})
	return out, err
}

// tasksOf reads the tasks of several actions at once, in the order
// listTasks gives them.
func tasksOf(ctx context.Context, q querier, ids []int64) (map[int64][]Task, error) {
	out := map[int64][]Task{}
	err := inList(ctx, q, `SELECT action_id, id, title, COALESCE(due_on, ''), done_at FROM plan_tasks
		WHERE action_id IN (%s) ORDER BY action_id, CASE WHEN due_on IS NULL THEN 1 ELSE 0 END, due_on, id`, ids,
		func(s scanner) error {
			var id int64
			var t Task
			err := s.Scan(&id, &t.ID, &t.Title, &t.DueOn, &t.DoneAt)
			t.Done = t.DoneAt != nil
			out[id] = append(out[id], t)
			return err
		})
	return out, err
}

// linksOf reads the links of several actions at once, in the order
// listLinks gives them.
func linksOf(ctx context.Context, q querier, ids []int64) (map[int64][]linkRef, error) {
	out := map[int64][]linkRef{}
	err := inList(ctx, q, `SELECT action_id, target_kind, target_id FROM plan_action_links
		WHERE action_id IN (%s) ORDER BY action_id, target_kind, target_id`, ids, func(s scanner) error {
		var id int64
		var l linkRef
		err := s.Scan(&id, &l.Kind, &l.ID)
		out[id] = append(out[id], l)
		return err
	})
	return out, err
}

// indicatorNames names several indicators at once; gone ones are absent.
func indicatorNames(ctx context.Context, q querier, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := inList(ctx, q, "SELECT id, name FROM plan_indicators WHERE id IN (%s)", ids, func(s scanner) error {
		var id int64
		var name string
		err := s.Scan(&id, &name)
		if name != "" {
			out[id] = name
		}
		return err
	})
	return out, err
}
