package actions

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"climatevolunteers/internal/db"
)

// querier is what reads go through: the read pool, or a transaction when
// the read must see the transaction's own writes.
type querier interface {
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
}

var (
	_ querier = (*db.DB)(nil)
	_ querier = (*db.Tx)(nil)
)

type scanner interface{ Scan(dest ...any) error }

// actionColumns are read in this order by scanAction.
const actionColumns = `a.id, a.identifier, a.title, a.description, a.theme_id, t.name, t.slug,
	COALESCE(a.parent_id, 0), COALESCE(p.identifier || ' ' || p.title, ''), a.weight, a.status,
	COALESCE(a.merged_into_id, 0), COALESCE(m.identifier || ' ' || m.title, ''), a.phase,
	COALESCE(a.starts_on, ''), COALESCE(a.ends_on, ''), a.progress_mode, a.progress_manual, COALESCE(a.progress, 0),
	a.version, a.created_at, a.updated_at`

const actionFrom = ` FROM plan_actions a JOIN plan_themes t ON t.id = a.theme_id
	LEFT JOIN plan_actions p ON p.id = a.parent_id LEFT JOIN plan_actions m ON m.id = a.merged_into_id`

func scanAction(s scanner) (Action, error) {
	var a Action
	var manual sql.NullInt64
	err := s.Scan(&a.ID, &a.Identifier, &a.Title, &a.Description, &a.ThemeID, &a.ThemeName, &a.ThemeSlug,
		&a.ParentID, &a.ParentLabel, &a.Weight, &a.Status, &a.MergedIntoID, &a.MergedLabel, &a.Phase,
		&a.StartsOn, &a.EndsOn, &a.ProgressMode, &manual, &a.Progress, &a.Version, &a.CreatedAt, &a.UpdatedAt)
	if manual.Valid {
		p := int(manual.Int64)
		a.ProgressManual = &p
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, err
}

// getAction reads one action with its departments and partners.
func getAction(ctx context.Context, q querier, id int64) (Action, error) {
	a, err := scanAction(q.QueryRow(ctx, "SELECT "+actionColumns+actionFrom+" WHERE a.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, ErrNotFound
	}
	if err != nil {
		return a, err
	}
	resp, err := responsibles(ctx, q, []int64{id})
	a.Departments, a.Partners = resp[id].departments, resp[id].partners
	return a, err
}

// actionIDByIdentifier finds an action by its identifier; 0 when none.
func actionIDByIdentifier(ctx context.Context, q querier, identifier string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, "SELECT id FROM plan_actions WHERE identifier = ?", identifier).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

type people struct{ departments, partners []string }

// responsibles reads the departments and partners of several actions at once.
func responsibles(ctx context.Context, q querier, ids []int64) (map[int64]people, error) {
	out := map[int64]people{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, `SELECT action_id, kind, name FROM plan_action_responsibles
		WHERE action_id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY action_id, kind, position`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var kind, name string
		if err := rows.Scan(&id, &kind, &name); err != nil {
			return nil, err
		}
		p := out[id]
		if kind == "department" {
			p.departments = append(p.departments, name)
		} else {
			p.partners = append(p.partners, name)
		}
		out[id] = p
	}
	return out, rows.Err()
}

// queryActions runs a SELECT of actionColumns and fills the responsibles.
func queryActions(ctx context.Context, q querier, where string, args ...any) ([]Action, error) {
	rows, err := q.Query(ctx, "SELECT "+actionColumns+actionFrom+" "+where, args...)
	if err != nil {
		return nil, err
	}
	var list []Action
	var ids []int64
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, a)
		ids = append(ids, a.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for start := 0; start < len(ids); start += 500 { // bounded IN lists
		end := min(start+500, len(ids))
		resp, err := responsibles(ctx, q, ids[start:end])
		if err != nil {
			return nil, err
		}
		for i := start; i < end; i++ {
			list[i].Departments, list[i].Partners = resp[list[i].ID].departments, resp[list[i].ID].partners
		}
	}
	return list, nil
}

// writeResponsibles replaces an action's departments and partners.
func writeResponsibles(ctx context.Context, tx *db.Tx, id int64, departments, partners []string) error {
	if _, err := tx.Exec(ctx, "DELETE FROM plan_action_responsibles WHERE action_id = ?", id); err != nil {
		return err
	}
	for kind, names := range map[string][]string{"department": departments, "partner": partners} {
		for i, n := range names {
			if _, err := tx.Exec(ctx, `INSERT INTO plan_action_responsibles (action_id, kind, name, position)
				VALUES (?, ?, ?, ?)`, id, kind, n, i); err != nil {
				return err
			}
		}
	}
	return nil
}

// insertAction writes a new action (progress computed afterwards).
func insertAction(ctx context.Context, tx *db.Tx, in Input, by int64) (int64, error) {
	now := db.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_actions (identifier, title, description, theme_id, parent_id, weight, status,
		merged_into_id, phase, starts_on, ends_on, progress_mode, progress_manual, progress, created_at, updated_at, updated_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`,
		in.Identifier, in.Title, in.Description, in.ThemeID, nullID(in.ParentID), in.Weight, in.Status,
		nullID(in.MergedIntoID), in.Phase, nullText(in.StartsOn), nullText(in.EndsOn), in.ProgressMode,
		nullInt(in.ProgressManual), now, now, nullID(by)).Scan(&id)
	if isUniqueViolation(err) {
		return 0, errIdentifierTaken
	}
	if err != nil {
		return 0, err
	}
	return id, writeResponsibles(ctx, tx, id, in.Departments, in.Partners)
}

// updateAction writes an edit made from version; ErrConflict when someone
// saved in between. version 0 skips the check (imports, which re-validate
// the whole plan instead).
func updateAction(ctx context.Context, tx *db.Tx, id int64, in Input, version int, by int64) error {
	q := `UPDATE plan_actions SET identifier = ?, title = ?, description = ?, theme_id = ?, parent_id = ?, weight = ?,
		status = ?, merged_into_id = ?, phase = ?, starts_on = ?, ends_on = ?, progress_mode = ?, progress_manual = ?,
		version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?`
	args := []any{in.Identifier, in.Title, in.Description, in.ThemeID, nullID(in.ParentID), in.Weight, in.Status,
		nullID(in.MergedIntoID), in.Phase, nullText(in.StartsOn), nullText(in.EndsOn), in.ProgressMode,
		nullInt(in.ProgressManual), db.Now(), nullID(by), id}
	if version > 0 {
		q += " AND version = ?"
		args = append(args, version)
	}
	res, err := tx.Exec(ctx, q, args...)
	if isUniqueViolation(err) {
		return errIdentifierTaken
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	return writeResponsibles(ctx, tx, id, in.Departments, in.Partners)
}

// touch moves updated_at and the version after a change to what hangs
// below an action (milestones, tasks, links), which the dashboard counts
// as an update.
func touch(ctx context.Context, tx *db.Tx, id, by int64) error {
	_, err := tx.Exec(ctx, "UPDATE plan_actions SET updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?",
		db.Now(), nullID(by), id)
	return err
}

// errIdentifierTaken is an identifier saved by someone else between
// validate's check and the write (two staff members at once).
var errIdentifierTaken = &InvalidError{Fields: []FieldError{{Field: "identifier", Key: "plan.actions.error.identifier_taken"}}}

// isUniqueViolation recognises both engines' duplicate-key errors.
func isUniqueViolation(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "SQLSTATE 23505"))
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
