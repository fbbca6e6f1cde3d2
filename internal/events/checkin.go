package events

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"climatevolunteers/internal/db"
)

// Check-in at the door: organisers scan a ticket's QR code, type its code or
// find a person by name; each confirmed registration is checked in once.
// events.checked_in counts them, kept in the same transaction.

// Refusals of a check-in, each explained to the organiser.
var (
	ErrTicketUnknown    = errors.New("events: no such ticket")
	ErrTicketOtherEvent = errors.New("events: ticket of another event")
	ErrTicketWaitlisted = errors.New("events: ticket on the waitlist")
	ErrTicketCancelled  = errors.New("events: registration cancelled")
	ErrCheckinClosed    = errors.New("events: check-in needs a published event")
)

// CheckinResult tells what a check-in did.
type CheckinResult struct {
	RegistrationID int64
	Already        bool // the person had been checked in before
}

// CheckIn marks the registration of ticket code (or, when code is "", the
// registration regID) as present at event eventID. Checking in twice is
// harmless: the first time stands. Only confirmed registrations of this
// event are checked in.
func (s *Service) CheckIn(ctx context.Context, a Actor, eventID int64, code string, regID int64) (CheckinResult, error) {
	var res CheckinResult
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		if e.Status != Published {
			return ErrCheckinClosed
		}
		var t Ticket
		switch {
		case code != "" && validTicketCode(code):
			t, err = scanTicket(tx.QueryRow(ctx, "SELECT "+ticketColumns+" FROM event_registrations WHERE ticket = ?", code))
		case code == "" && regID > 0:
			t, err = scanTicket(tx.QueryRow(ctx, "SELECT "+ticketColumns+" FROM event_registrations WHERE id = ? AND event_id = ?",
				regID, eventID))
		default:
			err = ErrNotFound
		}
		if errors.Is(err, ErrNotFound) {
			return ErrTicketUnknown
		}
		if err != nil {
			return err
		}
		if t.EventID != eventID {
			return ErrTicketOtherEvent
		}
		res.RegistrationID = t.RegistrationID
		switch t.Status {
		case RegWaitlisted:
			return ErrTicketWaitlisted
		case RegCancelled:
			return ErrTicketCancelled
		}
		if t.CheckedInAt != nil {
			res.Already = true
			return nil
		}
		now := db.Now()
		r, err := tx.Exec(ctx, "UPDATE event_registrations SET checked_in_at = ?, updated_at = ? WHERE id = ? AND checked_in_at IS NULL",
			now, now, t.RegistrationID)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			res.Already = true
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE events SET checked_in = checked_in + 1 WHERE id = ?", eventID)
		return err
	})
	return res, err
}

// UndoCheckIn takes back a check-in made by mistake; false when the person
// was not checked in. ErrNotFound when regID is not a registration of the
// event.
func (s *Service) UndoCheckIn(ctx context.Context, a Actor, eventID, regID int64) (bool, error) {
	var undone bool
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		r, err := tx.Exec(ctx, `UPDATE event_registrations SET checked_in_at = NULL, updated_at = ?
			WHERE id = ? AND event_id = ? AND checked_in_at IS NOT NULL AND status = ?`, db.Now(), regID, eventID, RegConfirmed)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n == 0 {
			var found int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM event_registrations WHERE id = ? AND event_id = ?",
				regID, eventID).Scan(&found); err != nil {
				return err
			}
			if found == 0 {
				return ErrNotFound
			}
			return nil
		}
		undone = true
		_, err = tx.Exec(ctx, "UPDATE events SET checked_in = checked_in - 1 WHERE id = ? AND checked_in > 0", eventID)
		return err
	})
	return undone, err
}

// Attendance is the check-in desk's figures.
type Attendance struct {
	Confirmed  int // confirmed registrations
	CheckedIn  int // of them, checked in
	Absent     int // confirmed and not checked in (no-shows once it is over)
	Waitlisted int
	Sessions   []SessionAttendance
}

// SessionAttendance are a workshop's figures: people confirmed for the
// workshop (and for the day), how many of them are checked in, and its
// waitlist.
type SessionAttendance struct {
	Session    Session
	Confirmed  int
	CheckedIn  int
	Absent     int
	Waitlisted int
}

