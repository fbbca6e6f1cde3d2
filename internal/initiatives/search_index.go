package initiatives

import (
	"context"

	"climatevolunteers/internal/db"
)

// reindex refreshes an initiative's full-text entry after a write, in the
// same transaction. PostgreSQL stems with its French configuration; SQLite
// gets the text stemmed here.
func reindex(ctx context.Context, tx *db.Tx, id int64) error {
	if tx.Engine() == db.Postgres {
		_, err := tx.Exec(ctx, `UPDATE initiatives SET search_vector =
			setweight(to_tsvector('french', title), 'A') || setweight(to_tsvector('french', summary), 'B') ||
			setweight(to_tsvector('french', description), 'C') WHERE id = ?`, id)
		return err
	}
	var title, summary, description string
	if err := tx.QueryRow(ctx, "SELECT title, summary, description FROM initiatives WHERE id = ?", id).
		Scan(&title, &summary, &description); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "DELETE FROM initiatives_fts WHERE rowid = ?", id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "INSERT INTO initiatives_fts (rowid, body) VALUES (?, ?)", id, searchText(title+"\n"+summary+"\n"+description))
	return err
}

// searchText is the text SQLite indexes: lower-cased words, stemmed.
func searchText(s string) string { return stemText(s) }
