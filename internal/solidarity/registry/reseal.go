package registry

import (
	"context"
	"errors"
	"strconv"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/sealed"
)

// Column is a sealed TEXT column: its values were sealed with
// sealed.Place(Table, id, Place), id being the row's "id".
type Column struct {
	Table, Column, Place string
}

// SealedColumns are the registry's sealed columns.
var SealedColumns = []Column{
	{Table: table, Column: "card_sealed", Place: "card"},
	{Table: table, Column: "point_sealed", Place: "point"},
}

// ResealResult counts a column's walk.
type ResealResult struct {
	Checked  int     // values opened
	Resealed int     // values moved to the primary key
	Failed   []int64 // rows whose value did not open (unknown key or damaged)
}

const resealBatch = 200

// ResealColumn walks a sealed column in batches and moves every value
// sealed under an older key to the keyring's primary key. Each batch is one
// transaction, and a value changed meanwhile (the server still running) is
// left as it is: whoever wrote it sealed it with the key they loaded. Empty
// values (no data) are skipped. Rows that do not open are listed, not fatal.
func ResealColumn(ctx context.Context, d *db.DB, keys *sealed.Keyring, c Column) (ResealResult, error) {
	var res ResealResult
	// Table and column names come from the code, never from input.
	sel := "SELECT id, " + c.Column + " FROM " + c.Table + " WHERE id > ? AND " + c.Column + " <> '' ORDER BY id LIMIT ?"
	upd := "UPDATE " + c.Table + " SET " + c.Column + " = ? WHERE id = ? AND " + c.Column + " = ?"
	var after int64
	for {
		type value struct {
			id       int64
			old, new string
		}
		var batch []value
		rows, err := d.Query(ctx, sel, after, resealBatch)
		if err != nil {
			return res, err
		}
		n := 0
		for rows.Next() {
			var v value
			if err := rows.Scan(&v.id, &v.old); err != nil {
				rows.Close()
				return res, err
			}
			n++
			after = v.id
			nv, changed, err := keys.Reseal(v.old, sealed.Place(c.Table, v.id, c.Place))
			switch {
			case errors.Is(err, sealed.ErrUnknownKey), errors.Is(err, sealed.ErrAuth), errors.Is(err, sealed.ErrMalformed):
				res.Failed = append(res.Failed, v.id)
				continue
			case err != nil:
				rows.Close()
				return res, err
			}
			res.Checked++
			if changed {
				v.new = nv
				batch = append(batch, v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return res, err
		}
		if len(batch) > 0 {
			err := d.Tx(ctx, func(tx *db.Tx) error {
				for _, v := range batch {
					r, err := tx.Exec(ctx, upd, v.new, v.id, v.old)
					if err != nil {
						return err
					}
					if k, _ := r.RowsAffected(); k > 0 {
						res.Resealed++
					}
				}
				return nil
			})
			if err != nil {
				return res, err
			}
		}
		if n < resealBatch {
			return res, nil
		}
	}
}

// String names a column for the command's report.
func (c Column) String() string { return c.Table + "." + c.Column }

// FailedList shows failed row ids for an operator (ids only, never values).
func (r ResealResult) FailedList() string {
	s := ""
	for i, id := range r.Failed {
		if i > 0 {
			s += ", "
		}
		if i == 20 {
			return s + "… (" + strconv.Itoa(len(r.Failed)) + " in all)"
		}
		s += strconv.FormatInt(id, 10)
	}
	return s
}