// AttendanceOf counts an event's attendance from its registrations. The
// caller has checked that the viewer organises the event.
func (s *Store) AttendanceOf(ctx context.Context, eventID int64) (Attendance, error) {
	var a Attendance
	err := s.db.QueryRow(ctx, `SELECT
		COUNT(CASE WHEN status = ? THEN 1 END),
		COUNT(CASE WHEN status = ? AND checked_in_at IS NOT NULL THEN 1 END),
		COUNT(CASE WHEN status = ? THEN 1 END)
		FROM event_registrations WHERE event_id = ?`, RegConfirmed, RegConfirmed, RegWaitlisted, eventID).
		Scan(&a.Confirmed, &a.CheckedIn, &a.Waitlisted)
	if err != nil {
		return a, err
	}
	a.Absent = a.Confirmed - a.CheckedIn
	sessions, err := s.Sessions(ctx, eventID)
	if err != nil || len(sessions) == 0 {
		return a, err
	}
	rows, err := s.db.Query(ctx, `SELECT c.session_id,
		COUNT(CASE WHEN c.status = ? AND r.status = ? THEN 1 END),
		COUNT(CASE WHEN c.status = ? AND r.status = ? AND r.checked_in_at IS NOT NULL THEN 1 END),
		COUNT(CASE WHEN c.status = ? THEN 1 END)
		FROM event_session_choices c JOIN event_registrations r ON r.id = c.registration_id
		WHERE r.event_id = ? AND r.status <> ? GROUP BY c.session_id`,
		RegConfirmed, RegConfirmed, RegConfirmed, RegConfirmed, RegWaitlisted, eventID, RegCancelled)
	if err != nil {
		return a, err
	}
	defer rows.Close()
	counts := map[int64][3]int{}
	for rows.Next() {
		var id int64
		var c [3]int
		if err := rows.Scan(&id, &c[0], &c[1], &c[2]); err != nil {
			return a, err
		}
		counts[id] = c
	}
	if err := rows.Err(); err != nil {
		return a, err
	}
	for _, x := range sessions {
		c := counts[x.ID]
		a.Sessions = append(a.Sessions, SessionAttendance{Session: x, Confirmed: c[0], CheckedIn: c[1], Absent: c[0] - c[1], Waitlisted: c[2]})
	}
	return a, nil
}

// Attendee is a registration as the check-in desk and its export show it.
type Attendee struct {
	Ticket
	Name      string
	Workshops []TicketChoice // filled for the export only
}

// attendees lists the confirmed and waitlisted registrations of an event
// with their names, in name order. Names come through People (the
// volunteers' profiles), never from another feature's tables.
func (s *Service) attendees(ctx context.Context, eventID int64, withWorkshops bool) ([]Attendee, error) {
	rows, err := s.DB.Query(ctx, "SELECT "+ticketColumns+" FROM event_registrations WHERE event_id = ? AND status IN (?, ?) ORDER BY id",
		eventID, RegConfirmed, RegWaitlisted)
	if err != nil {
		return nil, err
	}
	var out []Attendee
	var users []int64
	byID := map[int64]int{}
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[t.RegistrationID] = len(out)
		out = append(out, Attendee{Ticket: t})
		users = append(users, t.UserID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for i := 0; i < len(users); i += 500 {
		contacts, err := s.People.Contacts(ctx, users[i:min(i+500, len(users))])
		if err != nil {
			return nil, err
		}
		for _, c := range contacts {
			names[c.UserID] = c.Name
		}
	}
	for i := range out {
		out[i].Name = names[out[i].UserID]
	}
	if withWorkshops && len(out) > 0 {
		rows, err := s.DB.Query(ctx, `SELECT c.registration_id, s.id, s.title, s.starts_at, s.ends_at, c.status
			FROM event_session_choices c JOIN event_sessions s ON s.id = c.session_id
			WHERE s.event_id = ? ORDER BY s.starts_at, s.position, s.id`, eventID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var reg int64
			var c TicketChoice
			if err := rows.Scan(&reg, &c.SessionID, &c.Title, &c.StartsAt, &c.EndsAt, &c.Status); err != nil {
				return nil, err
			}
			if i, ok := byID[reg]; ok {
				out[i].Workshops = append(out[i].Workshops, c)
			}
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := foldName(out[i].Name), foldName(out[j].Name)
		if a != b {
			return a < b
		}
		return out[i].RegistrationID < out[j].RegistrationID
	})
	return out, nil
}

// maxSearchResults bounds a name search at the door.
const maxSearchResults = 50

// SearchAttendees finds the confirmed and waitlisted people of an event
// whose name contains q, ignoring case and accents ("helene" finds
// "Hélène"). The caller has checked that the viewer organises the event.
func (s *Service) SearchAttendees(ctx context.Context, eventID int64, q string) ([]Attendee, bool, error) {
	needle := foldName(q)
	if needle == "" {
		return nil, false, nil
	}
	all, err := s.attendees(ctx, eventID, false)
	if err != nil {
		return nil, false, err
	}
	var out []Attendee
	for _, x := range all {
		if x.Name != "" && strings.Contains(foldName(x.Name), needle) {
			if len(out) == maxSearchResults {
				return out, true, nil
			}
			out = append(out, x)
		}
	}
	return out, false, nil
}

// Attendee reads one registration of the event with its name; ErrNotFound
// when it belongs elsewhere.
func (s *Service) Attendee(ctx context.Context, eventID, regID int64) (Attendee, error) {
	t, err := scanTicket(s.DB.QueryRow(ctx, "SELECT "+ticketColumns+" FROM event_registrations WHERE id = ? AND event_id = ?", regID, eventID))
	if err != nil {
		return Attendee{}, err
	}
	x := Attendee{Ticket: t}
	contacts, err := s.People.Contacts(ctx, []int64{t.UserID})
	if err != nil {
		return x, err
	}
	for _, c := range contacts {
		if c.UserID == t.UserID {
			x.Name = c.Name
		}
	}
	return x, nil
}

// Attendees lists everyone confirmed or waitlisted with their workshops, for
// the export. The caller has checked that the viewer organises the event.
func (s *Service) Attendees(ctx context.Context, eventID int64) ([]Attendee, error) {
	return s.attendees(ctx, eventID, true)
}

// foldName lowers a name and strips its accents, for searching and sorting.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// parisTime writes t in the city's zone for exports.
func parisTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(Paris).Format("2006-01-02 15:04")
}
