package events

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/i18n"
)

// Registration: people register for an event and are confirmed while it
// has room (capacity 0: no limit), waitlisted after. A day made of
// workshops lets them choose workshops that do not clash, each confirmed or
// waitlisted by its own capacity. Whoever cancels, or is removed by an
// organiser, frees a place that goes at once to the oldest waitlisted
// person, who is told by mail through the outbox.
//
// Every change runs in one transaction holding the event's row (FOR UPDATE
// on PostgreSQL; SQLite's single writer serialises): the counters read
// under that lock decide, and they are updated in the same transaction, so
// overbooking is impossible.

// Refusal is a registration the rules refuse; Key is the catalog key that
// explains it to people.
type Refusal struct{ key string }

func (r *Refusal) Error() string { return "events: registration refused (" + r.key + ")" }

// Key is the flash message that explains the refusal.
func (r *Refusal) Key() string { return "flash.events_registration_" + r.key }

// StateKey says on the event page why registration is not possible.
func (r *Refusal) StateKey() string { return "events.registration.state." + r.key }

// FieldKey is the same explanation next to a form field.
func (r *Refusal) FieldKey() string { return "events.registration.error." + r.key }

// Refusals.
var (
	ErrRegNotOpenYet     = &Refusal{"not_open_yet"}     // before the registration opens
	ErrRegClosed         = &Refusal{"closed"}           // after it closes
	ErrRegEventOver      = &Refusal{"event_over"}       // the event has ended
	ErrRegEventCancelled = &Refusal{"event_cancelled"}  // called off by its organisers
	ErrRegNotPublished   = &Refusal{"not_published"}    // still a draft
	ErrRegClash          = &Refusal{"clash"}            // two chosen workshops overlap
	ErrRegUnknownSession = &Refusal{"unknown_session"}  // not a workshop of this event
	ErrRegAlready        = &Refusal{"already"}          // one registration per person
	ErrRegNotRegistered  = &Refusal{"not_registered"}   // nothing to cancel or change
	ErrRegNoAccount      = &Refusal{"no_account"}       // no active account at that address
	ErrRegTooManyChoices = &Refusal{"too_many_choices"} // more workshops than the event has
)

