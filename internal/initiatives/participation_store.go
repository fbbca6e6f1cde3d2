package initiatives

import (
	"context"
	"database/sql"
	"errors"
	"html/template"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Update is an organisers' news item.
type Update struct {
	ID           int64
	InitiativeID int64
	Title        string // the initiative's, for lists mixing initiatives
	Body         string // Markdown
	HTML         template.HTML
	CreatedAt    time.Time
}

// Membership is an initiative someone joined or follows.
type Membership struct {
	Initiative
	Role string
}

// lockInitiative reads an initiative for a change that depends on its state
// and its counters. On PostgreSQL the row stays locked until the end of the
// transaction, so concurrent joins, reports and moderation queue up on it
// (NO KEY: rows that merely reference it, like new updates, need not wait);
// SQLite transactions are serialised by the single writer already.
func lockInitiative(ctx context.Context, tx *db.Tx, id int64) (Initiative, error) {
	q := "SELECT " + columns + " FROM initiatives i WHERE i.id = ?"
	if tx.Engine() == db.Postgres {
		q += " FOR NO KEY UPDATE"
	}
	in, err := scanInitiative(tx.QueryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return in, ErrNotFound
	}
	return in, err
}

// insertMember adds userID with role unless they already have one; false
// when a row was there.
func insertMember(ctx context.Context, tx *db.Tx, id, userID int64, role string, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO initiative_members (initiative_id, user_id, role, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (initiative_id, user_id) DO NOTHING`, id, userID, role, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// changeMemberRole moves userID from one role to another; false when they
// did not hold from (someone else changed it first).
func changeMemberRole(ctx context.Context, tx *db.Tx, id, userID int64, from, to string) (bool, error) {
	res, err := tx.Exec(ctx, "UPDATE initiative_members SET role = ? WHERE initiative_id = ? AND user_id = ? AND role = ?",
		to, id, userID, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// deleteMember removes userID's row if it holds role.
func deleteMember(ctx context.Context, tx *db.Tx, id, userID int64, role string) (bool, error) {
	res, err := tx.Exec(ctx, "DELETE FROM initiative_members WHERE initiative_id = ? AND user_id = ? AND role = ?", id, userID, role)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// addCounts moves the participants and followers counters by the given
// amounts. Relative updates stay right however many transactions add to
// them at once.
func addCounts(ctx context.Context, tx *db.Tx, id int64, participants, followers int) error {
	_, err := tx.Exec(ctx, "UPDATE initiatives SET participants = participants + ?, followers = followers + ? WHERE id = ?",
		participants, followers, id)
	return err
}

// insertReport records a report; false when this person reported the
// initiative before.
func insertReport(ctx context.Context, tx *db.Tx, id, userID int64, reason string, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO initiative_reports (initiative_id, user_id, reason, created_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (initiative_id, user_id) DO NOTHING`, id, userID, reason, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// countReport adds one to the reports counter and returns the new count.
func countReport(ctx context.Context, tx *db.Tx, id int64) (int, error) {
	var n int
	err := tx.QueryRow(ctx, "UPDATE initiatives SET reports = reports + 1 WHERE id = ? RETURNING reports", id).Scan(&n)
	return n, err
}

// digestLockKey names the PostgreSQL advisory lock that serialises posting
// updates (see insertUpdate).
const digestLockKey = 0x63760005

// insertUpdate stores an organiser's update. On PostgreSQL, identity values
// are handed out at insert time but become visible at commit, so two posts
// could commit out of id order and a digest run in between would move a
// cursor past the slower one for good. Posting under one transaction-level
// lock makes ids visible in order, as SQLite's single writer does; updates
// are rare enough for this to cost nothing.
func insertUpdate(ctx context.Context, tx *db.Tx, id, author int64, body string, now time.Time) (int64, error) {
	if tx.Engine() == db.Postgres {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(?)", int64(digestLockKey)); err != nil {
			return 0, err
		}
	}
	var uid int64
	err := tx.QueryRow(ctx, `INSERT INTO initiative_updates (initiative_id, author_id, body, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`, id, author, body, now).Scan(&uid)
	return uid, err
}

// Updates lists an initiative's latest updates, newest first.
func (s *Store) Updates(ctx context.Context, id int64, limit int) ([]Update, error) {
	rows, err := s.db.Query(ctx, `SELECT u.id, u.initiative_id, i.title, u.body, u.created_at
		FROM initiative_updates u JOIN initiatives i ON i.id = u.initiative_id
		WHERE u.initiative_id = ? ORDER BY u.id DESC LIMIT ?`, id, limit)
	if err != nil {
		return nil, err
	}
	return collectUpdates(rows)
}

// News lists the updates of the visible initiatives userID joined or
// follows, newest first, with one more than limit to tell whether a next
// page exists.
func (s *Store) News(ctx context.Context, userID int64, limit, offset int) ([]Update, error) {
	rows, err := s.db.Query(ctx, `SELECT u.id, u.initiative_id, i.title, u.body, u.created_at
		FROM initiative_members m
		JOIN initiatives i ON i.id = m.initiative_id
		JOIN initiative_updates u ON u.initiative_id = m.initiative_id
		WHERE m.user_id = ? AND m.role IN (?, ?) AND i.status IN (?, ?) AND i.hidden = ?
		ORDER BY u.id DESC LIMIT ? OFFSET ?`,
		userID, RoleParticipant, RoleFollower, string(Published), string(Paused), false, limit, offset)
	if err != nil {
		return nil, err
	}
	return collectUpdates(rows)
}

func collectUpdates(rows *sql.Rows) ([]Update, error) {
	defer rows.Close()
	var out []Update
	for rows.Next() {
		var u Update
		if err := rows.Scan(&u.ID, &u.InitiativeID, &u.Title, &u.Body, &u.CreatedAt); err != nil {
			return nil, err
		}
		u.HTML = RenderMarkdown(u.Body)
		out = append(out, u)
	}
	return out, rows.Err()
}

// Memberships lists the visible initiatives userID joined or follows, by
// title.
func (s *Store) Memberships(ctx context.Context, userID int64) ([]Membership, error) {
	rows, err := s.db.Query(ctx, "SELECT "+columns+`, m.role FROM initiatives i
		JOIN initiative_members m ON m.initiative_id = i.id
		WHERE m.user_id = ? AND m.role IN (?, ?) AND i.status IN (?, ?) AND i.hidden = ?
		ORDER BY i.title, i.id`, userID, RoleParticipant, RoleFollower, string(Published), string(Paused), false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		var role string
		in, err := scanInitiative(scannerFunc(func(dest ...any) error { return rows.Scan(append(dest, &role)...) }))
		if err != nil {
			return nil, err
		}
		m.Initiative, m.Role = in, role
		out = append(out, m)
	}
	return out, rows.Err()
}

// scannerFunc lets a query add columns after the initiative's.
type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }

// HasReported tells whether userID reported the initiative.
func (s *Store) HasReported(ctx context.Context, id, userID int64) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM initiative_reports WHERE initiative_id = ? AND user_id = ?", id, userID).Scan(&n)
	return n > 0, err
}

