package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/auth/password"
	"climatevolunteers/internal/db"
)

// Token lifetimes: long enough to find the mail, short enough to limit harm.
const (
	verifyTTL      = 48 * time.Hour
	resetTTL       = time.Hour
	magicTTL       = 15 * time.Minute
	emailChangeTTL = 24 * time.Hour
)

// Errors the pages turn into messages.
var (
	ErrInvalidCredentials = errors.New("wrong email or password")
	ErrNotVerified        = errors.New("email not verified")
	ErrSuspended          = errors.New("account suspended")
	ErrInvalidToken       = errors.New("link invalid, expired or already used")
	ErrSelfChange         = errors.New("admins cannot change their own role or suspend themselves")
)

// Mailer queues a mail made from one of this feature's templates, inside the
// transaction of the change that causes it (the outbox implements it).
type Mailer interface {
	Queue(ctx context.Context, tx *db.Tx, key, template, to, lang string, data any) error
}

// Service is the accounts feature's logic.
type Service struct {
	db      *db.DB
	store   *Store
	mail    Mailer
	baseURL string
	log     *slog.Logger
	// SessionIdle is how long a session lives without being used.
	SessionIdle time.Duration
	// Landing, when set, picks the page after sign-in when none was asked
	// for (the volunteers feature sends newcomers to onboarding).
	Landing func(ctx context.Context, userID int64) string
	// OnSuspend, when set, hears suspensions and reinstatements inside their
	// transaction (the volunteers feature hides suspended profiles).
	OnSuspend func(ctx context.Context, tx *db.Tx, userID int64, suspended bool) error
}

// NewService builds the service; baseURL makes the links in mails.
func NewService(d *db.DB, mail Mailer, baseURL string, log *slog.Logger) *Service {
	return &Service{db: d, store: NewStore(d), mail: mail, baseURL: strings.TrimRight(baseURL, "/"), log: log,
		SessionIdle: 14 * 24 * time.Hour}
}

// Store exposes the reads pages need.
func (s *Service) Store() *Store { return s.store }

// Meta is what the request says about where it comes from.
type Meta struct {
	IPNetwork string
	UserAgent string
	Lang      string
}

// ValidEmail reports whether s is one plain address with a dotted domain.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	at := strings.LastIndexByte(s, '@')
	return err == nil && a.Address == s && at > 0 && strings.Contains(s[at:], ".") && len(s) <= 254
}

func (s *Service) link(path, token string) string {
	return s.baseURL + path + "?token=" + token
}

type linkMail struct {
	Link     string
	Email    string
	ValidFor string
	SiteURL  string
}

// MailLink lets tests read the link a mail carries.
func (m linkMail) MailLink() string { return m.Link }

// SignUp creates an unverified account and mails a verification link. When
// the address already has an account, that account's owner gets a notice
// instead, and the caller cannot tell the difference.
func (s *Service) SignUp(ctx context.Context, email, pw string, m Meta) error {
	email = NormaliseEmail(email)
	hash, err := password.HashContext(ctx, pw)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		existing, err := userByEmailTx(ctx, tx, email)
		if err == nil {
			_, key := newToken()
			return s.mail.Queue(ctx, tx, "signup_exists:"+key, "signup_exists", existing.Email, existing.Language,
				linkMail{Email: existing.Email, SiteURL: s.baseURL, Link: s.baseURL + "/signin"})
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		id, err := insertUser(ctx, tx, User{Email: email, PasswordHash: hash, Role: RoleVolunteer, Language: m.Lang})
		if err != nil {
			return err
		}
		if err := s.queueVerification(ctx, tx, id, email, m.Lang); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: id, Action: audit.ActionSignup, TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), IPNetwork: m.IPNetwork})
	})
}

func (s *Service) queueVerification(ctx context.Context, tx *db.Tx, userID int64, email, lang string) error {
	token, hash := newToken()
	if err := insertToken(ctx, tx, hash, PurposeVerify, userID, email, verifyTTL); err != nil {
		return err
	}
	return s.mail.Queue(ctx, tx, "verify:"+hash, "verify", email, lang,
		linkMail{Link: s.link("/verify", token), Email: email, ValidFor: "48", SiteURL: s.baseURL})
}