// RefusalOf returns the refusal in err, if any.
func RefusalOf(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

// Accounts finds active accounts by address, for organisers who add
// people; Deps.People answers it (the volunteers' store does).
type Accounts interface {
	AccountByEmail(ctx context.Context, email string) (int64, bool, error)
}

// windowRefusal says why people may not register at now; nil when they may.
func windowRefusal(e Event, now time.Time) error {
	switch {
	case e.Status == Cancelled:
		return ErrRegEventCancelled
	case e.Status != Published:
		return ErrRegNotPublished
	case !now.Before(e.EndsAt):
		return ErrRegEventOver
	case e.RegistrationOpensAt != nil && now.Before(*e.RegistrationOpensAt):
		return ErrRegNotOpenYet
	case e.RegistrationClosesAt != nil && !now.Before(*e.RegistrationClosesAt):
		return ErrRegClosed
	}
	return nil
}

// WindowRefusal tells pages why registration is not possible now (nil:
// it is).
func WindowRefusal(e Event, now time.Time) *Refusal {
	if err := windowRefusal(e, now); err != nil {
		r, _ := RefusalOf(err)
		return r
	}
	return nil
}

// checkChoices validates chosen workshop ids against the event's workshops:
// each must belong to the event, none twice, no two overlapping in time.
// It returns the chosen sessions in time order.
func checkChoices(all []Session, ids []int64) ([]Session, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(seen) > len(all) {
		return nil, ErrRegTooManyChoices
	}
	var chosen []Session
	for _, s := range all {
		if seen[s.ID] {
			chosen = append(chosen, s)
		}
	}
	if len(seen) != len(chosen) {
		return nil, ErrRegUnknownSession
	}
	for i := range chosen {
		for j := i + 1; j < len(chosen); j++ {
			if chosen[i].Overlaps(chosen[j]) {
				return chosen, ErrRegClash
			}
		}
	}
	return chosen, nil
}

// Clashes lists the pairs of chosen workshops that overlap, for pages that
// explain a refusal.
func Clashes(chosen []Session) map[int64]bool {
	out := map[int64]bool{}
	for i := range chosen {
		for j := i + 1; j < len(chosen); j++ {
			if chosen[i].Overlaps(chosen[j]) {
				out[chosen[i].ID], out[chosen[j].ID] = true, true
			}
		}
	}
	return out
}

// hasRoom reports whether one more confirmed place fits in capacity.
func hasRoom(capacity, confirmed int) bool { return capacity == 0 || confirmed < capacity }

// Register registers the actor for an event with their workshop choices.
func (s *Service) Register(ctx context.Context, a Actor, eventID int64, sessionIDs []int64) (Registration, error) {
	if a.UserID <= 0 {
		return Registration{}, ErrForbidden
	}
	return s.register(ctx, eventID, a.UserID, sessionIDs, 0, func(_ *db.Tx, e Event, now time.Time) error {
		return windowRefusal(e, now)
	})
}

// AddPerson registers someone on an organiser's behalf, outside the
// registration window but never beyond capacity: when the event is full
// they are waitlisted like anyone else.
func (s *Service) AddPerson(ctx context.Context, a Actor, eventID, userID int64) (Registration, error) {
	if a.UserID <= 0 {
		return Registration{}, ErrForbidden
	}
	return s.register(ctx, eventID, userID, nil, a.UserID, func(tx *db.Tx, e Event, now time.Time) error {
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		switch {
		case e.Status == Cancelled:
			return ErrRegEventCancelled
		case e.Status != Published:
			return ErrRegNotPublished
		case !now.Before(e.EndsAt):
			return ErrRegEventOver
		}
		return nil
	})
}

// AddPersonByEmail is AddPerson for the account at email.
func (s *Service) AddPersonByEmail(ctx context.Context, a Actor, eventID int64, email string) (Registration, error) {
	id, ok, err := s.accountByEmail(ctx, email)
	if err != nil {
		return Registration{}, err
	}
	if !ok {
		// Organisers learn nothing about the account unless they may
		// manage the event.
		e, err := s.store.Get(ctx, eventID)
		if err != nil {
			return Registration{}, err
		}
		if err := s.mustManage(ctx, a, e); err != nil {
			return Registration{}, err
		}
		return Registration{}, ErrRegNoAccount
	}
	return s.AddPerson(ctx, a, eventID, id)
}

func (s *Service) accountByEmail(ctx context.Context, email string) (int64, bool, error) {
	acc, ok := s.People.(Accounts)
	if !ok {
		return 0, false, errors.New("events: People cannot find accounts by address")
	}
	return acc.AccountByEmail(ctx, email)
}

func (s *Service) mustManage(ctx context.Context, a Actor, e Event) error {
	ok, err := s.mayManage(ctx, s.DB, a, e)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return nil
}

// register is Register and AddPerson: allowed checks the locked event.
func (s *Service) register(ctx context.Context, eventID, userID int64, sessionIDs []int64, addedBy int64,
	allowed func(*db.Tx, Event, time.Time) error) (Registration, error) {
	// Everything that needs no lock is read before the transaction, so the
	// writer is held for the few statements that decide.
	contact, err := s.contact(ctx, userID)
	if err != nil {
		return Registration{}, err
	}
	ticket := newTicket()
	var reg Registration
	err = s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if err := allowed(tx, e, now); err != nil {
			return err
		}
		var chosen []Session
		if len(sessionIDs) > 0 {
			all, err := SessionsTx(ctx, tx, eventID)
			if err != nil {
				return err
			}
			if chosen, err = checkChoices(all, sessionIDs); err != nil {
				return err
			}
		}
		status := RegWaitlisted
		if hasRoom(e.Capacity, e.Confirmed) {
			status = RegConfirmed
		}
		id, ok, err := insertRegistration(ctx, tx, eventID, userID, status, ticket, addedBy, now)
		if err != nil {
			return err
		}
		if !ok {
			// A cancelled registration comes back at the back of the
			// queue, with the ticket it had.
			old, err := registrationTx(ctx, tx, eventID, userID)
			if err != nil {
				return err
			}
			if old.Active() {
				return ErrRegAlready
			}
			ticket = old.Ticket
			if err := deleteRegistration(ctx, tx, old.ID); err != nil {
				return err
			}
			if id, _, err = insertRegistration(ctx, tx, eventID, userID, status, ticket, addedBy, now); err != nil {
				return err
			}
		}
		reg = Registration{ID: id, EventID: eventID, UserID: userID, Status: status, Ticket: ticket, AddedBy: addedBy,
			CreatedAt: now, UpdatedAt: now}
		if status == RegConfirmed {
			err = addEventCounts(ctx, tx, eventID, 1, 0, 0)
		} else {
			reg.Position = e.Waitlisted + 1
			err = addEventCounts(ctx, tx, eventID, 0, 1, 0)
		}
		if err != nil {
			return err
		}
		for _, ss := range chosen {
			c := Choice{SessionID: ss.ID, Status: RegWaitlisted, CreatedAt: now}
			if status == RegConfirmed && hasRoom(ss.Capacity, ss.Confirmed) {
				c.Status = RegConfirmed
			}
			if err := s.addChoice(ctx, tx, id, c); err != nil {
				return err
			}
			reg.Choices = append(reg.Choices, c)
		}
		return s.mailRegistration(ctx, tx, e, reg, chosen, contact)
	})
	return reg, err
}