// EraseMemberships removes what a leaving account's taking part left behind,
// inside the account deletion's transaction: the initiatives it joined or
// followed (with their counters) and its digest cursor. Organisers' rows
// stay, for the lead's deletion rules to decide; reports stay as moderation
// records of an account that is now anonymous.
func EraseMemberships(ctx context.Context, tx *db.Tx, userID int64) error {
	if tx.Engine() == db.Postgres {
		// Lock the counters' rows in id order, as two erasures at once
		// would otherwise deadlock on each other.
		_, err := tx.Exec(ctx, `SELECT id FROM initiatives WHERE id IN (SELECT initiative_id FROM initiative_members
			WHERE user_id = ? AND role IN (?, ?)) ORDER BY id FOR UPDATE`, userID, RoleParticipant, RoleFollower)
		if err != nil {
			return err
		}
	}
	for _, c := range []struct{ role, column string }{{RoleParticipant, "participants"}, {RoleFollower, "followers"}} {
		_, err := tx.Exec(ctx, "UPDATE initiatives SET "+c.column+" = "+c.column+` - 1 WHERE id IN
			(SELECT initiative_id FROM initiative_members WHERE user_id = ? AND role = ?)`, userID, c.role)
		if err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, "DELETE FROM initiative_members WHERE user_id = ? AND role IN (?, ?)",
		userID, RoleParticipant, RoleFollower); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "DELETE FROM initiative_digests WHERE user_id = ?", userID)
	return err
}

