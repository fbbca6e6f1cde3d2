// Package history keeps every change to the Climate Plan: who changed what,
// when, from which value to which, and shows it as a public timeline. The
// actions and indicators parts record a change set in the same transaction
// as the change itself, so the history can never miss or invent an edit.
package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// Kind is what a change set is about.
type Kind string

const (
	KindAction    Kind = "action"
	KindIndicator Kind = "indicator"
	KindTheme     Kind = "theme"
)

// Origin says how the change was made.
type Origin string

const (
	OriginCreate Origin = "create" // the subject was created
	OriginEdit   Origin = "edit"   // a form
	OriginImport Origin = "import" // a CSV import
	OriginSystem Origin = "system" // a roll-up or another computed change
)

// Change is one field's old and new value, as text shown to people.
// Field is a stable name ("status", "progress", "value.2024") that pages
// translate; values are stored as given (codes are translated when shown).
type Change struct {
	Field string
	Old   string
	New   string
}

// Set is one edit: everything one person changed on one subject at once.
type Set struct {
	ID           int64
	Kind         Kind
	SubjectID    int64
	SubjectLabel string // identifier and title, kept as they were then
	ActorID      int64  // 0 for the command line or the system
	ActorName    string // the display name at the time; blanked on erasure
	Origin       Origin
	At           time.Time
	Changes      []Change
}

// ErrInvalid is returned for a set that cannot be recorded.
var ErrInvalid = errors.New("history: invalid change set")

// Record writes a change set in tx. A set without changes writes nothing and
// returns 0: saving a form unchanged is not an event of the plan.
func Record(ctx context.Context, tx *db.Tx, s Set) (int64, error) {
	if len(s.Changes) == 0 {
		return 0, nil
	}
	if s.SubjectID <= 0 || s.Kind == "" || s.Origin == "" {
		return 0, fmt.Errorf("%w: kind %q subject %d origin %q", ErrInvalid, s.Kind, s.SubjectID, s.Origin)
	}
	at := s.At
	if at.IsZero() {
		at = db.Now()
	}
	var actor any
	if s.ActorID > 0 {
		actor = s.ActorID
	}
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO plan_change_sets (subject_kind, subject_id, subject_label, actor_id, actor_name, origin, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		string(s.Kind), s.SubjectID, s.SubjectLabel, actor, s.ActorName, string(s.Origin), at.UTC()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("history: record set: %w", err)
	}
	for i, c := range s.Changes {
		if _, err := tx.Exec(ctx, `INSERT INTO plan_changes (set_id, position, field, old_value, new_value) VALUES (?, ?, ?, ?, ?)`,
			id, i, c.Field, c.Old, c.New); err != nil {
			return 0, fmt.Errorf("history: record change: %w", err)
		}
	}
	return id, nil
}

// EraseActor blanks the name kept on a deleted account's changes; the
// changes themselves stay, as the plan's public record.
func EraseActor(ctx context.Context, tx *db.Tx, userID int64) error {
	_, err := tx.Exec(ctx, `UPDATE plan_change_sets SET actor_name = '' WHERE actor_id = ?`, userID)
	return err
}

// Filter narrows the timeline. Zero values mean everything.
type Filter struct {
	Kind      Kind
	SubjectID int64 // with Kind
	Since     time.Time
	Limit     int // default 50, at most 500
	Offset    int
}

// Page is one page of the timeline, newest first, with the total count.
type Page struct {
	Sets  []Set
	Total int
}

// List reads the timeline, newest first, with each set's changes.
func List(ctx context.Context, d *db.DB, f Filter) (Page, error) {
	where, args := f.where()
	var p Page
	if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM plan_change_sets`+where, args...).Scan(&p.Total); err != nil {
		return Page{}, fmt.Errorf("history: count: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	offset := max(f.Offset, 0)
	if offset >= p.Total {
		return p, nil
	}
	rows, err := d.Query(ctx, `SELECT id, subject_kind, subject_id, subject_label, COALESCE(actor_id, 0), actor_name, origin, changed_at
		FROM plan_change_sets`+where+` ORDER BY changed_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return Page{}, fmt.Errorf("history: list: %w", err)
	}
	byID := map[int64]int{}
	for rows.Next() {
		var s Set
		var kind, origin string
		if err := rows.Scan(&s.ID, &kind, &s.SubjectID, &s.SubjectLabel, &s.ActorID, &s.ActorName, &origin, &s.At); err != nil {
			rows.Close()
			return Page{}, err
		}
		s.Kind, s.Origin, s.At = Kind(kind), Origin(origin), s.At.UTC()
		byID[s.ID] = len(p.Sets)
		p.Sets = append(p.Sets, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Page{}, err
	}
	return p, loadChanges(ctx, d, p.Sets, byID)
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Kind != "" {
		conds, args = append(conds, "subject_kind = ?"), append(args, string(f.Kind))
		if f.SubjectID > 0 {
			conds, args = append(conds, "subject_id = ?"), append(args, f.SubjectID)
		}
	}
	if !f.Since.IsZero() {
		conds, args = append(conds, "changed_at >= ?"), append(args, f.Since.UTC())
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// loadChanges reads the changes of the sets on the page in one query.
func loadChanges(ctx context.Context, d *db.DB, sets []Set, byID map[int64]int) error {
	if len(sets) == 0 {
		return nil
	}
	marks := strings.TrimSuffix(strings.Repeat("?,", len(sets)), ",")
	args := make([]any, len(sets))
	for i, s := range sets {
		args[i] = s.ID
	}
	rows, err := d.Query(ctx, `SELECT set_id, field, old_value, new_value FROM plan_changes WHERE set_id IN (`+marks+`) ORDER BY set_id, position`, args...)
	if err != nil {
		return fmt.Errorf("history: changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c Change
		if err := rows.Scan(&id, &c.Field, &c.Old, &c.New); err != nil {
			return err
		}
		i := byID[id]
		sets[i].Changes = append(sets[i].Changes, c)
	}
	return rows.Err()
}

// Latest returns when each subject of a kind last changed, for the "not
// updated for 90 days" flag.
func Latest(ctx context.Context, d *db.DB, kind Kind) (map[int64]time.Time, error) {
	// The newest row of each subject rather than MAX(changed_at): SQLite
	// returns an aggregate of a timestamp as untyped text.
	rows, err := d.Query(ctx, `SELECT s.subject_id, s.changed_at FROM plan_change_sets s
		WHERE s.subject_kind = ? AND NOT EXISTS (SELECT 1 FROM plan_change_sets n
			WHERE n.subject_kind = s.subject_kind AND n.subject_id = s.subject_id AND n.changed_at > s.changed_at)`, string(kind))
	if err != nil {
		return nil, fmt.Errorf("history: latest: %w", err)
	}
	defer rows.Close()
	out := map[int64]time.Time{}
	for rows.Next() {
		var id int64
		var at sql.NullTime
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		if at.Valid {
			out[id] = at.Time.UTC()
		}
	}
	return out, rows.Err()
}