func (s *Service) addChoice(ctx context.Context, tx *db.Tx, regID int64, c Choice) error {
	if err := insertChoice(ctx, tx, regID, c.SessionID, c.Status, c.CreatedAt); err != nil {
		return err
	}
	if c.Status == RegConfirmed {
		return addSessionCounts(ctx, tx, c.SessionID, 1, 0)
	}
	return addSessionCounts(ctx, tx, c.SessionID, 0, 1)
}

func (s *Service) dropChoice(ctx context.Context, tx *db.Tx, regID int64, c Choice) error {
	if err := deleteChoice(ctx, tx, regID, c.SessionID); err != nil {
		return err
	}
	if c.Status == RegConfirmed {
		return addSessionCounts(ctx, tx, c.SessionID, -1, 0)
	}
	return addSessionCounts(ctx, tx, c.SessionID, 0, -1)
}

// ChangeSessions replaces a registered person's workshop choices. Kept
// workshops keep their status and place in queue; dropped ones free their
// place for the next in line.
func (s *Service) ChangeSessions(ctx context.Context, a Actor, eventID int64, sessionIDs []int64) (Registration, error) {
	if a.UserID <= 0 {
		return Registration{}, ErrForbidden
	}
	var reg Registration
	err := s.DB.Tx(ctx, func(tx *db.Tx) error {
		now := db.Now()
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if reg, err = registrationTx(ctx, tx, eventID, a.UserID); errors.Is(err, ErrNotFound) || (err == nil && !reg.Active()) {
			return ErrRegNotRegistered
		} else if err != nil {
			return err
		}
		if err := windowRefusal(e, now); err != nil {
			return err
		}
		all, err := SessionsTx(ctx, tx, eventID)
		if err != nil {
			return err
		}
		chosen, err := checkChoices(all, sessionIDs)
		if err != nil {
			return err
		}
		old, err := choicesTx(ctx, tx, reg.ID)
		if err != nil {
			return err
		}
		keep := map[int64]bool{}
		for _, c := range old {
			if slices.ContainsFunc(chosen, func(ss Session) bool { return ss.ID == c.SessionID }) {
				keep[c.SessionID] = true
				reg.Choices = append(reg.Choices, c)
				continue
			}
			if err := s.dropChoice(ctx, tx, reg.ID, c); err != nil {
				return err
			}
		}
		freed := len(old) > len(keep)
		for _, ss := range chosen {
			if keep[ss.ID] {
				continue
			}
			c := Choice{SessionID: ss.ID, Status: RegWaitlisted, CreatedAt: now}
			if reg.Status == RegConfirmed && hasRoom(ss.Capacity, ss.Confirmed) {
				c.Status = RegConfirmed
			}
			if err := s.addChoice(ctx, tx, reg.ID, c); err != nil {
				return err
			}
			reg.Choices = append(reg.Choices, c)
		}
		if freed {
			return s.fillFreedPlaces(ctx, tx, e)
		}
		return nil
	})
	return reg, err
}

// CancelRegistration withdraws the actor's own registration, whatever the
// event's status: stopping is always possible. Their place goes to the
// next in line.
func (s *Service) CancelRegistration(ctx context.Context, a Actor, eventID int64) error {
	if a.UserID <= 0 {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		reg, err := registrationTx(ctx, tx, eventID, a.UserID)
		if errors.Is(err, ErrNotFound) || (err == nil && !reg.Active()) {
			return ErrRegNotRegistered
		}
		if err != nil {
			return err
		}
		return s.withdraw(ctx, tx, e, reg, false)
	})
}

// RemovePerson lets an organiser withdraw someone's registration; the
// person is told, and the place goes to the next in line.
func (s *Service) RemovePerson(ctx context.Context, a Actor, eventID, regID int64) error {
	if a.UserID <= 0 {
		return ErrForbidden
	}
	return s.DB.Tx(ctx, func(tx *db.Tx) error {
		e, err := GetTx(ctx, tx, eventID, true)
		if err != nil {
			return err
		}
		if ok, err := s.mayManage(ctx, tx, a, e); err != nil || !ok {
			return orForbidden(err)
		}
		reg, err := registrationByIDTx(ctx, tx, eventID, regID)
		if err != nil {
			return err
		}
		if !reg.Active() {
			return ErrRegNotRegistered
		}
		return s.withdraw(ctx, tx, e, reg, true)
	})
}