// ResendVerification mails a new link to an unverified account; for any
// other address it does nothing, silently.
func (s *Service) ResendVerification(ctx context.Context, email string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		u, err := userByEmailTx(ctx, tx, email)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil || u.Verified() || u.Status != StatusActive {
			return err
		}
		return s.queueVerification(ctx, tx, u.ID, u.Email, u.Language)
	})
}

// VerifyEmail uses a verification token.
func (s *Service) VerifyEmail(ctx context.Context, token string, m Meta) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		userID, _, err := useToken(ctx, tx, token, PurposeVerify)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?",
			db.Now(), db.Now(), userID)
		return err
	})
}

// TokenUsable tells a link page whether to offer its button or explain that
// the link no longer works.
func (s *Service) TokenUsable(ctx context.Context, token, purpose string) bool {
	if token == "" || len(token) > 100 {
		return false
	}
	ok, err := s.store.tokenValid(ctx, hashToken(token), purpose)
	return err == nil && ok
}

// SignIn checks a password and opens a session. It returns the session's
// cookie token.
func (s *Service) SignIn(ctx context.Context, email, pw string, m Meta) (string, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		password.VerifyContext(ctx, pw, dummyHash()) // same cost as a real check: no timing oracle
		// Recorded without the address typed (personal data of someone, maybe
		// not of an account holder): the network shows credential stuffing.
		s.recordAudit(ctx, audit.Entry{Action: audit.ActionSigninFailed, IPNetwork: m.IPNetwork, Detail: "unknown account"})
		return "", ErrInvalidCredentials
	}
	if err != nil {
		return "", err
	}
	ok, rehash, err := password.VerifyContext(ctx, pw, u.PasswordHash)
	if err != nil && u.PasswordHash != "" {
		return "", err
	}
	// Failed attempts name the account as target, not as actor: whoever
	// typed the password is unknown.
	failed := func(detail string) {
		s.recordAudit(ctx, audit.Entry{Action: audit.ActionSigninFailed, TargetType: "user",
			TargetID: strconv.FormatInt(u.ID, 10), IPNetwork: m.IPNetwork, Detail: detail})
	}
	if !ok {
		failed("wrong password")
		return "", ErrInvalidCredentials
	}
	if u.Status != StatusActive {
		failed("account suspended")
		return "", ErrSuspended
	}
	if !u.Verified() {
		failed("address not confirmed")
		return "", ErrNotVerified
	}
	newHash := ""
	if rehash {
		if newHash, err = password.HashContext(ctx, pw); err != nil {
			return "", err
		}
	}
	return s.openSession(ctx, u.ID, newHash, "password", m)
}

func (s *Service) openSession(ctx context.Context, userID int64, newHash, how string, m Meta) (string, error) {
	token, hash := newToken()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		return s.openSessionTx(ctx, tx, hash, userID, newHash, how, m)
	})
	return token, err
}

// openSessionTx records a new session (its id is the hash of the cookie's
// token), the sign-in time and, when given, a rehashed password.
func (s *Service) openSessionTx(ctx context.Context, tx *db.Tx, id string, userID int64, newHash, how string, m Meta) error {
	now := db.Now()
	if err := insertSession(ctx, tx, Session{ID: id, UserID: userID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.SessionIdle), UserAgent: shortAgent(m.UserAgent), IPNetwork: m.IPNetwork}); err != nil {
		return err
	}
	q, args := "UPDATE users SET last_sign_in_at = ? WHERE id = ?", []any{now, userID}
	if newHash != "" {
		q, args = "UPDATE users SET last_sign_in_at = ?, password_hash = ? WHERE id = ?", []any{now, newHash, userID}
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: audit.ActionSignin, TargetType: "user",
		TargetID: strconv.FormatInt(userID, 10), IPNetwork: m.IPNetwork, Detail: how})
}

// shortAgent keeps enough of the User-Agent to recognise a device in the
// session list, and no more.
func shortAgent(ua string) string {
	if len(ua) > 200 {
		ua = ua[:200]
	}
	return ua
}