// digestFrom is the part of the digest queries shared by finding whom to
// mail and what to tell them: updates of visible initiatives a person joined
// or follows, newer than their cursor and than their joining (so newcomers
// do not receive the history), and not written by themselves.
const digestFrom = ` FROM initiative_members m
	JOIN initiatives i ON i.id = m.initiative_id
	JOIN initiative_updates u ON u.initiative_id = m.initiative_id AND u.created_at >= m.created_at
	LEFT JOIN initiative_digests d ON d.user_id = m.user_id
	WHERE m.role IN (?, ?) AND i.status IN (?, ?) AND i.hidden = ?
	AND u.id > COALESCE(d.last_update_id, 0) AND (u.author_id IS NULL OR u.author_id <> m.user_id)`

func digestArgs() []any {
	return []any{RoleParticipant, RoleFollower, string(Published), string(Paused), false}
}

// digestUsers lists up to limit people with news, after user id after.
func digestUsers(ctx context.Context, d *db.DB, after int64, limit int) ([]int64, error) {
	return collectIDs(d.Query(ctx, "SELECT DISTINCT m.user_id"+digestFrom+" AND m.user_id > ? ORDER BY m.user_id LIMIT ?",
		append(digestArgs(), after, limit)...))
}

// pendingNews is one person's news for a digest.
type pendingNews struct {
	cursor  int64 // the cursor read with the news, for the compare-and-set
	updates []Update
}

// digestNews reads the news of users, oldest first, at most perUser each.
func digestNews(ctx context.Context, d *db.DB, users []int64, perUser int) (map[int64]*pendingNews, error) {
	args := digestArgs()
	for _, u := range users {
		args = append(args, u)
	}
	rows, err := d.Query(ctx, `SELECT m.user_id, COALESCE(d.last_update_id, 0), u.id, u.initiative_id, i.title, u.body, u.created_at`+
		digestFrom+" AND m.user_id IN ("+placeholders(len(users))+") ORDER BY m.user_id, u.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*pendingNews{}
	for rows.Next() {
		var user, cursor int64
		var u Update
		if err := rows.Scan(&user, &cursor, &u.ID, &u.InitiativeID, &u.Title, &u.Body, &u.CreatedAt); err != nil {
			return nil, err
		}
		p := out[user]
		if p == nil {
			p = &pendingNews{cursor: cursor}
			out[user] = p
		}
		if len(p.updates) < perUser {
			p.updates = append(p.updates, u)
		}
	}
	return out, rows.Err()
}

// advanceDigest moves userID's cursor from the value read with their news
// to to. false when it no longer holds that value: another run (a second
// instance) mailed these news in the meantime.
func advanceDigest(ctx context.Context, tx *db.Tx, userID, from, to int64, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO initiative_digests (user_id, last_update_id, sent_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET last_update_id = excluded.last_update_id, sent_at = excluded.sent_at
		WHERE initiative_digests.last_update_id = ?`, userID, to, now, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// excerpt cuts s to at most n characters, at a space when one is near.
func excerpt(s string, n int) (string, bool) {
	r := []rune(s)
	if len(r) <= n {
		return s, false
	}
	cut := string(r[:n])
	if i := strings.LastIndexAny(cut, " \n"); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…", true
}
