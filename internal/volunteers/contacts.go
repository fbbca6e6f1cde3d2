package volunteers

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
)

// Contact is how to write to one account about something it takes part in
// (an initiative it runs or follows): transactional mail, so no newsletter
// consent is needed, but suspended accounts get nothing.
type Contact struct {
	UserID int64
	Name   string // the profile's display name, or the account's
	Email  string
	Lang   string
	// Community is the profile's choice to show its name to signed-in
	// members; without it (or without a profile) only staff see the name.
	Community bool
}

// Contacts returns the contacts of the active accounts among ids, in id order.
func (s *Store) Contacts(ctx context.Context, ids []int64) ([]Contact, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var in strings.Builder
	for i, id := range ids {
		if i > 0 {
			in.WriteByte(',')
		}
		in.WriteString(strconv.FormatInt(id, 10))
	}
	rows, err := s.db.Query(ctx, `SELECT u.id, COALESCE(NULLIF(p.display_name, ''), u.display_name), u.email, u.language,
		COALESCE(p.visibility, '') = 'community'
		FROM users u LEFT JOIN volunteer_profiles p ON p.user_id = u.id
		WHERE u.id IN (`+in.String()+`) AND u.status = 'active' ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.UserID, &c.Name, &c.Email, &c.Lang, &c.Community); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AccountByEmail finds the active account with this address, for
// organisers who add someone to their event by address.
func (s *Store) AccountByEmail(ctx context.Context, email string) (int64, bool, error) {
	var id int64
	err := s.db.QueryRow(ctx, "SELECT id FROM users WHERE email = ? AND status = 'active'",
		strings.ToLower(strings.TrimSpace(email))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}
