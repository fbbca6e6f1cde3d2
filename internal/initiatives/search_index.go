package initiatives

import (
	"context"

	"climatevolunteers/internal/db"
)

// reindex refreshes an initiative's full-text entry after a write, in the
// same transaction. Both engines index the text stemmed here (stemText), so
// that a search finds the same initiatives on either: PostgreSQL stores it
// as a weighted tsvector under the 'simple' configuration (no second
// stemming), SQLite in the FTS5 table.
func reindex(ctx context.Context, tx *db.Tx, id int64) error {
	var title, summary, description string
	if err := tx.QueryRow(ctx, "SELECT title, summary, description FROM initiatives WHERE id = ?", id).
		Scan(&title, &summary, &description); err != nil {
		return err
	}
	if tx.Engine() == db.Postgres {
		_, err := tx.Exec(ctx, `UPDATE initiatives SET search_vector =
			setweight(to_tsvector('simple', ?), 'A') || setweight(to_tsvector('simple', ?), 'B') ||
			setweight(to_tsvector('simple', ?), 'C') WHERE id = ?`,
			searchText(title), searchText(summary), searchText(description), id)
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM initiatives_fts WHERE rowid = ?", id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "INSERT INTO initiatives_fts (rowid, title, body) VALUES (?, ?, ?)",
		id, searchText(title), searchText(summary+"\n"+description))
	return err
}

// searchText is the text both engines index: stemmed French words.
func searchText(s string) string { return stemText(s) }
