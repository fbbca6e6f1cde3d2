package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"climatevolunteers/internal/db"
)

// ErrNotFound is returned when no row matches.
var ErrNotFound = errors.New("not found")

// ErrEmailTaken is returned when another account has the address.
var ErrEmailTaken = errors.New("email already used by another account")

// Store holds the SQL of accounts, sessions and tokens.
type Store struct{ db *db.DB }

// NewStore binds the store to a database.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const userColumns = "id, email, password_hash, email_verified_at, role, status, language, display_name, created_at, last_sign_in_at"

type scanner interface{ Scan(...any) error }

func scanUser(s scanner) (User, error) {
	var u User
	var role string
	var verified, last sql.NullTime
	err := s.Scan(&u.ID, &u.Email, &u.PasswordHash, &verified, &role, &u.Status, &u.Language, &u.DisplayName, &u.CreatedAt, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	u.Role = Role(role)
	if verified.Valid {
		t := verified.Time
		u.EmailVerifiedAt = &t
	}
	if last.Valid {
		t := last.Time
		u.LastSignInAt = &t
	}
	return u, err
}

// UserByEmail finds an account by its (normalised) address.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	return scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", NormaliseEmail(email)))
}

// UserByID finds an account.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
}

func userByIDTx(ctx context.Context, tx *db.Tx, id int64) (User, error) {
	return scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
}

func userByEmailTx(ctx context.Context, tx *db.Tx, email string) (User, error) {
	return scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", NormaliseEmail(email)))
}

func insertUser(ctx context.Context, tx *db.Tx, u User) (int64, error) {
	now := db.Now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, email_verified_at, role, status, language, display_name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		NormaliseEmail(u.Email), u.PasswordHash, u.EmailVerifiedAt, string(u.Role), StatusActive, u.Language, u.DisplayName, now, now).Scan(&id)
	if isUniqueViolation(err) {
		return 0, ErrEmailTaken
	}
	return id, err
}

// isUniqueViolation recognises both engines' duplicate-key errors.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

func execOne(ctx context.Context, tx *db.Tx, query string, args ...any) error {
	res, err := tx.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return ErrNotFound
	}
	return err
}

// UserFilter narrows the admin list.
type UserFilter struct {
	Query   string // part of the email or display name
	Role    string
	Status  string
	Page    int
	PerPage int
}

// ListUsers returns a page of accounts and the total matching.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		where = append(where, `(email LIKE ? ESCAPE '\' OR LOWER(display_name) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if f.Role != "" {
		where = append(where, "role = ?")
		args = append(args, f.Role)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	rows, err := s.db.Query(ctx, "SELECT "+userColumns+" FROM users WHERE "+cond+" ORDER BY id DESC LIMIT ? OFFSET ?",
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// Session is one signed-in browser.
type Session struct {
	ID         string // SHA-256 of the cookie token
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	UserAgent  string
	IPNetwork  string
}

func insertSession(ctx context.Context, tx *db.Tx, s Session) error {
	_, err := tx.Exec(ctx, `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, user_agent, ip_network)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, s.ID, s.UserID, s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.UserAgent, s.IPNetwork)
	return err
}

// sessionUser loads a live session and its account in one query.
func (s *Store) sessionUser(ctx context.Context, id string, now time.Time) (Session, User, error) {
	var se Session
	row := s.db.QueryRow(ctx, `SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,
		u.id, u.email, u.password_hash, u.email_verified_at, u.role, u.status, u.language, u.display_name, u.created_at, u.last_sign_in_at
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = ? AND s.expires_at > ?`, id, now)
	var role string
	var u User
	var verified, last sql.NullTime
	err := row.Scan(&se.ID, &se.UserID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt,
		&u.ID, &u.Email, &u.PasswordHash, &verified, &role, &u.Status, &u.Language, &u.DisplayName, &u.CreatedAt, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return se, u, ErrNotFound
	}
	u.Role = Role(role)
	if verified.Valid {
		u.EmailVerifiedAt = &verified.Time
	}
	if last.Valid {
		u.LastSignInAt = &last.Time
	}
	return se, u, err
}

// ListSessions returns an account's live sessions, most recent first.
func (s *Store) ListSessions(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := s.db.Query(ctx, `SELECT id, user_id, created_at, last_seen_at, expires_at, user_agent, ip_network
		FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC`, userID, db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var se Session
		if err := rows.Scan(&se.ID, &se.UserID, &se.CreatedAt, &se.LastSeenAt, &se.ExpiresAt, &se.UserAgent, &se.IPNetwork); err != nil {
			return nil, err
		}
		out = append(out, se)
	}
	return out, rows.Err()
}

// token purposes
const (
	PurposeVerify      = "verify_email"
	PurposeReset       = "reset_password"
	PurposeMagic       = "magic_link"
	PurposeEmailChange = "email_change"
)

func insertToken(ctx context.Context, tx *db.Tx, hash, purpose string, userID int64, email string, ttl time.Duration) error {
	now := db.Now()
	_, err := tx.Exec(ctx, `INSERT INTO auth_tokens (token_hash, purpose, user_id, email, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?)`, hash, purpose, userID, email, now, now.Add(ttl))
	return err
}

// consumeToken marks a live token used and returns its account and email.
// The single UPDATE makes a token usable once, even when two requests race.
func consumeToken(ctx context.Context, tx *db.Tx, hash, purpose string) (int64, string, error) {
	now := db.Now()
	var userID int64
	var email string
	// A link mailed to an address the account no longer uses is dead.
	err := tx.QueryRow(ctx, `UPDATE auth_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?
		AND (purpose = 'email_change' OR email = (SELECT u.email FROM users u WHERE u.id = auth_tokens.user_id))
		RETURNING user_id, email`, now, hash, purpose, now).Scan(&userID, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", ErrNotFound
	}
	return userID, email, err
}

// revokeTokens spends every live mailed link of an account: after a new
// password or address, links sent before must not work any more.
func revokeTokens(ctx context.Context, tx *db.Tx, userID int64) error {
	_, err := tx.Exec(ctx, "UPDATE auth_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL", db.Now(), userID)
	return err
}

// tokenValid reports, without using it, whether a token may still be used
// (to show the right page before the person confirms).
func (s *Store) tokenValid(ctx context.Context, hash, purpose string) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM auth_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, hash, purpose, db.Now()).Scan(&n)
	return n > 0, err
}

// InsertDemoUser creates a verified volunteer account without a password
// (no one can sign in to it), for the demo data.
func InsertDemoUser(ctx context.Context, tx *db.Tx, email, lang string) (int64, error) {
	now := db.Now()
	return insertUser(ctx, tx, User{Email: email, Role: RoleVolunteer, Language: lang, EmailVerifiedAt: &now})
}
