package initiatives

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// ActionIntroduction is the audit action of an introduction.
const ActionIntroduction = audit.ActionInitiativeIntroduction

// introParty is an initiative of an introduction and the organisers who
// accept to be introduced, with their addresses.
type introParty struct {
	ID     int64
	Title  string
	Link   string
	People []volunteers.Contact
}

// introMail fills templates/mail/introduction.*: Name, who runs Title, meets
// the organisers of Other.
type introMail struct {
	Name  string
	Title string
	Link  string
	Other introParty
}

// Introduce has a coordinator introduce the organisers of initiatives to
// each other: in one transaction it records each pair not introduced yet
// and queues, for each such pair, a mail to every consenting organiser of
// one initiative with the names and addresses of the consenting organisers
// of the other. Organisers who did not consent are neither named nor
// mailed, and an initiative none of whose organisers consented cannot be
// introduced at all.
func (s *Service) Introduce(ctx context.Context, coordinator Actor, ids []int64) (Introduced, error) {
	var out Introduced
	if !canIntroduce(coordinator) {
		return out, ErrForbidden
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	switch {
	case len(ids) < 2:
		return out, ErrIntroTooFew
	case len(ids) > MaxIntroduction:
		return out, ErrIntroTooMany
	}
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		out = Introduced{}
		parties, err := s.introParties(ctx, tx, ids)
		if err != nil {
			return err
		}
		done, err := introducedPairsTx(ctx, tx, ids)
		if err != nil {
			return err
		}
		now := db.Now()
		for i, a := range parties {
			for _, b := range parties[i+1:] {
				if done[[2]int64{a.ID, b.ID}] {
					continue
				}
				fresh, err := insertIntroduction(ctx, tx, a.ID, b.ID, coordinator.UserID, now)
				if err != nil {
					return err
				}
				if !fresh {
					continue
				}
				out.Pairs++
				for _, dir := range [][2]introParty{{a, b}, {b, a}} {
					n, err := s.mailIntroduction(ctx, tx, a.ID, b.ID, dir[0], dir[1])
					if err != nil {
						return err
					}
					out.Mails += n
				}
			}
		}
		if out.Pairs == 0 {
			return ErrIntroDone
		}
		if err := audit.Record(ctx, tx, audit.Entry{ActorID: coordinator.UserID, Action: ActionIntroduction,
			TargetType: "initiative", TargetID: synJoinIDs(ids, ","),
			Detail: fmt.Sprintf("%d new pair(s), %d mail(s)", out.Pairs, out.Mails)}); err != nil {
			return err
		}
		if s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return nil
	})
	if err != nil {
		return Introduced{}, err
	}
	return out, nil
}

// introParties reads the initiatives and their consenting organisers,
// refusing hidden or unpublished initiatives and those without anyone to
// introduce.
func (s *Service) introParties(ctx context.Context, tx *db.Tx, ids []int64) ([]introParty, error) {
	parties := make([]introParty, len(ids))
	var hidden []string
	for i, id := range ids {
		in, err := getTx(ctx, tx, id)
		if errors.Is(err, ErrNotFound) {
			return nil, &IntroError{Err: ErrIntroNotVisible, Titles: []string{"#" + strconv.FormatInt(id, 10)}}
		}
		if err != nil {
			return nil, err
		}
		if !in.Visible() {
			hidden = append(hidden, "#"+strconv.FormatInt(id, 10)) // its title is not public
		}
		parties[i] = introParty{ID: id, Title: in.Title, Link: s.Link(id)}
	}
	if len(hidden) > 0 {
		return nil, &IntroError{Err: ErrIntroNotVisible, Titles: hidden}
	}
	consenting, err := consentingOrganisersTx(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	var users []int64
	for _, us := range consenting {
		users = append(users, us...)
	}
	slices.Sort(users)
	contacts, err := s.People.Contacts(ctx, slices.Compact(users))
	if err != nil {
		return nil, err
	}
	byUser := map[int64]volunteers.Contact{}
	for _, c := range contacts {
		if c.Email != "" {
			byUser[c.UserID] = c
		}
	}
	var missing []string
	for i := range parties {
		for _, u := range consenting[parties[i].ID] {
			if c, ok := byUser[u]; ok {
				parties[i].People = append(parties[i].People, c)
			}
		}
		if len(parties[i].People) == 0 {
			missing = append(missing, parties[i].Title)
		}
	}
	if len(missing) > 0 {
		return nil, &IntroError{Err: ErrIntroNoConsent, Titles: missing}
	}
	return parties, nil
}

// mailIntroduction queues to each person of to a mail about other, for the
// pair a < b. Someone who runs both initiatives already knows the others.
func (s *Service) mailIntroduction(ctx context.Context, tx *db.Tx, a, b int64, to, other introParty) (int, error) {
	n := 0
	for _, c := range to.People {
		o := other
		o.People = slices.DeleteFunc(slices.Clone(other.People), func(p volunteers.Contact) bool { return p.UserID == c.UserID })
		if len(o.People) == 0 {
			continue
		}
		m, err := s.mails.Render("introduction", c.Lang, introMail{Name: c.Name, Title: to.Title, Link: to.Link, Other: o})
		if err != nil {
			return n, err
		}
		m.To = c.Email
		key := "initiative-intro:" + strconv.FormatInt(a, 10) + ":" + strconv.FormatInt(b, 10) + ":" + strconv.FormatInt(c.UserID, 10)
		if _, _, err := outbox.EnqueueEmail(ctx, tx, key, m); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func synJoinIDs(ids []int64, sep string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(s, sep)
}