// SetLanguage keeps the language an account chose, for its mails.
func (s *Service) SetLanguage(ctx context.Context, userID int64, lang string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, "UPDATE users SET language = ?, updated_at = ? WHERE id = ? AND language <> ?", lang, db.Now(), userID, lang)
		return err
	})
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, sessionID string, userID int64, m Meta) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE id = ?", sessionID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: audit.ActionSignout, TargetType: "user",
			TargetID: strconv.FormatInt(userID, 10), IPNetwork: m.IPNetwork})
	})
}

// SignOutEverywhere ends every session of the account, this one included.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64, m Meta) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: audit.ActionSessionsRevoked, TargetType: "user",
			TargetID: strconv.FormatInt(userID, 10), IPNetwork: m.IPNetwork})
	})
}

// RequestReset mails a reset link when the address has an active account;
// otherwise it does nothing, and the caller cannot tell.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	return s.mailLinkToActive(ctx, email, PurposeReset, resetTTL, "reset", "/reset/confirm", "1")
}

// RequestMagicLink mails a one-time sign-in link, under the same rules.
func (s *Service) RequestMagicLink(ctx context.Context, email string) error {
	return s.mailLinkToActive(ctx, email, PurposeMagic, magicTTL, "magic", "/signin/link/confirm", "15")
}

func (s *Service) mailLinkToActive(ctx context.Context, email, purpose string, ttl time.Duration, template, path, validFor string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		u, err := userByEmailTx(ctx, tx, email)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil || u.Status != StatusActive {
			return err
		}
		token, hash := newToken()
		if err := insertToken(ctx, tx, hash, purpose, u.ID, u.Email, ttl); err != nil {
			return err
		}
		return s.mail.Queue(ctx, tx, purpose+":"+hash, template, u.Email, u.Language,
			linkMail{Link: s.link(path, token), Email: u.Email, ValidFor: validFor, SiteURL: s.baseURL})
	})
}

// tokenUser reads the account a live token belongs to, without using it.
func (s *Service) tokenUser(ctx context.Context, token, purpose string) (User, error) {
	var userID int64
	err := s.db.QueryRow(ctx, `SELECT user_id FROM auth_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, hashToken(token), purpose, db.Now()).Scan(&userID)
	if err != nil {
		return User{}, ErrInvalidToken
	}
	return s.store.UserByID(ctx, userID)
}

// ResetPassword sets a new password with a reset token, signs the account out
// everywhere and confirms the address (the mail reached its owner).
func (s *Service) ResetPassword(ctx context.Context, token, pw string, m Meta) error {
	u, err := s.tokenUser(ctx, token, PurposeReset)
	if err != nil {
		return err
	}
	hash, err := hashNewPassword(ctx, pw, u.Email)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		userID, _, err := useToken(ctx, tx, token, PurposeReset)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, email_verified_at = COALESCE(email_verified_at, ?),
			updated_at = ? WHERE id = ?`, hash, now, now, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
			return err
		}
		return s.credentialsChanged(ctx, tx, userID, u, "password_changed", audit.ActionPasswordReset, m)
	})
}

func (s *Service) queueNotice(ctx context.Context, tx *db.Tx, template string, u User) error {
	_, key := newToken()
	return s.mail.Queue(ctx, tx, template+":"+key, template, u.Email, u.Language,
		linkMail{Email: u.Email, SiteURL: s.baseURL, Link: s.baseURL + "/reset"})
}

// credentialsChanged ends a change of password or address inside tx: the
// account's mailed links stop working, its owner gets the notice template
// (at owner's address) and the change is recorded as action.
func (s *Service) credentialsChanged(ctx context.Context, tx *db.Tx, userID int64, owner User, template, action string, m Meta) error {
	if err := revokeTokens(ctx, tx, userID); err != nil {
		return err
	}
	if err := s.queueNotice(ctx, tx, template, owner); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: userID, Action: action, TargetType: "user",
		TargetID: strconv.FormatInt(userID, 10), IPNetwork: m.IPNetwork})
}

// useToken spends a mailed link's token; a token that is unknown, used,
// expired or for another purpose is ErrInvalidToken.
func useToken(ctx context.Context, tx *db.Tx, token, purpose string) (int64, string, error) {
	userID, email, err := consumeToken(ctx, tx, hashToken(token), purpose)
	if errors.Is(err, ErrNotFound) {
		return 0, "", ErrInvalidToken
	}
	return userID, email, err
}

