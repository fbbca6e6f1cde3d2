package actions

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// change runs fn on an action's milestones, tasks or links in one
// transaction, then moves the action's updated_at and records fn's history
// changes and an audit entry. fn returns the changes, or field errors.
func (s *Service) change(ctx context.Context, actor Actor, id int64, fn func(tx *db.Tx) ([]history.Change, []FieldError, error)) error {
	return s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		a, err := getAction(ctx, tx, id)
		if err != nil {
			return err
		}
		changes, errs, err := fn(tx)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return &InvalidError{Fields: errs}
		}
		if len(changes) == 0 {
			return nil
		}
		if err := touch(ctx, tx, id, actor.UserID); err != nil {
			return err
		}
		if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: id, SubjectLabel: a.Label(),
			ActorID: actor.UserID, ActorName: actor.Name, Origin: history.OriginEdit, Changes: changes}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanActionUpdated,
			TargetType: "plan_action", TargetID: strconv.FormatInt(id, 10), Detail: changedNames(changes)})
	})
}

func checkTitleDate(title, date string, dateRequired bool) []FieldError {
	var errs []FieldError
	switch {
	case !utf8.ValidString(title):
		errs = append(errs, FieldError{Field: "title", Key: "plan.actions.error.encoding"})
	case title == "":
		errs = append(errs, FieldError{Field: "title", Key: "plan.actions.error.title_required"})
	case utf8.RuneCountInString(title) > maxTitle:
		errs = append(errs, FieldError{Field: "title", Key: "plan.actions.error.too_long", Args: []any{maxTitle}})
	}
	if date == "" && dateRequired {
		errs = append(errs, FieldError{Field: "date", Key: "plan.actions.error.date_required"})
	} else if date != "" {
		if _, err := time.Parse(dateLayout, date); err != nil {
			errs = append(errs, FieldError{Field: "date", Key: "plan.actions.error.date"})
		}
	}
	return errs
}

// AddMilestone adds a dated step.
func (s *Service) AddMilestone(ctx context.Context, actor Actor, id int64, date, title string) error {
	date, title = strings.TrimSpace(date), strings.TrimSpace(title)
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		if errs := checkTitleDate(title, date, true); len(errs) > 0 {
			return nil, errs, nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO plan_milestones (action_id, on_date, title, reached, created_at)
			VALUES (?, ?, ?, FALSE, ?)`, id, date, title, db.Now())
		return []history.Change{{Field: "milestone", New: date + " " + title}}, nil, err
	})
}

// SetMilestoneReached marks a milestone reached or not.
func (s *Service) SetMilestoneReached(ctx context.Context, actor Actor, id, milestoneID int64, reached bool) error {
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		var date, title string
		var was bool
		err := tx.QueryRow(ctx, "SELECT on_date, title, reached FROM plan_milestones WHERE id = ? AND action_id = ?",
			milestoneID, id).Scan(&date, &title, &was)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, ErrNotFound
		}
		if err != nil || was == reached {
			return nil, nil, err
		}
		if _, err := tx.Exec(ctx, "UPDATE plan_milestones SET reached = ? WHERE id = ?", reached, milestoneID); err != nil {
			return nil, nil, err
		}
		return []history.Change{{Field: "milestone_reached", Old: yesNo(!reached) + " " + date + " " + title,
			New: yesNo(reached) + " " + date + " " + title}}, nil, nil
	})
}

// RemoveMilestone deletes a milestone, one typed by mistake; the history
// keeps what it said.
func (s *Service) RemoveMilestone(ctx context.Context, actor Actor, id, milestoneID int64) error {
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		var date, title string
		err := tx.QueryRow(ctx, "SELECT on_date, title FROM plan_milestones WHERE id = ? AND action_id = ?",
			milestoneID, id).Scan(&date, &title)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, ErrNotFound
		}
		if err != nil {
			return nil, nil, err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM plan_milestones WHERE id = ?", milestoneID); err != nil {
			return nil, nil, err
		}
		return []history.Change{{Field: "milestone", Old: date + " " + title}}, nil, nil
	})
}

// AddTask adds a task with an optional due date.
func (s *Service) AddTask(ctx context.Context, actor Actor, id int64, due, title string) error {
	due, title = strings.TrimSpace(due), strings.TrimSpace(title)
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		if errs := checkTitleDate(title, due, false); len(errs) > 0 {
			return nil, errs, nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO plan_tasks (action_id, title, due_on, created_at) VALUES (?, ?, ?, ?)`,
			id, title, nullText(due), db.Now())
		return []history.Change{{Field: "task", New: strings.TrimSpace(due + " " + title)}}, nil, err
	})
}