// withdraw cancels reg under e's lock, frees its places and fills them.
func (s *Service) withdraw(ctx context.Context, tx *db.Tx, e Event, reg Registration, removed bool) error {
	now := db.Now()
	if err := setRegistrationStatus(ctx, tx, reg.ID, RegCancelled, now); err != nil {
		return err
	}
	checkedIn := 0
	if reg.CheckedInAt != nil {
		checkedIn = -1
	}
	if reg.Status == RegConfirmed {
		e.Confirmed--
		if err := addEventCounts(ctx, tx, e.ID, -1, 0, checkedIn); err != nil {
			return err
		}
	} else {
		e.Waitlisted--
		if err := addEventCounts(ctx, tx, e.ID, 0, -1, checkedIn); err != nil {
			return err
		}
	}
	choices, err := choicesTx(ctx, tx, reg.ID)
	if err != nil {
		return err
	}
	for _, c := range choices {
		if err := s.dropChoice(ctx, tx, reg.ID, c); err != nil {
			return err
		}
	}
	if removed {
		if err := s.mailRemoved(ctx, tx, e, reg); err != nil {
			return err
		}
	}
	return s.fillFreedPlaces(ctx, tx, e)
}

// promotion is what one person gained from a freed place.
type promotion struct {
	reg      queued
	day      bool     // confirmed for the event itself
	sessions []string // titles of the workshops confirmed
}

// fillFreedPlaces confirms waitlisted people, oldest first, while the event
// (and each workshop) has room, and tells them through the outbox. e's
// counters must be those under the lock, after the change that freed
// places.
func (s *Service) fillFreedPlaces(ctx context.Context, tx *db.Tx, e Event) error {
	now := db.Now()
	if e.Status != Published || !now.Before(e.EndsAt) {
		return nil
	}
	promoted := map[int64]*promotion{}
	var order []int64
	note := func(q queued) *promotion {
		p, ok := promoted[q.regID]
		if !ok {
			p = &promotion{reg: q}
			promoted[q.regID] = p
			order = append(order, q.regID)
		}
		return p
	}
	if e.Waitlisted > 0 && hasRoom(e.Capacity, e.Confirmed) {
		n := e.Waitlisted
		if e.Capacity > 0 {
			n = min(n, e.Capacity-e.Confirmed)
		}
		qs, err := eventQueueTx(ctx, tx, e.ID, n)
		if err != nil {
			return err
		}
		if len(qs) > 0 {
			ids := make([]int64, len(qs))
			for i, q := range qs {
				ids[i] = q.regID
				note(q).day = true
			}
			if err := confirmRegistrations(ctx, tx, ids, now); err != nil {
				return err
			}
			if err := addEventCounts(ctx, tx, e.ID, len(qs), -len(qs), 0); err != nil {
				return err
			}
		}
	}
	sessions, err := SessionsTx(ctx, tx, e.ID)
	if err != nil {
		return err
	}
	for _, ss := range sessions {
		if ss.Waitlisted == 0 || !hasRoom(ss.Capacity, ss.Confirmed) {
			continue
		}
		n := ss.Waitlisted
		if ss.Capacity > 0 {
			n = min(n, ss.Capacity-ss.Confirmed)
		}
		qs, err := sessionQueueTx(ctx, tx, ss.ID, n)
		if err != nil || len(qs) == 0 {
			if err != nil {
				return err
			}
			continue
		}
		ids := make([]int64, len(qs))
		for i, q := range qs {
			ids[i] = q.regID
			p := note(q)
			p.sessions = append(p.sessions, ss.Title)
		}
		if err := confirmChoices(ctx, tx, ss.ID, ids); err != nil {
			return err
		}
		if err := addSessionCounts(ctx, tx, ss.ID, len(qs), -len(qs)); err != nil {
			return err
		}
	}
	if len(order) == 0 {
		return nil
	}
	return s.mailPromoted(ctx, tx, e, promoted, order, now)
}

// contact is a person's name, address and language; zero when the
// account is not active (no mail then).
func (s *Service) contact(ctx context.Context, userID int64) (volunteers.Contact, error) {
	cs, err := s.People.Contacts(ctx, []int64{userID})
	if err != nil || len(cs) == 0 {
		return volunteers.Contact{}, err
	}
	return cs[0], nil
}