// hashNewPassword checks a new password against the rules (email is the
// account's address) and hashes it.
func hashNewPassword(ctx context.Context, pw, email string) (string, error) {
	if err := password.Check(pw, email); err != nil {
		return "", err
	}
	return password.HashContext(ctx, pw)
}

// SignInWithLink uses a magic link and opens a session, in one transaction
// so that a failure never spends the link for nothing. Using the link proves
// the address: on an account never confirmed before, whoever chose its
// password may not be the address's owner, so that password is dropped and
// any other session ended (the owner can set a password by reset).
func (s *Service) SignInWithLink(ctx context.Context, token string, m Meta) (string, error) {
	session, hash := newToken()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		id, _, err := useToken(ctx, tx, token, PurposeMagic)
		if err != nil {
			return err
		}
		u, err := userByIDTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Status != StatusActive {
			return ErrSuspended
		}
		if !u.Verified() {
			now := db.Now()
			if _, err := tx.Exec(ctx, "UPDATE users SET email_verified_at = ?, password_hash = '', updated_at = ? WHERE id = ?", now, now, id); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
				return err
			}
		}
		return s.openSessionTx(ctx, tx, hash, id, "", "link", m)
	})
	if err != nil {
		return "", err
	}
	return session, nil
}

// ChangePassword replaces the password after checking the current one, and
// ends every other session.
func (s *Service) ChangePassword(ctx context.Context, userID int64, keepSession, current, pw string, m Meta) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if ok, _, _ := password.VerifyContext(ctx, current, u.PasswordHash); !ok {
		return ErrInvalidCredentials
	}
	hash, err := hashNewPassword(ctx, pw, u.Email)
	if err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, db.Now(), userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", userID, keepSession); err != nil {
			return err
		}
		return s.credentialsChanged(ctx, tx, userID, u, "password_changed", audit.ActionPasswordChanged, m)
	})
}

// RequestEmailChange mails a confirmation link to the new address. When that
// address already has an account, its owner gets a notice instead.
func (s *Service) RequestEmailChange(ctx context.Context, userID int64, current, newEmail string) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	if ok, _, _ := password.VerifyContext(ctx, current, u.PasswordHash); !ok {
		return ErrInvalidCredentials
	}
	newEmail = NormaliseEmail(newEmail)
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if other, err := userByEmailTx(ctx, tx, newEmail); err == nil {
			if other.ID == u.ID {
				return nil
			}
			return s.queueNotice(ctx, tx, "email_taken", other)
		}
		token, hash := newToken()
		if err := insertToken(ctx, tx, hash, PurposeEmailChange, u.ID, newEmail, emailChangeTTL); err != nil {
			return err
		}
		return s.mail.Queue(ctx, tx, "email_change:"+hash, "email_change", newEmail, u.Language,
			linkMail{Link: s.link("/account/email/confirm", token), Email: newEmail, ValidFor: "24", SiteURL: s.baseURL})
	})
}

// ConfirmEmailChange uses the link sent to the new address, and tells the old
// address.
func (s *Service) ConfirmEmailChange(ctx context.Context, token string, m Meta) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		userID, newEmail, err := useToken(ctx, tx, token, PurposeEmailChange)
		if err != nil {
			return err
		}
		old, err := userByIDTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.Exec(ctx, "UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?",
			newEmail, now, now, userID); err != nil {
			if isUniqueViolation(err) {
				return ErrEmailTaken
			}
			return err
		}
		return s.credentialsChanged(ctx, tx, userID, old, "email_changed", audit.ActionEmailChanged, m)
	})
}

// CreateUser makes a verified account with a role (the command line's
// "user create").
func (s *Service) CreateUser(ctx context.Context, email, pw string, role Role, lang string) (int64, error) {
	email = NormaliseEmail(email)
	if !ValidEmail(email) {
		return 0, fmt.Errorf("%q is not a valid email address", email)
	}
	hash, err := hashNewPassword(ctx, pw, email)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		id, err = insertUser(ctx, tx, User{Email: email, PasswordHash: hash, EmailVerifiedAt: &now, Role: role, Language: lang})
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: audit.ActionSignup, TargetType: "user",
			TargetID: strconv.FormatInt(id, 10), Detail: "created by command line, role " + string(role)})
	})
	return id, err
}

