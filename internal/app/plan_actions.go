package app

import (
	"context"
	"errors"
	"strings"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/plan/actions"
)

// wirePlanActions builds the Climate Plan's actions part and registers its
// routes. The questions part is wired after this one: the count reads
// d.questions when asked, not now. Linked initiatives and events are named through their stores;
// hidden or draft ones are left out, as if gone.
func wirePlanActions(d *planDeps) error {
	d.actions = actions.NewService(actions.Deps{DB: d.db, Titles: planLinkTitles(d),
		TitlesOf: planLinkTitlesOf(d), QuestionCount: planQuestionCount(d)})
	actions.Register(d.r, d.rn, d.actions, actions.Guards{Staff: d.guard.RequireRole(auth.RoleCoordinator)})
	return nil
}

func planLinkTitles(d *planDeps) func(ctx context.Context, kind string, id int64) (string, bool, error) {
	return func(ctx context.Context, kind string, id int64) (string, bool, error) {
		switch kind {
		case "initiative":
			if d.initiatives == nil {
				return "", false, nil
			}
			in, err := d.initiatives.Store().Get(ctx, id)
			if errors.Is(err, initiatives.ErrNotFound) {
				return "", false, nil
			}
			return in.Title, err == nil && in.Visible(), err
		case "event":
			if d.events == nil {
				return "", false, nil
			}
			e, err := d.events.Store().Get(ctx, id)
			if errors.Is(err, events.ErrNotFound) {
				return "", false, nil
			}
			return e.Title, err == nil && e.Status != events.Draft, err
		}
		return "", false, nil
	}
}

// planLinkTitlesOf names several linked events or initiatives in one read
// each, for the API and the JSON export. Events through their exported
// columns and scanner; initiatives' store has no bulk read, so their public
// rule (a public status, not hidden) is read from the table here.
func planLinkTitlesOf(d *planDeps) func(ctx context.Context, kind string, ids []int64) (map[int64]string, error) {
	return func(ctx context.Context, kind string, ids []int64) (map[int64]string, error) {
		out := map[int64]string{}
		var query string
		switch {
		case kind == "event" && d.events != nil:
			query = "SELECT " + events.Columns + " FROM events e WHERE e.id IN (%s)"
		case kind == "initiative" && d.initiatives != nil:
			query = "SELECT id, title, status, hidden FROM initiatives WHERE id IN (%s)"
		default:
			return out, nil
		}
		for start := 0; start < len(ids); start += 500 {
			part := ids[start:min(start+500, len(ids))]
			args := make([]any, len(part))
			for i, id := range part {
				args[i] = id
			}
			rows, err := d.db.Query(ctx, strings.Replace(query, "%s", "?"+strings.Repeat(", ?", len(part)-1), 1), args...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				if kind == "event" {
					e, err := events.ScanEvent(rows)
					if err != nil {
						rows.Close()
						return nil, err
					}
					if e.Status != events.Draft {
						out[e.ID] = e.Title
					}
					continue
				}
				var id int64
				var title, status string
				var hidden bool
				if err := rows.Scan(&id, &title, &status, &hidden); err != nil {
					rows.Close()
					return nil, err
				}
				if initiatives.Status(status).Public() && !hidden {
					out[id] = title
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
}

func planQuestionCount(d *planDeps) func(ctx context.Context, actionID int64) (int, error) {
	return func(ctx context.Context, actionID int64) (int, error) {
		if d.questions == nil {
			return 0, nil
		}
		return d.questions.CountByAction(ctx, actionID)
	}
}
