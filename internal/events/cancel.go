package events

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/web/i18n"
)

// Cancel calls a published event off and mails everyone registered or
// waitlisted, in their language, with the organisers' message.
func (s *Service) Cancel(ctx context.Context, a Actor, id int64, message string) ([]FieldError, error) {
	message = strings.TrimSpace(strings.ReplaceAll(message, "\r\n", "\n"))
	if utf8.RuneCountInString(message) > 2000 {
		return []FieldError{{"message", "events.error.too_long"}}, nil
	}
	return nil, s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		if ok, err := setEventStatus(ctx, tx, id, Published, Cancelled, db.Now()); err != nil || !ok {
			return orTransition(err)
		}
		users, err := registrantsTx(ctx, tx, id)
		if err != nil || len(users) == 0 {
			return err
		}
		contacts, err := s.People.Contacts(ctx, users)
		if err != nil {
			return err
		}
		link := s.BaseURL + "/events/" + strconv.FormatInt(id, 10)
		for _, c := range contacts {
			if c.Email == "" {
				continue
			}
			m, err := s.mails.Render("event_cancelled", c.Lang, map[string]string{"Name": c.Name, "Title": e.Title,
				"When": i18n.FormatDateTime(c.Lang, e.StartsAt, Paris), "Message": message, "Link": link})
			if err != nil {
				return err
			}
			m.To = c.Email
			key := "event-cancelled:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(c.UserID, 10)
			if _, _, err := outbox.EnqueueEmail(ctx, tx, key, m); err != nil {
				return err
			}
		}
		if s.Notify != nil {
			tx.AfterCommit(s.Notify)
		}
		return nil
	})
}

// registrantsTx lists the people confirmed or waitlisted for an event.
func registrantsTx(ctx context.Context, tx *db.Tx, id int64) ([]int64, error) {
	rows, err := tx.Query(ctx, "SELECT user_id FROM event_registrations WHERE event_id = ? AND status IN (?, ?) ORDER BY user_id",
		id, RegConfirmed, RegWaitlisted)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var u int64
		if err := rows.Scan(&u); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