// SetRole changes an account's role. actorID 0 is the command line.
func (s *Service) SetRole(ctx context.Context, actorID, userID int64, role Role, m Meta) error {
	if actorID == userID {
		return ErrSelfChange
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		u, err := userByIDTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		if err := execOne(ctx, tx, "UPDATE users SET role = ?, updated_at = ? WHERE id = ?", string(role), db.Now(), userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID, Action: audit.ActionRoleChanged, TargetType: "user",
			TargetID: strconv.FormatInt(userID, 10), IPNetwork: m.IPNetwork, Detail: string(u.Role) + " -> " + string(role)})
	})
}

// SetSuspended suspends (ending every session at once) or reinstates.
func (s *Service) SetSuspended(ctx context.Context, actorID, userID int64, suspend bool, m Meta) error {
	if actorID == userID {
		return ErrSelfChange
	}
	status, action := StatusActive, audit.ActionUserReinstated
	if suspend {
		status, action = StatusSuspended, audit.ActionUserSuspended
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := execOne(ctx, tx, "UPDATE users SET status = ?, updated_at = ? WHERE id = ?", status, db.Now(), userID); err != nil {
			return err
		}
		if suspend {
			if _, err := tx.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID); err != nil {
				return err
			}
		}
		if s.OnSuspend != nil {
			if err := s.OnSuspend(ctx, tx, userID, suspend); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{ActorID: actorID, Action: action, TargetType: "user",
			TargetID: strconv.FormatInt(userID, 10), IPNetwork: m.IPNetwork})
	})
}

// recordAudit writes an entry outside any change (failed sign-ins); a
// failure to write it is logged, never shown to the visitor.
func (s *Service) recordAudit(ctx context.Context, e audit.Entry) {
	if err := audit.Record(ctx, s.db, e); err != nil {
		s.log.Error("audit", "action", e.Action, "err", err)
	}
}

// AccountExport is the account part of "download my data".
type AccountExport struct {
	Email           string     `json:"email"`
	Role            Role       `json:"role"`
	Language        string     `json:"language"`
	CreatedAt       time.Time  `json:"created_at"`
	EmailVerifiedAt *time.Time `json:"email_verified_at"`
	LastSignInAt    *time.Time `json:"last_sign_in_at"`
	Sessions        []Session  `json:"sessions"`
}

// ExportAccount copies what the platform holds about an account.
func (s *Service) ExportAccount(ctx context.Context, userID int64) (any, error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	sessions, err := s.store.ListSessions(ctx, userID)
	if err != nil {
		return nil, err
	}
	for i := range sessions {
		sessions[i].ID = "" // the hash is of no use to the person and is a key of ours
	}
	return AccountExport{Email: u.Email, Role: u.Role, Language: u.Language, CreatedAt: u.CreatedAt,
		EmailVerifiedAt: u.EmailVerifiedAt, LastSignInAt: u.LastSignInAt, Sessions: sessions}, nil
}

// StatusDeleted marks an erased account: it keeps its id (contributions keep
// an author) and nothing personal.
const StatusDeleted = "deleted"

// EraseAccount removes an account's personal data inside tx: address,
// password, name, sessions and mailed links. The row stays, anonymised.
func (s *Service) EraseAccount(ctx context.Context, tx *db.Tx, userID int64) error {
	for _, q := range []string{"DELETE FROM sessions WHERE user_id = ?", "DELETE FROM auth_tokens WHERE user_id = ?"} {
		if _, err := tx.Exec(ctx, q, userID); err != nil {
			return err
		}
	}
	return execOne(ctx, tx, `UPDATE users SET email = ?, password_hash = '', display_name = '', status = ?,
		email_verified_at = NULL, last_sign_in_at = NULL, updated_at = ? WHERE id = ?`,
		"deleted-"+strconv.FormatInt(userID, 10)+"@deleted.invalid", StatusDeleted, db.Now(), userID)
}
