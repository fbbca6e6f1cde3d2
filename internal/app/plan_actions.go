package app

import (
	"context"
	"errors"

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
// each, for the API and the JSON export; drafts and hidden ones are absent.
func planLinkTitlesOf(d *planDeps) func(ctx context.Context, kind string, ids []int64) (map[int64]string, error) {
	return func(ctx context.Context, kind string, ids []int64) (map[int64]string, error) {
		switch {
		case kind == "event" && d.events != nil:
			return d.events.Store().PublicTitles(ctx, ids)
		case kind == "initiative" && d.initiatives != nil:
			return d.initiatives.Store().PublicTitles(ctx, ids)
		}
		return map[int64]string{}, nil
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
