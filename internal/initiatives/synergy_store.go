package initiatives

import (
	"context"
	"database/sql"
	"time"

	"climatevolunteers/internal/db"
)

// The synergy's SQL. Reads take only the columns comparison needs (never the
// description, links or counters): a page asks for thousands of rows.

// docColumns are read by scanDocs, in this order.
const synDocColumns = `id, title, synergy_terms, theme, COALESCE(district_code, ''), geo_lat, geo_lon, status`

// synNeighboursQuery walks initiatives_public_geo: the status and hidden
// equalities, then the latitude range, the longitude tested in the index.
const synNeighboursQuery = `SELECT ` + synDocColumns + ` FROM initiatives
	WHERE status IN (?, ?) AND hidden = ? AND geo_lat BETWEEN ? AND ? AND geo_lon BETWEEN ? AND ? AND id <> ?`

// synNeighbours calls fn with each visible initiative within the box of km
// around p, except the one numbered except. The doc passed to fn is reused:
// fn keeps copies of what it needs.
func (s *Store) synNeighbours(ctx context.Context, p Point, km float64, except int64, fn func(*synDoc)) error {
	b := synAround(p, km)
	rows, err := s.db.Query(ctx, synNeighboursQuery, string(Published), string(Paused), false,
		b.minLat, b.maxLat, b.minLon, b.maxLon, except)
	if err != nil {
		return err
	}
	return synScanDocs(rows, fn)
}

// synVisible reads every visible initiative, of one theme when given.
func (s *Store) synVisible(ctx context.Context, theme string) ([]synDoc, error) {
	q := `SELECT ` + synDocColumns + ` FROM initiatives WHERE status IN (?, ?) AND hidden = ?`
	args := []any{string(Published), string(Paused), false}
	if theme != "" {
		q += " AND theme = ?"
		args = append(args, theme)
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	var out []synDoc
	err = synScanDocs(rows, func(d *synDoc) {
		c := *d
		c.title, c.rawTitle = string(d.rawTitle), nil
		out = append(out, c)
	})
	return out, err
}

// synScanDocs reads title and stems as raw bytes: the stems are only hashed,
// and the title is copied only for rows fn keeps.
func synScanDocs(rows *sql.Rows, fn func(*synDoc)) error {
	defer rows.Close()
	var d synDoc
	var title, stems sql.RawBytes
	var status string
	for rows.Next() {
		if err := rows.Scan(&d.id, &title, &stems, &d.theme, &d.district, &d.geo.Lat, &d.geo.Lon, &status); err != nil {
			return err
		}
		d.terms = synTermsOf(stems)
		d.rawTitle = title
		d.status = Status(status)
		fn(&d)
	}
	return rows.Err()
}

// synMark fills each member's consent and each pair's introduction.
func (s *Store) synMark(ctx context.Context, cs []Cluster) error {
	var ids []any
	for _, c := range cs {
		for _, m := range c.Members {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	in := placeholders(len(ids))
	consent := map[int64]bool{}
	args := append([]any{RoleOwner, RoleOrganiser}, ids...)
	rows, err := s.db.Query(ctx, `SELECT DISTINCT initiative_id FROM initiative_members
		WHERE role IN (?, ?) AND intro_consent_at IS NOT NULL AND initiative_id IN (`+in+`)`, args...)
	if err != nil {
		return err
	}
	if err := synEachID(rows, func(id int64) { consent[id] = true }); err != nil {
		return err
	}
	done := map[[2]int64]bool{}
	rows, err = s.db.Query(ctx, `SELECT initiative_a, initiative_b FROM initiative_introductions
		WHERE initiative_a IN (`+in+`) AND initiative_b IN (`+in+`)`, append(ids, ids...)...)
	if err != nil {
		return err
	}
	if err := synEachPair(rows, func(a, b int64) { done[[2]int64{a, b}] = true }); err != nil {
		return err
	}
	for _, c := range cs {
		for i := range c.Members {
			c.Members[i].Consent = consent[c.Members[i].ID]
		}
		for i := range c.Pairs {
			c.Pairs[i].Introduced = done[[2]int64{c.Pairs[i].A, c.Pairs[i].B}]
		}
	}
	return nil
}

// consentingOrganisersTx maps each initiative among ids to its owners and
// organisers who accept introductions, owners first.
func consentingOrganisersTx(ctx context.Context, tx *db.Tx, ids []int64) (map[int64][]int64, error) {
	args := []any{RoleOwner, RoleOrganiser}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.Query(ctx, `SELECT initiative_id, user_id FROM initiative_members
		WHERE role IN (?, ?) AND intro_consent_at IS NOT NULL AND initiative_id IN (`+placeholders(len(ids))+`)
		ORDER BY initiative_id, role DESC, created_at, user_id`, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64][]int64{}
	err = synEachPair(rows, func(id, user int64) { out[id] = append(out[id], user) })
	return out, err
}

// introducedPairsTx lists the pairs among ids already introduced.
func introducedPairsTx(ctx context.Context, tx *db.Tx, ids []int64) (map[[2]int64]bool, error) {
	args := make([]any, 0, 2*len(ids))
	for range 2 {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	in := placeholders(len(ids))
	rows, err := tx.Query(ctx, `SELECT initiative_a, initiative_b FROM initiative_introductions
		WHERE initiative_a IN (`+in+`) AND initiative_b IN (`+in+`)`, args...)
	if err != nil {
		return nil, err
	}
	out := map[[2]int64]bool{}
	err = synEachPair(rows, func(a, b int64) { out[[2]int64{a, b}] = true })
	return out, err
}

// insertIntroduction records the pair a < b; false when it already was
// (a coordinator introduced it meanwhile).
func insertIntroduction(ctx context.Context, tx *db.Tx, a, b, coordinator int64, now time.Time) (bool, error) {
	var by any
	if coordinator > 0 {
		by = coordinator
	}
	res, err := tx.Exec(ctx, `INSERT INTO initiative_introductions (initiative_a, initiative_b, coordinator_id, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (initiative_a, initiative_b) DO NOTHING`, a, b, by, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func synEachID(rows *sql.Rows, fn func(int64)) error {
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		fn(id)
	}
	return rows.Err()
}

func synEachPair(rows *sql.Rows, fn func(a, b int64)) error {
	defer rows.Close()
	for rows.Next() {
		var a, b int64
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		fn(a, b)
	}
	return rows.Err()
}
