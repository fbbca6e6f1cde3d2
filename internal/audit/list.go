package audit

import (
	"context"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Filter selects log entries. Zero values select everything.
type Filter struct {
	Action     string
	ActorEmail string    // the actor's email, or its beginning, any case
	From, To   time.Time // From inclusive, To exclusive
	Page       int       // from 1
	PerPage    int       // DefaultPerPage when 0, at most MaxPerPage
}

// Page sizes.
const (
	DefaultPerPage = 50
	MaxPerPage     = 200
)

// Row is a recorded entry with its actor's current email ("" when there was
// no actor or the account is gone).
type Row struct {
	ID         int64
	At         time.Time // UTC
	ActorID    int64
	ActorEmail string
	Action     string
	TargetType string
	TargetID   string
	IPNetwork  string
	Detail     string
}

// List returns one page of entries matching f, newest first, and how many
// match in all.
func List(ctx context.Context, d *db.DB, f Filter) ([]Row, int, error) {
	where, args := f.where()
	from := " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id" + where
	var total int
	if err := d.QueryRow(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	page, per := f.pageAndSize()
	rows, err := d.Query(ctx, `SELECT a.id, a.at, COALESCE(a.actor_id, 0), COALESCE(u.email, ''), a.action,
		a.target_type, a.target_id, a.ip_network, a.detail`+from+`
		ORDER BY a.at DESC, a.id DESC LIMIT ? OFFSET ?`,
		append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.At, &r.ActorID, &r.ActorEmail, &r.Action,
			&r.TargetType, &r.TargetID, &r.IPNetwork, &r.Detail); err != nil {
			return nil, 0, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// where builds the WHERE clause. Emails are stored lower-cased, so a
// lower-cased prefix with LIKE matches alike on both engines (PostgreSQL's
// LIKE is case-sensitive, SQLite's is not for ASCII).
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Action != "" {
		conds = append(conds, "a.action = ?")
		args = append(args, f.Action)
	}
	if e := strings.ToLower(strings.TrimSpace(f.ActorEmail)); e != "" {
		conds = append(conds, "u.email LIKE ? ESCAPE '!'")
		args = append(args, likeEscape(e)+"%")
	}
	// Timestamps are compared in UTC: SQLite compares them as text.
	if !f.From.IsZero() {
		conds = append(conds, "a.at >= ?")
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		conds = append(conds, "a.at < ?")
		args = append(args, f.To.UTC())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// likeEscape makes % and _ (and the escape sign itself) match literally:
// "jean_d" must not match "jeanxd".
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// maxPage keeps OFFSET within reason for a page number typed in the URL.
const maxPage = 100000

func (f Filter) pageAndSize() (page, per int) {
	per = f.PerPage
	if per <= 0 {
		per = DefaultPerPage
	}
	per = min(per, MaxPerPage)
	page = min(max(f.Page, 1), maxPage)
	return page, per
}
