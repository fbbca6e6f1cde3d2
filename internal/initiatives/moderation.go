package initiatives

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/volunteers"
)

// Moderation decisions.
const (
	Approve = "approve" // publish a submission, or restore a hidden initiative
	Changes = "changes" // send a submission back to draft, with a message
	Reject  = "reject"  // refuse a submission, or remove a hidden initiative
)

// maxDecisionMessage bounds a moderator's message, in characters.
const maxDecisionMessage = 2000

// Decide records a moderator's decision and tells the organisers by mail.
// Asking for changes and rejecting need a message: the authors must learn
// why. A hidden initiative is restored (approve) or removed (reject); a
// public one edited since its publication is kept (approve), sent back to
// draft (changes) or removed (reject).
func (s *Service) Decide(ctx context.Context, mod Actor, id int64, decision, message string) ([]FieldError, error) {
	return s.DecideOn(ctx, mod, id, 0, decision, message)
}

// DecideOn is Decide on the version the moderator read: when the
// initiative changed since (an organiser's edit), the decision is refused
// with ErrConflict rather than approving text nobody reviewed. seen 0 skips
// the check.
func (s *Service) DecideOn(ctx context.Context, mod Actor, id int64, seen int, decision, message string) ([]FieldError, error) {
	if !canModerate(mod) {
		return nil, ErrForbidden
	}
	message = strings.TrimSpace(strings.ReplaceAll(message, "\r\n", "\n"))
	switch {
	case decision != Approve && decision != Changes && decision != Reject:
		return []FieldError{{"decision", "form.error.choice"}}, nil
	case decision != Approve && message == "":
		return []FieldError{{"message", "initiatives.error.message_required"}}, nil
	case utf8.RuneCountInString(message) > maxDecisionMessage:
		return []FieldError{{"message", "initiatives.error.too_long"}}, nil
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		// The row lock makes two moderators deciding at once take turns:
		// the second finds nothing left to decide.
		cur, err := lockInitiative(ctx, tx, id)
		if err != nil {
			return err
		}
		if seen > 0 && cur.Version != seen {
			return ErrConflict
		}
		now := db.Now()
		review := cur.Status.Public() && (cur.Hidden || cur.NeedsReview)
		switch {
		case cur.Status == Submitted:
			to := map[string]Status{Approve: Published, Changes: Draft, Reject: Rejected}[decision]
			if err := setStatus(ctx, tx, id, []Status{Submitted}, to, now); err != nil {
				return err
			}
		case review && decision == Approve:
			if err := setHidden(ctx, tx, id, false, now); err != nil {
				return err
			}
		case review && decision == Reject:
			if err := setStatus(ctx, tx, id, []Status{Published, Paused}, Rejected, now); err != nil {
				return err
			}
		case review && decision == Changes && !cur.Hidden:
			if err := setStatus(ctx, tx, id, []Status{Published, Paused}, Draft, now); err != nil {
				return err
			}
		default:
			return ErrTransition
		}
		if _, err := tx.Exec(ctx, "UPDATE initiatives SET needs_review = ? WHERE id = ?", false, id); err != nil {
			return err
		}
		if cur.Hidden {
			if err := resolveReports(ctx, tx, id, now); err != nil {
				return err
			}
		}
		did, err := insertDecision(ctx, tx, id, mod.UserID, decision, message, now)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: mod.UserID, Action: audit.ActionInitiativeDecision,
			TargetType: "initiative", TargetID: strconv.FormatInt(id, 10), Detail: decision}); err != nil {
			return err
		}
		if decision == Approve && cur.NeedsReview && !cur.Hidden && cur.Status != Submitted {
			return nil // an edit found fine: nothing to tell the organisers
		}
		key := "initiative:" + strconv.FormatInt(id, 10) + ":decision:" + strconv.FormatInt(did, 10)
		return s.mailOrganisers(ctx, tx, id, key, "decision", func(c volunteers.Contact) any {
			return decisionMail{Name: c.Name, Title: cur.Title, Decision: decision, Message: message,
				Paragraphs: paragraphs(message), Link: s.Link(id), Restored: cur.Hidden}
		})
	})
}

// decisionMail fills templates/mail/decision.*.
type decisionMail struct {
	Name, Title, Decision, Message string
	Paragraphs                     [][]string
	Link                           string
	Restored                       bool // the decision was about reports, not a submission
}

// setHidden hides or shows an initiative.
func setHidden(ctx context.Context, tx *db.Tx, id int64, hidden bool, now time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE initiatives SET hidden = ?, updated_at = ? WHERE id = ?", hidden, now, id)
	return err
}

// resolveReports closes the open reports of an initiative after a decision
// and restarts its count.
func resolveReports(ctx context.Context, tx *db.Tx, id int64, now time.Time) error {
	if _, err := tx.Exec(ctx, "UPDATE initiative_reports SET resolved_at = ? WHERE initiative_id = ? AND resolved_at IS NULL", now, id); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE initiatives SET reports = 0 WHERE id = ?", id)
	return err
}

// paragraphs splits text into paragraphs of lines for HTML mails, where the
// template escapes each line.
func paragraphs(s string) [][]string {
	var out [][]string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.Split(p, "\n"))
		}
	}
	return out
}
