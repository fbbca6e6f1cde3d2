package initiatives

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
)

// Team errors, for the pages to explain.
var (
	ErrInvitation     = errors.New("initiatives: the invitation is unknown, used or expired")
	ErrTooManyInvites = errors.New("initiatives: too many pending invitations")
	ErrLastOwner      = errors.New("initiatives: an initiative keeps at least one owner")
)

const (
	invitationTTL     = 14 * 24 * time.Hour
	maxPendingInvites = 20 // per initiative: invitations are mails sent on an organiser's word
)

// canManageTeam: owners (and admins, for support) invite and remove
// co-organisers.
func canManageTeam(a Actor, memberRole string) bool {
	return a.UserID > 0 && (memberRole == RoleOwner || a.Role == "admin")
}

// CanManageTeam tells pages whether to show the team tools.
func CanManageTeam(a Actor, memberRole string) bool { return canManageTeam(a, memberRole) }

// Invite mails an invitation to run the initiative to email, in lang. The
// address is not checked against accounts: the answer never tells whether
// someone has an account.
func (s *Service) Invite(ctx context.Context, a Actor, id int64, email, lang string) ([]FieldError, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 254 {
		return []FieldError{{"email", "form.error.email"}}, nil
	}
	token, hash := newInvitationToken()
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		// Locked so that two invitations at once cannot both pass the cap.
		in, role, err := viewTx(ctx, tx, a, id, true)
		if err != nil {
			return err
		}
		if !canManageTeam(a, role) || in.Status == Rejected || in.Status == Archived {
			return ErrForbidden
		}
		now := db.Now()
		var pending int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM initiative_invitations
			WHERE initiative_id = ? AND accepted_at IS NULL AND expires_at > ?`, id, now).Scan(&pending); err != nil {
			return err
		}
		if pending >= maxPendingInvites {
			return ErrTooManyInvites
		}
		var inv int64
		if err := tx.QueryRow(ctx, `INSERT INTO initiative_invitations (initiative_id, email, token_hash, invited_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, id, email, hash, a.UserID, now, now.Add(invitationTTL)).Scan(&inv); err != nil {
			return err
		}
		inviter := ""
		if cs, err := s.People.Contacts(ctx, []int64{a.UserID}); err == nil && len(cs) == 1 {
			inviter = cs[0].Name
		}
		m, err := s.mails.Render("team_invite", lang, teamInviteMail{Inviter: inviter, Title: in.Title,
			Link: s.BaseURL + "/initiatives/team/accept?token=" + token, Days: int(invitationTTL.Hours() / 24)})
		if err != nil {
			return err
		}
		m.To = email
		if _, _, err := outbox.EnqueueEmail(ctx, tx, "initiative-invite:"+strconv.FormatInt(inv, 10), m); err != nil {
			return err
		}
		if s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return nil
	})
}

type teamInviteMail struct {
	Inviter, Title, Link string
	Days                 int
}

func newInvitationToken() (token, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashInvitation(token)
}

func hashInvitation(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Invitation is what the acceptance page shows before the person confirms.
type Invitation struct {
	InitiativeID int64
	Title        string
}

// PeekInvitation reads a usable invitation without spending it.
func (s *Service) PeekInvitation(ctx context.Context, token string) (Invitation, error) {
	var inv Invitation
	err := s.DB.QueryRow(ctx, `SELECT i.id, i.title FROM initiative_invitations v JOIN initiatives i ON i.id = v.initiative_id
		WHERE v.token_hash = ? AND v.accepted_at IS NULL AND v.expires_at > ? AND i.status NOT IN (?, ?)`,
		hashInvitation(token), db.Now(), string(Rejected), string(Archived)).Scan(&inv.InitiativeID, &inv.Title)
	if errors.Is(err, sql.ErrNoRows) {
		return inv, ErrInvitation
	}
	return inv, err
}

// AcceptInvitation makes the signed-in person an organiser. The token is
// spent by one conditional update, so it works once. A participant or
// follower who becomes an organiser leaves those counts.
func (s *Service) AcceptInvitation(ctx context.Context, a Actor, token string) (int64, error) {
	if a.UserID <= 0 {
		return 0, ErrForbidden
	}
	var id int64
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		err := tx.QueryRow(ctx, `UPDATE initiative_invitations SET accepted_at = ?, accepted_by = ?
			WHERE token_hash = ? AND accepted_at IS NULL AND expires_at > ? RETURNING initiative_id`,
			now, a.UserID, hashInvitation(token), now).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrInvitation
		}
		if err != nil {
			return err
		}
		// Locked so that a simultaneous leave cannot move a counter twice.
		in, err := lockInitiative(ctx, tx, id)
		if err != nil {
			return err
		}
		if in.Status == Rejected || in.Status == Archived {
			return ErrInvitation
		}
		role, err := memberRoleTx(ctx, tx, id, a.UserID)
		if err != nil || Organises(role) {
			return err
		}
		if counter := map[string]string{RoleParticipant: "participants", RoleFollower: "followers"}[role]; counter != "" {
			if _, err := tx.Exec(ctx, "UPDATE initiatives SET "+counter+" = "+counter+" - 1 WHERE id = ? AND "+counter+" > 0", id); err != nil {
				return err
			}
		}
		return addOrganiser(ctx, tx, id, a.UserID, RoleOrganiser, false, now)
	})
	return id, err
}

// RemoveOrganiser takes userID off the team; an owner may also leave. The
// last owner cannot go: the initiative would have nobody to answer for it.
func (s *Service) RemoveOrganiser(ctx context.Context, a Actor, id, userID int64) error {
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		_, role, err := viewTx(ctx, tx, a, id, false)
		if err != nil {
			return err
		}
		if !canManageTeam(a, role) && !(userID == a.UserID && role == RoleOrganiser) {
			return ErrForbidden
		}
		target, err := memberRoleTx(ctx, tx, id, userID)
		if err != nil {
			return err
		}
		if !Organises(target) {
			return ErrNotFound
		}
		if target == RoleOwner {
			var owners int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM initiative_members WHERE initiative_id = ? AND role = ?", id, RoleOwner).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return ErrLastOwner
			}
		}
		_, err = tx.Exec(ctx, "DELETE FROM initiative_members WHERE initiative_id = ? AND user_id = ?", id, userID)
		return err
	})
}

// PendingInvitation is an invitation not yet accepted, for the team page.
type PendingInvitation struct {
	Email     string
	ExpiresAt time.Time
}

// PendingInvitations lists an initiative's open invitations, newest first.
func (s *Store) PendingInvitations(ctx context.Context, id int64) ([]PendingInvitation, error) {
	rows, err := s.db.Query(ctx, `SELECT email, expires_at FROM initiative_invitations
		WHERE initiative_id = ? AND accepted_at IS NULL AND expires_at > ? ORDER BY created_at DESC, id DESC`, id, db.Now())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PendingInvitation
	for rows.Next() {
		var p PendingInvitation
		if err := rows.Scan(&p.Email, &p.ExpiresAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
