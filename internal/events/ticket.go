package events

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"
)

// Tickets: each registration carries a random code (event_registrations.
// ticket). The code is the credential of its ticket page: whoever holds the
// link or the QR code sees the ticket, nobody else can guess it.

// Ticket is one registration as its ticket and the check-in desk see it.
type Ticket struct {
	RegistrationID int64
	EventID        int64
	UserID         int64
	Code           string
	Status         string // RegConfirmed, RegWaitlisted or RegCancelled
	CheckedInAt    *time.Time
	CreatedAt      time.Time
}

// TicketChoice is a workshop a registered person chose, with its status.
type TicketChoice struct {
	SessionID        int64
	Title            string
	StartsAt, EndsAt time.Time
	Status           string // RegConfirmed or RegWaitlisted
}

// maxTicketCode bounds what is looked up: codes are short random strings.
const maxTicketCode = 128

// validTicketCode reports whether code may be a ticket code: URL-safe
// characters only, so that it can travel in a path and a QR code unchanged.
func validTicketCode(code string) bool {
	if len(code) < 8 || len(code) > maxTicketCode {
		return false
	}
	for _, c := range code {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

// TicketCodeFrom reads a ticket code from what the check-in desk typed,
// pasted or scanned: the code itself, or the ticket's address (the QR code
// holds {BaseURL}/tickets/{code}). "" when nothing like a code is there.
func TicketCodeFrom(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/tickets/"); i >= 0 {
		s = s[i+len("/tickets/"):]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
	}
	if !validTicketCode(s) {
		return ""
	}
	return s
}

// TicketURL is the address of a ticket's page, which its QR code holds and
// mails link to.
func (s *Service) TicketURL(code string) string {
	return strings.TrimRight(s.BaseURL, "/") + "/tickets/" + url.PathEscape(code)
}

// TicketQRURL is the address of a ticket's QR code as a PNG image, for mails.
func (s *Service) TicketQRURL(code string) string { return s.TicketURL(code) + "/qr.png" }

const ticketColumns = "id, event_id, user_id, ticket, status, checked_in_at, created_at"

func scanTicket(sc scanner) (Ticket, error) {
	var t Ticket
	err := sc.Scan(&t.RegistrationID, &t.EventID, &t.UserID, &t.Code, &t.Status, &t.CheckedInAt, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if t.CheckedInAt != nil {
		at := t.CheckedInAt.UTC()
		t.CheckedInAt = &at
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return t, err
}

// TicketByCode reads the registration a ticket code belongs to; ErrNotFound
// for a malformed or unknown code.
func (s *Store) TicketByCode(ctx context.Context, code string) (Ticket, error) {
	if !validTicketCode(code) {
		return Ticket{}, ErrNotFound
	}
	return scanTicket(s.db.QueryRow(ctx, "SELECT "+ticketColumns+" FROM event_registrations WHERE ticket = ?", code))
}

// TicketChoices lists the workshops a registration chose, in time order.
func (s *Store) TicketChoices(ctx context.Context, registrationID int64) ([]TicketChoice, error) {
	rows, err := s.db.Query(ctx, `SELECT s.id, s.title, s.starts_at, s.ends_at, c.status
		FROM event_session_choices c JOIN event_sessions s ON s.id = c.session_id
		WHERE c.registration_id = ? ORDER BY s.starts_at, s.position, s.id`, registrationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TicketChoice
	for rows.Next() {
		var c TicketChoice
		if err := rows.Scan(&c.SessionID, &c.Title, &c.StartsAt, &c.EndsAt, &c.Status); err != nil {
			return nil, err
		}
		c.StartsAt, c.EndsAt = c.StartsAt.UTC(), c.EndsAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// TicketView is what a ticket page shows.
type TicketView struct {
	Ticket
	Event        Event
	Name         string // the person's display name; "" for an account gone
	DistrictName string
	Choices      []TicketChoice
	URL          string // the ticket's address, which the QR code holds
}

// TicketPage gathers a ticket's page. ErrNotFound for an unknown code or a
// ticket of an event still in draft.
func (s *Service) TicketPage(ctx context.Context, code string) (TicketView, error) {
	t, err := s.store.TicketByCode(ctx, code)
	if err != nil {
		return TicketView{}, err
	}
	e, err := s.store.Get(ctx, t.EventID)
	if err != nil {
		return TicketView{}, err
	}
	if e.Status == Draft {
		return TicketView{}, ErrNotFound
	}
	v := TicketView{Ticket: t, Event: e, URL: s.TicketURL(t.Code)}
	contacts, err := s.People.Contacts(ctx, []int64{t.UserID})
	if err != nil {
		return v, err
	}
	for _, c := range contacts {
		if c.UserID == t.UserID {
			v.Name = c.Name
		}
	}
	if e.DistrictCode != "" && s.Districts != nil {
		ds, err := s.Districts.List(ctx)
		if err != nil {
			return v, err
		}
		for _, d := range ds {
			if d.Code == e.DistrictCode {
				v.DistrictName = d.Name
			}
		}
	}
	if t.Status != RegCancelled {
		if v.Choices, err = s.store.TicketChoices(ctx, t.RegistrationID); err != nil {
			return v, err
		}
	}
	return v, nil
}
