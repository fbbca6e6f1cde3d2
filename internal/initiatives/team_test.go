package initiatives

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

var inviteToken = regexp.MustCompile(`/initiatives/team/accept\?token=([A-Za-z0-9_-]+)`)

func TestTeamInvitations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())

		if errs, _ := s.Invite(ctx, owner, id, "not an address", "fr"); len(errs) != 1 || errs[0].Field != "email" {
			t.Errorf("a bad address: %v", errs)
		}
		if _, err := s.Invite(ctx, coreUser(t, d, "volunteer"), id, "x@example.org", "fr"); !errors.Is(err, ErrForbidden) {
			t.Errorf("a stranger invited: %v", err)
		}
		if errs, err := s.Invite(ctx, owner, id, " Co@Example.org ", "en"); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		mails := coreMails(t, d)
		last := mails[len(mails)-1]
		m := inviteToken.FindStringSubmatch(last.Text)
		if last.To != "co@example.org" || m == nil || !strings.Contains(last.Subject, "Invitation to organise") {
			t.Fatalf("invitation mail: %+v", last)
		}
		token := m[1]
		if p, _ := s.store.PendingInvitations(ctx, id); len(p) != 1 || p[0].Email != "co@example.org" {
			t.Errorf("pending invitations: %+v", p)
		}
		if inv, err := s.PeekInvitation(ctx, token); err != nil || inv.InitiativeID != id {
			t.Fatalf("peek: %+v %v", inv, err)
		}
		if _, err := s.PeekInvitation(ctx, token+"x"); !errors.Is(err, ErrInvitation) {
			t.Errorf("a wrong token: %v", err)
		}

		// The invitee had joined as a participant: they leave that count.
		co := coreUser(t, d, "volunteer")
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO initiative_members (initiative_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
				id, co.UserID, RoleParticipant, db.Now()); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "UPDATE initiatives SET participants = 1 WHERE id = ?", id)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if got, err := s.AcceptInvitation(ctx, co, token); err != nil || got != id {
			t.Fatalf("accept: %d %v", got, err)
		}
		if role, _ := s.store.MemberRole(ctx, id, co.UserID); role != RoleOrganiser {
			t.Errorf("role after accepting: %q", role)
		}
		if in, _ := s.store.Get(ctx, id); in.Participants != 0 {
			t.Errorf("participants after the participant became an organiser: %d", in.Participants)
		}
		if _, err := s.AcceptInvitation(ctx, coreUser(t, d, "volunteer"), token); !errors.Is(err, ErrInvitation) {
			t.Errorf("a token used twice: %v", err)
		}

		// Expired invitations are dead.
		s.Invite(ctx, owner, id, "late@example.org", "fr")
		mails = coreMails(t, d)
		late := inviteToken.FindStringSubmatch(mails[len(mails)-1].Text)[1]
		d.Exec(ctx, "UPDATE initiative_invitations SET expires_at = ? WHERE email = ?", db.Now().Add(-time.Minute), "late@example.org")
		if _, err := s.AcceptInvitation(ctx, coreUser(t, d, "volunteer"), late); !errors.Is(err, ErrInvitation) {
			t.Errorf("an expired invitation: %v", err)
		}

		// An organiser cannot remove others, but can leave; the last owner
		// cannot leave.
		if err := s.RemoveOrganiser(ctx, co, id, owner.UserID); !errors.Is(err, ErrForbidden) {
			t.Errorf("an organiser removed the owner: %v", err)
		}
		if err := s.RemoveOrganiser(ctx, owner, id, owner.UserID); !errors.Is(err, ErrLastOwner) {
			t.Errorf("the last owner left: %v", err)
		}
		if err := s.RemoveOrganiser(ctx, co, id, co.UserID); err != nil {
			t.Errorf("an organiser leaving: %v", err)
		}
		if role, _ := s.store.MemberRole(ctx, id, co.UserID); role != "" {
			t.Errorf("role after leaving: %q", role)
		}
	})
}

func TestTeamInvitationsAreBounded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())
		for i := range maxPendingInvites {
			if _, err := s.Invite(ctx, owner, id, "p"+itoa(int64(i))+"@example.org", "fr"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Invite(ctx, owner, id, "one-more@example.org", "fr"); !errors.Is(err, ErrTooManyInvites) {
			t.Errorf("invitation %d: %v", maxPendingInvites+1, err)
		}
	})
}
