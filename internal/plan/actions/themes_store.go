package actions

import (
	"context"
	"database/sql"
	"errors"

	"climatevolunteers/internal/db"
)

// listThemes reads every theme in tree order (a parent before its children,
// siblings by position), with their depth.
func listThemes(ctx context.Context, q querier) ([]Theme, error) {
	rows, err := q.Query(ctx, `SELECT id, COALESCE(parent_id, 0), slug, name, description, position, version
		FROM plan_themes ORDER BY position, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []Theme
	for rows.Next() {
		var t Theme
		if err := rows.Scan(&t.ID, &t.ParentID, &t.Slug, &t.Name, &t.Description, &t.Position, &t.Version); err != nil {
			return nil, err
		}
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return treeOrder(all), nil
}

// treeOrder puts children under their parent, depth first.
func treeOrder(all []Theme) []Theme {
	children := map[int64][]Theme{}
	for _, t := range all {
		children[t.ParentID] = append(children[t.ParentID], t)
	}
	out := make([]Theme, 0, len(all))
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, t := range children[parent] {
			t.Depth = depth
			out = append(out, t)
			walk(t.ID, depth+1)
		}
	}
	walk(0, 0)
	return out
}

// Descendants returns id and the ids of every theme below it in themes.
func Descendants(themes []Theme, id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		for _, t := range themes {
			if t.ParentID == out[i] {
				out = append(out, t.ID)
			}
		}
	}
	return out
}

func getTheme(ctx context.Context, q querier, id int64) (Theme, error) {
	var t Theme
	err := q.QueryRow(ctx, `SELECT id, COALESCE(parent_id, 0), slug, name, description, position, version
		FROM plan_themes WHERE id = ?`, id).Scan(&t.ID, &t.ParentID, &t.Slug, &t.Name, &t.Description, &t.Position, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	return t, err
}

// errSlugTaken is a slug saved by someone else between the check and the write.
var errSlugTaken = &InvalidError{Fields: []FieldError{{Field: "slug", Key: "plan.actions.error.slug_taken"}}}

func insertTheme(ctx context.Context, tx *db.Tx, t Theme) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_themes (parent_id, slug, name, description, position)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, nullID(t.ParentID), t.Slug, t.Name, t.Description, t.Position).Scan(&id)
	if isUniqueViolation(err) {
		return 0, errSlugTaken
	}
	return id, err
}

// updateTheme writes an edit made from t.Version; ErrConflict when someone
// saved the theme since.
func updateTheme(ctx context.Context, tx *db.Tx, t Theme) error {
	// The position is MoveTheme's alone: writing back the one read here
	// would undo a reorder committed meanwhile.
	res, err := tx.Exec(ctx, `UPDATE plan_themes SET parent_id = ?, slug = ?, name = ?, description = ?,
		version = version + 1 WHERE id = ? AND version = ?`, nullID(t.ParentID), t.Slug, t.Name, t.Description, t.ID, t.Version)
	if isUniqueViolation(err) {
		return errSlugTaken
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrConflict
	}
	return nil
}

// themeInUse counts what keeps a theme from being deleted: its actions, its
// sub-themes, and the indicators filed under it (which would otherwise lose
// their theme with no trace in their history).
func themeInUse(ctx context.Context, tx *db.Tx, id int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM plan_actions WHERE theme_id = ?)
		+ (SELECT COUNT(*) FROM plan_themes WHERE parent_id = ?)
		+ (SELECT COUNT(*) FROM plan_indicators WHERE theme_id = ?)`, id, id, id).Scan(&n)
	return n, err
}

// themeTreeLockKey names the PostgreSQL advisory lock under which themes are
// created and moved: the cycle check reads the whole tree, and two moves
// checked against trees without each other's change (X under Y, Y under X)
// would both pass and cut both themes off the tree. SQLite has one writer.
const themeTreeLockKey = 7210360

func lockThemeTree(ctx context.Context, tx *db.Tx) error {
	if tx.Engine() != db.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(themeTreeLockKey))
	return err
}
