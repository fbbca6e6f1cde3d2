// Package auth holds accounts, sessions, one-time mailed tokens, roles and
// the one place where pages check who may see them.
package auth

import (
	"errors"
	"strings"
	"time"
)

// Role is an account's platform role. Organisers are named per initiative or
// event by those features, not here.
type Role string

const (
	RoleVolunteer   Role = "volunteer"
	RoleCoordinator Role = "coordinator"
	RoleModerator   Role = "moderator"
	RolePartner     Role = "partner"
	RoleAdmin       Role = "admin"
)

// Roles lists every role, in the order admin pages show them.
var Roles = []Role{RoleVolunteer, RoleCoordinator, RoleModerator, RolePartner, RoleAdmin}

// ParseRole accepts only known roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", errors.New("unknown role " + s)
}

// Status of an account.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
)

// User is an account.
type User struct {
	ID              int64
	Email           string
	PasswordHash    string
	EmailVerifiedAt *time.Time
	Role            Role
	Status          string
	Language        string
	DisplayName     string
	CreatedAt       time.Time
	LastSignInAt    *time.Time
}

// Verified reports whether the email address was confirmed.
func (u User) Verified() bool { return u.EmailVerifiedAt != nil }

// NormaliseEmail is the form emails are stored and compared in.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
