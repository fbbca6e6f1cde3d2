package actions

import (
	"context"
	"database/sql"
	"math"
	"strconv"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// refreshProgress recomputes the effective progress of id and of every
// ancestor, in tx, so that plan_actions.progress is always what pages
// show. It follows planimport.RollUp: a rolled-up action is the weighted
// mean of its sub-actions, a done one counting 100, cancelled and merged
// ones left out; no counted sub-action means 0. An ancestor whose figure
// moves gets a "system" history set and a fresh updated_at.
func refreshProgress(ctx context.Context, tx *db.Tx, id int64, actor Actor, origin history.Origin) error {
	return refreshProgressQuiet(ctx, tx, id, actor, origin, nil, true)
}

// refreshOldParent is refreshProgress for the parent a sub-action just
// left: it moves by computation, like any ancestor, so its change gets
// its own history set and a fresh updated_at.
func refreshOldParent(ctx context.Context, tx *db.Tx, id int64, actor Actor, origin history.Origin) error {
	return refreshProgressQuiet(ctx, tx, id, actor, origin, nil, false)
}

// refreshProgressQuiet is refreshProgress for an import, which records the
// history of the actions in quiet itself, once, after every row is written.
// first says that id is the action being edited, which records its own
// progress with the rest of its edit.
func refreshProgressQuiet(ctx context.Context, tx *db.Tx, id int64, actor Actor, origin history.Origin, quiet map[int64]bool, first bool) error {
	seen := map[int64]bool{}
	for id != 0 && !seen[id] {
		seen[id] = true
		var mode, identifier, title string
		var manual sql.NullInt64
		var parent sql.NullInt64
		var old float64
		// On PostgreSQL the row is locked before its sub-actions are read:
		// a concurrent change of a sibling then waits for this commit and
		// reads this one's sub-action, so the last commit always writes the
		// figure over every committed sub-action (SQLite has one writer).
		q := `SELECT identifier, title, progress_mode, progress_manual, COALESCE(progress, 0), parent_id
			FROM plan_actions WHERE id = ?`
		if tx.Engine() == db.Postgres {
			// NO KEY UPDATE: the sub-actions' foreign-key checks hold KEY
			// SHARE on this row, which a plain FOR UPDATE would deadlock on.
			q += " FOR NO KEY UPDATE"
		}
		err := tx.QueryRow(ctx, q, id).Scan(&identifier, &title, &mode, &manual, &old, &parent)
		if err != nil {
			return err
		}
		effective := float64(manual.Int64)
		if mode == ModeRollup {
			sum, weights, err := childrenProgress(ctx, tx, id)
			if err != nil {
				return err
			}
			effective = 0
			if weights > 0 {
				effective = math.Round(sum/weights*10) / 10
			}
		}
		if effective != old {
			if first {
				_, err = tx.Exec(ctx, "UPDATE plan_actions SET progress = ? WHERE id = ?", effective, id)
			} else {
				_, err = tx.Exec(ctx, "UPDATE plan_actions SET progress = ?, updated_at = ? WHERE id = ?", effective, db.Now(), id)
			}
			if err != nil {
				return err
			}
			// The action itself records its progress with the rest of its
			// edit; ancestors move by computation.
			if !first && !quiet[id] {
				o := history.OriginSystem
				if origin == history.OriginImport {
					o = origin
				}
				if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: id,
					SubjectLabel: identifier + " " + title, ActorID: actor.UserID, ActorName: actor.Name, Origin: o,
					Changes: []history.Change{{Field: "progress", Old: formatProgress(old), New: formatProgress(effective)}}}); err != nil {
					return err
				}
			}
		}
		first = false
		id = parent.Int64
	}
	return nil
}

// formatProgress writes a figure as history keeps numbers: '.' decimals, no
// trailing zeros.
func formatProgress(p float64) string { return strconv.FormatFloat(p, 'f', -1, 64) }