func (s *Service) eventLink(id int64) string {
	return s.BaseURL + "/events/" + strconv.FormatInt(id, 10)
}

func (s *Service) queueMail(ctx context.Context, tx *db.Tx, name, key string, c volunteers.Contact, data map[string]string) error {
	if c.Email == "" {
		return nil
	}
	m, err := s.mails.Render(name, c.Lang, data)
	if err != nil {
		return err
	}
	m.To = c.Email
	if _, _, err := outbox.EnqueueEmail(ctx, tx, key, m); err != nil {
		return err
	}
	if s.Notify != nil {
		tx.AfterCommit(s.Notify)
	}
	return nil
}

func (s *Service) mailData(e Event, c volunteers.Contact) map[string]string {
	return map[string]string{"Name": c.Name, "Title": e.Title, "When": i18n.FormatDateTime(c.Lang, e.StartsAt, Paris),
		"Place": place(e), "Link": s.eventLink(e.ID)}
}

// place is where the event happens, for mails.
func place(e Event) string {
	if e.Address != "" {
		return e.Address
	}
	return e.OnlineURL
}

// workshopLines lists workshops for a mail, one a line.
func workshopLines(lang string, chosen []Session, choices []Choice) string {
	var b strings.Builder
	for _, ss := range chosen {
		st := RegConfirmed
		for _, c := range choices {
			if c.SessionID == ss.ID {
				st = c.Status
			}
		}
		mark := "✓"
		if st == RegWaitlisted {
			mark = "…"
		}
		b.WriteString("- " + mark + " " + i18n.FormatDateTime(lang, ss.StartsAt, Paris) + " · " + ss.Title + "\n")
	}
	return b.String()
}

// mailRegistration confirms a registration (with the ticket) or tells the
// place in the waitlist.
func (s *Service) mailRegistration(ctx context.Context, tx *db.Tx, e Event, reg Registration, chosen []Session, c volunteers.Contact) error {
	data := s.mailData(e, c)
	data["Ticket"] = s.TicketURL(reg.Ticket)
	data["QR"] = s.TicketQRURL(reg.Ticket)
	data["Position"] = strconv.Itoa(reg.Position)
	data["Workshops"] = workshopLines(c.Lang, chosen, reg.Choices)
	name := "registration_confirmed"
	if reg.Status == RegWaitlisted {
		name = "registration_waitlisted"
	}
	return s.queueMail(ctx, tx, name, "event-registered:"+strconv.FormatInt(reg.ID, 10), c, data)
}

func (s *Service) mailRemoved(ctx context.Context, tx *db.Tx, e Event, reg Registration) error {
	c, err := s.contact(ctx, reg.UserID)
	if err != nil {
		return err
	}
	return s.queueMail(ctx, tx, "registration_removed", "event-removed:"+strconv.FormatInt(reg.ID, 10), c, s.mailData(e, c))
}

// mailPromoted tells each promoted person what they now have.
func (s *Service) mailPromoted(ctx context.Context, tx *db.Tx, e Event, promoted map[int64]*promotion, order []int64, now time.Time) error {
	users := make([]int64, 0, len(order))
	for _, id := range order {
		users = append(users, promoted[id].reg.userID)
	}
	contacts, err := s.People.Contacts(ctx, users)
	if err != nil {
		return err
	}
	byUser := map[int64]volunteers.Contact{}
	for _, c := range contacts {
		byUser[c.UserID] = c
	}
	for _, id := range order {
		p := promoted[id]
		c, ok := byUser[p.reg.userID]
		if !ok {
			continue
		}
		var ticket string
		if err := tx.QueryRow(ctx, "SELECT ticket FROM event_registrations WHERE id = ?", id).Scan(&ticket); err != nil {
			return err
		}
		data := s.mailData(e, c)
		data["Ticket"] = s.TicketURL(ticket)
		data["QR"] = s.TicketQRURL(ticket)
		data["Day"] = ""
		if p.day {
			data["Day"] = "yes"
		}
		var ws strings.Builder
		for _, t := range p.sessions {
			ws.WriteString("- " + t + "\n")
		}
		data["Workshops"] = ws.String()
		key := "event-promoted:" + strconv.FormatInt(id, 10) + ":" + strconv.FormatInt(now.UnixMicro(), 10)
		if err := s.queueMail(ctx, tx, "registration_promoted", key, c, data); err != nil {
			return err
		}
	}
	return nil
}
