package indicators

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// querier is what reads go through: the read pool, or a transaction when
// the read decides a write.
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const entryColumns = `SELECT i.id, i.slug, i.name, i.description, i.unit, i.direction, i.baseline_year, i.baseline_value,
	COALESCE(i.theme_id, 0), COALESCE(t.slug, ''), COALESCE(t.name, ''), i.source, i.version, i.updated_at
	FROM plan_indicators i LEFT JOIN plan_themes t ON t.id = i.theme_id`

// loadEntries reads indicators with their goals and values in three
// queries whatever their number: the dashboard draws them all at once.
// id 0 reads every indicator.
func loadEntries(ctx context.Context, q querier, id int64) ([]Entry, error) {
	where, args := "", []any(nil)
	if id > 0 {
		where, args = " WHERE i.id = ?", []any{id}
	}
	rows, err := q.Query(ctx, entryColumns+where+" ORDER BY i.position, i.name, i.id", args...)
	if err != nil {
		return nil, fmt.Errorf("indicators: list: %w", err)
	}
	var out []Entry
	index := map[int64]int{}
	for rows.Next() {
		var e Entry
		var dir string
		if err := rows.Scan(&e.ID, &e.Slug, &e.Name, &e.Description, &e.Unit, &dir, &e.BaselineYear, &e.BaselineValue,
			&e.ThemeID, &e.ThemeSlug, &e.ThemeName, &e.Source, &e.Version, &e.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		e.Direction, e.UpdatedAt = Direction(dir), e.UpdatedAt.UTC()
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	where = ""
	if id > 0 {
		where = " WHERE indicator_id = ?"
	}
	if rows, err = q.Query(ctx, "SELECT indicator_id, year, value FROM plan_indicator_goals"+where+" ORDER BY indicator_id, year", args...); err != nil {
		return nil, fmt.Errorf("indicators: goals: %w", err)
	}
	for rows.Next() {
		var owner int64
		var g Goal
		if err := rows.Scan(&owner, &g.Year, &g.Value); err != nil {
			rows.Close()
			return nil, err
		}
		if i, ok := index[owner]; ok {
			out[i].Goals = append(out[i].Goals, g)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if rows, err = q.Query(ctx, "SELECT id, indicator_id, year, on_date, value, source FROM plan_indicator_values"+where+
		" ORDER BY indicator_id, year, on_date, id", args...); err != nil {
		return nil, fmt.Errorf("indicators: values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var v StoredValue
		var owner int64
		var date string
		if err := rows.Scan(&v.ID, &owner, &v.Year, &date, &v.Value.Value, &v.Source); err != nil {
			return nil, err
		}
		if date != "" {
			if v.Date, err = time.Parse(dateLayout, date); err != nil {
				return nil, fmt.Errorf("indicators: value %d: %w", v.ID, err)
			}
		}
		if i, ok := index[owner]; ok {
			out[i].Values = append(out[i].Values, v)
		}
	}
	return out, rows.Err()
}

// loadEntry reads one indicator; ErrNotFound when there is none.
func loadEntry(ctx context.Context, q querier, id int64) (Entry, error) {
	es, err := loadEntries(ctx, q, id)
	if err != nil {
		return Entry{}, err
	}
	if len(es) == 0 {
		return Entry{}, ErrNotFound
	}
	return es[0], nil
}

func nullID(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

func insertIndicator(ctx context.Context, tx *db.Tx, c Checked, actorID int64, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_indicators (slug, name, description, unit, direction, baseline_year, baseline_value,
			theme_id, source, position, created_at, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM plan_indicators), ?, ?, ?) RETURNING id`,
		c.Slug, c.Name, c.Description, c.Unit, string(c.Direction), c.BaselineYear, c.BaselineValue,
		nullID(c.ThemeID), c.Source, now, now, nullID(actorID)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("indicators: insert: %w", err)
	}
	return id, replaceGoals(ctx, tx, id, c.Goals)
}

// updateIndicator saves an edit made from version; false when someone saved
// since.
func updateIndicator(ctx context.Context, tx *db.Tx, id int64, version int, c Checked, actorID int64, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE plan_indicators SET slug = ?, name = ?, description = ?, unit = ?, direction = ?,
			baseline_year = ?, baseline_value = ?, theme_id = ?, source = ?, version = version + 1, updated_at = ?, updated_by = ?
		WHERE id = ? AND version = ?`,
		c.Slug, c.Name, c.Description, c.Unit, string(c.Direction), c.BaselineYear, c.BaselineValue,
		nullID(c.ThemeID), c.Source, now, nullID(actorID), id, version)
	if err != nil {
		return false, fmt.Errorf("indicators: update: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return false, err
	}
	return true, replaceGoals(ctx, tx, id, c.Goals)
}

// touchIndicator counts a change of the values as a change of the
// indicator. version < 0 skips the check (an import re-validates instead).
func touchIndicator(ctx context.Context, tx *db.Tx, id int64, version int, actorID int64, now time.Time) (bool, error) {
	q, args := `UPDATE plan_indicators SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?`, []any{now, nullID(actorID), id}
	if version >= 0 {
		q, args = q+" AND version = ?", append(args, version)
	}
	res, err := tx.Exec(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("indicators: touch: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func replaceGoals(ctx context.Context, tx *db.Tx, id int64, goals []Goal) error {
	if _, err := tx.Exec(ctx, "DELETE FROM plan_indicator_goals WHERE indicator_id = ?", id); err != nil {
		return fmt.Errorf("indicators: goals: %w", err)
	}
	for _, g := range goals {
		if _, err := tx.Exec(ctx, "INSERT INTO plan_indicator_goals (indicator_id, year, value) VALUES (?, ?, ?)", id, g.Year, g.Value); err != nil {
			return fmt.Errorf("indicators: goal: %w", err)
		}
	}
	return nil
}

func insertValue(ctx context.Context, tx *db.Tx, indicatorID int64, v Value, actorID int64, now time.Time) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_indicator_values (indicator_id, year, on_date, value, source, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, indicatorID, v.year(), v.DateText(), v.Value, v.Source, now, nullID(actorID)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("indicators: insert value: %w", err)
	}
	return id, nil
}

func updateValue(ctx context.Context, tx *db.Tx, valueID int64, v Value) error {
	_, err := tx.Exec(ctx, "UPDATE plan_indicator_values SET value = ?, source = ? WHERE id = ?", v.Value, v.Source, valueID)
	return err
}

func deleteValue(ctx context.Context, tx *db.Tx, valueID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM plan_indicator_values WHERE id = ?", valueID)
	return err
}

// isUniqueViolation recognises both engines' duplicate-key errors: two
// requests may pass the same "is it free?" check at once (PostgreSQL reads
// committed data), and the constraint then refuses the second.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// slugTaken tells whether another indicator has slug.
func slugTaken(ctx context.Context, tx *db.Tx, slug string, except int64) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM plan_indicators WHERE slug = ? AND id <> ?", slug, except).Scan(&n)
	return n > 0, err
}

// themeName names a theme for the history; ok is false when there is none.
func themeName(ctx context.Context, tx *db.Tx, id int64) (string, bool, error) {
	if id <= 0 {
		return "", true, nil
	}
	var name string
	err := tx.QueryRow(ctx, "SELECT name FROM plan_themes WHERE id = ?", id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return name, err == nil, err
}

// Theme is a choice of the form's theme list.
type Theme struct {
	ID   int64
	Name string
}

func listThemes(ctx context.Context, d *db.DB) ([]Theme, error) {
	rows, err := d.Query(ctx, "SELECT id, name FROM plan_themes ORDER BY position, name, id")
	if err != nil {
		return nil, fmt.Errorf("indicators: themes: %w", err)
	}
	defer rows.Close()
	var out []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.Name); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// LinkedAction is an action of the plan that names the indicator.
type LinkedAction struct {
	ID                        int64
	Identifier, Title, Status string
}

func linkedActions(ctx context.Context, d *db.DB, indicatorID int64) ([]LinkedAction, error) {
	rows, err := d.Query(ctx, `SELECT a.id, a.identifier, a.title, a.status FROM plan_action_links l
		JOIN plan_actions a ON a.id = l.action_id
		WHERE l.target_kind = 'indicator' AND l.target_id = ? ORDER BY a.identifier, a.id`, indicatorID)
	if err != nil {
		return nil, fmt.Errorf("indicators: linked actions: %w", err)
	}
	defer rows.Close()
	var out []LinkedAction
	for rows.Next() {
		var a LinkedAction
		if err := rows.Scan(&a.ID, &a.Identifier, &a.Title, &a.Status); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
