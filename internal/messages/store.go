package messages

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// ErrNotFound means no such message in this inbox: someone else's message
// and a missing one look alike, so ids cannot be probed.
var ErrNotFound = errors.New("messages: not found")

// Store holds the feature's SQL.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// insertMessage writes the message with its counts, inside tx.
func insertMessage(ctx context.Context, tx *db.Tx, d Draft, c Counts, now time.Time) (int64, error) {
	seg, err := json.Marshal(d.Segment)
	if err != nil {
		return 0, err
	}
	var author any
	if d.AuthorID > 0 {
		author = d.AuthorID
	}
	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO messages (author_id, subject, body, filter, recipients, emails, sms, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		author, d.Subject, d.Body, string(seg), c.Recipients, c.Emails, c.SMS, now).Scan(&id)
	return id, err
}

// recentDuplicate finds the same message from the same author sent since
// cutoff, inside tx (on SQLite the write lock makes a second click wait for
// the first send and then see it).
func recentDuplicate(ctx context.Context, tx *db.Tx, d Draft, cutoff time.Time) (int64, error) {
	seg, err := json.Marshal(d.Segment)
	if err != nil {
		return 0, err
	}
	var id int64
	err = tx.QueryRow(ctx, `SELECT id FROM messages WHERE author_id = ? AND created_at > ? AND subject = ?
		AND body = ? AND filter = ? ORDER BY id DESC LIMIT 1`, d.AuthorID, cutoff, d.Subject, d.Body, string(seg)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// inboxChunk bounds the rows of one INSERT: two parameters a row stays far
// below both engines' limits.
const inboxChunk = 1000

// insertInbox gives each recipient their copy, with multi-row INSERTs so a
// segment of 15,000 costs 15 statements rather than 15,000.
func insertInbox(ctx context.Context, tx *db.Tx, messageID int64, users []int64) error {
	for start := 0; start < len(users); start += inboxChunk {
		chunk := users[start:min(start+inboxChunk, len(users))]
		args := make([]any, 0, 2*len(chunk))
		for _, u := range chunk {
			args = append(args, messageID, u)
		}
		_, err := tx.Exec(ctx, "INSERT INTO message_recipients (message_id, user_id) VALUES "+
			strings.TrimSuffix(strings.Repeat("(?, ?), ", len(chunk)), ", "), args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// Sent lists sent messages, newest first, and how many there are.
func (s *Store) Sent(ctx context.Context, limit, offset int) ([]Message, int, error) {
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM messages").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT id, COALESCE(author_id, 0), subject, filter, recipients, emails, sms, created_at
		FROM messages ORDER BY id DESC LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var seg string
		if err := rows.Scan(&m.ID, &m.AuthorID, &m.Subject, &seg, &m.Counts.Recipients, &m.Counts.Emails,
			&m.Counts.SMS, &m.CreatedAt); err != nil {
			return nil, 0, err
		}
		m.Segment = Everyone()
		if err := json.Unmarshal([]byte(seg), &m.Segment); err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

// Inbox lists a volunteer's messages newest first, with how many they have
// and how many are unread.
func (s *Store) Inbox(ctx context.Context, userID int64, limit, offset int) (items []InboxItem, total, unread int, err error) {
	err = s.db.QueryRow(ctx, `SELECT COUNT(*), COUNT(*) - COUNT(read_at) FROM message_recipients WHERE user_id = ?`,
		userID).Scan(&total, &unread)
	if err != nil {
		return nil, 0, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT m.id, m.subject, m.created_at, r.read_at
		FROM message_recipients r JOIN messages m ON m.id = r.message_id
		WHERE r.user_id = ? ORDER BY r.message_id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var it InboxItem
		var read sql.NullTime
		if err := rows.Scan(&it.ID, &it.Subject, &it.CreatedAt, &read); err != nil {
			return nil, 0, 0, err
		}
		if read.Valid {
			it.ReadAt = &read.Time
		}
		items = append(items, it)
	}
	return items, total, unread, rows.Err()
}

// Unread counts a volunteer's unread messages (for a badge in the layout).
func (s *Store) Unread(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM message_recipients WHERE user_id = ? AND read_at IS NULL", userID).Scan(&n)
	return n, err
}

// Open reads one message of a volunteer's inbox and marks it read; the
// returned ReadAt is when it was first opened.
func (s *Store) Open(ctx context.Context, userID, messageID int64) (InboxItem, error) {
	it := InboxItem{ID: messageID}
	var read sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT m.subject, m.body, m.created_at, r.read_at
		FROM message_recipients r JOIN messages m ON m.id = r.message_id
		WHERE r.user_id = ? AND r.message_id = ?`, userID, messageID).Scan(&it.Subject, &it.Body, &it.CreatedAt, &read)
	if errors.Is(err, sql.ErrNoRows) {
		return it, ErrNotFound
	}
	if err != nil {
		return it, err
	}
	if read.Valid {
		it.ReadAt = &read.Time
		return it, nil
	}
	now := db.Now()
	// "read_at IS NULL" keeps the first opening's time when two tabs race.
	if _, err := s.db.Exec(ctx, `UPDATE message_recipients SET read_at = ?
		WHERE user_id = ? AND message_id = ? AND read_at IS NULL`, now, userID, messageID); err != nil {
		return it, err
	}
	it.ReadAt = &now
	return it, nil
}

// EraseInbox removes a volunteer's inbox copies inside the caller's
// transaction: which messages reached someone says which segments (district,
// skills…) they belonged to, so it goes with the rest of their personal
// data when they delete their account. The messages themselves stay.
func EraseInbox(ctx context.Context, tx *db.Tx, userID int64) error {
	_, err := tx.Exec(ctx, "DELETE FROM message_recipients WHERE user_id = ?", userID)
	return err
}