// SetTaskDone marks a task done or open again.
func (s *Service) SetTaskDone(ctx context.Context, actor Actor, id, taskID int64, done bool) error {
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		var title string
		var doneAt *time.Time
		err := tx.QueryRow(ctx, "SELECT title, done_at FROM plan_tasks WHERE id = ? AND action_id = ?", taskID, id).Scan(&title, &doneAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, ErrNotFound
		}
		if err != nil || (doneAt != nil) == done {
			return nil, nil, err
		}
		var at any
		if done {
			at = db.Now()
		}
		if _, err := tx.Exec(ctx, "UPDATE plan_tasks SET done_at = ? WHERE id = ?", at, taskID); err != nil {
			return nil, nil, err
		}
		return []history.Change{{Field: "task_done", Old: yesNo(!done) + " " + title, New: yesNo(done) + " " + title}}, nil, nil
	})
}

// AddLink links the action to an indicator, an initiative or an event.
func (s *Service) AddLink(ctx context.Context, actor Actor, id int64, kind, target string) error {
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		targetID, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(target), "#"), 10, 64)
		if !slices.Contains(LinkKinds, kind) {
			return nil, []FieldError{{Field: "kind", Key: "plan.actions.error.link_kind"}}, nil
		}
		if err != nil || targetID <= 0 {
			return nil, []FieldError{{Field: "target", Key: "plan.actions.error.link_target"}}, nil
		}
		title, ok, err := s.linkTitle(ctx, tx, linkRef{Kind: kind, ID: targetID})
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			return nil, []FieldError{{Field: "target", Key: "plan.actions.error.link_target"}}, nil
		}
		// Already linked (even by someone at the same moment): nothing changes.
		res, err := tx.Exec(ctx, `INSERT INTO plan_action_links (action_id, target_kind, target_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, kind, targetID)
		if err != nil {
			return nil, nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, nil, nil
		}
		return []history.Change{{Field: "link", New: kind + ":" + title}}, nil, nil
	})
}

// RemoveTask deletes a task, one typed by mistake; the history keeps what
// it said.
func (s *Service) RemoveTask(ctx context.Context, actor Actor, id, taskID int64) error {
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		var due, title string
		err := tx.QueryRow(ctx, "SELECT COALESCE(due_on, ''), title FROM plan_tasks WHERE id = ? AND action_id = ?",
			taskID, id).Scan(&due, &title)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, ErrNotFound
		}
		if err != nil {
			return nil, nil, err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM plan_tasks WHERE id = ?", taskID); err != nil {
			return nil, nil, err
		}
		return []history.Change{{Field: "task", Old: strings.TrimSpace(due + " " + title)}}, nil, nil
	})
}

// RemoveLink removes a link.
func (s *Service) RemoveLink(ctx context.Context, actor Actor, id int64, kind string, targetID int64) error {
	return s.change(ctx, actor, id, func(tx *db.Tx) ([]history.Change, []FieldError, error) {
		title, _, err := s.linkTitle(ctx, tx, linkRef{Kind: kind, ID: targetID})
		if err != nil {
			return nil, nil, err
		}
		res, err := tx.Exec(ctx, "DELETE FROM plan_action_links WHERE action_id = ? AND target_kind = ? AND target_id = ?", id, kind, targetID)
		if err != nil {
			return nil, nil, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, nil, nil
		}
		if title == "" {
			title = "#" + strconv.FormatInt(targetID, 10)
		}
		return []history.Change{{Field: "link", Old: kind + ":" + title}}, nil, nil
	})
}

// yesNo prefixes milestone and task values in history: "[x]" done, "[ ]" not.
func yesNo(b bool) string {
	if b {
		return "[x]"
	}
	return "[ ]"
}
