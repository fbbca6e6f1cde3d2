package events

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// registerRegistration adds the registration routes: people register,
// choose workshops and cancel; organisers list, add and remove people.
func (h *handlers) registerRegistration(r *web.Router) {
	h.views["registration_page"] = h.rn.MustParse(templates, "templates/registration_page.html", "templates/registration.html")
	h.views["registrations"] = h.rn.MustParse(templates, "templates/registrations.html")
	user := func(f http.HandlerFunc) http.Handler { return h.guards.User(f) }
	r.Handle("POST /events/{id}/register", user(h.register))
	r.Handle("POST /events/{id}/cancel-registration", user(h.cancelRegistration))
	r.Handle("POST /events/{id}/sessions/choose", user(h.chooseSessions))
	r.Handle("GET /events/{id}/registrations", user(h.registrationsPage))
	r.Handle("POST /events/{id}/registrations/add", user(h.addPerson))
	r.Handle("POST /events/{id}/registrations/{reg}/remove", user(h.removePerson))
}

// registrationData fills the "registration" partial (templates/
// registration.html) on the event page.
type registrationData struct {
	E        Event
	SignedIn bool
	Manages  bool
	Open     bool     // people may register now
	Closed   *Refusal // why they may not, when not Open
	Reg      *Registration
	Sessions []sessionChoice
	Form     *web.Form // the workshop choices, with a refusal's error
	Ticket   string    // the ticket page's path, when confirmed
}

// sessionChoice is one workshop checkbox.
type sessionChoice struct {
	Session
	Left      int
	Unlimited bool
	Checked   bool
	Status    string // the viewer's choice status, "" when not chosen
	Position  int    // the viewer's place in its waitlist
	Clash     bool   // part of a refused clash
}

// refusedChoice carries refused workshop choices back to the page.
type refusedChoice struct {
	ids  []int64
	form *web.Form
}

type refusedChoiceKey struct{}

// registration is what the event page shows of registering, for the
// "registration" partial: the register button or the viewer's status and
// place in the waitlist, the workshop choices, the cancel button, the
// ticket link and, for organisers, the registrations page.
func (h *handlers) registration(r *http.Request, e Event, manages bool) (any, error) {
	a := actor(r)
	now := time.Now()
	d := &registrationData{E: e, SignedIn: a.UserID > 0, Manages: manages, Form: web.NewForm(nil)}
	if ref := WindowRefusal(e, now); ref != nil {
		d.Closed = ref
	} else {
		d.Open = true
	}
	ctx := r.Context()
	if d.SignedIn {
		reg, ok, err := h.svc.store.Registration(ctx, e.ID, a.UserID)
		if err != nil {
			return nil, err
		}
		// A cancelled event's page says so; registrations no longer matter.
		if ok && reg.Active() && e.Status != Cancelled {
			d.Reg = &reg
			if reg.Status == RegConfirmed {
				d.Ticket = "/tickets/" + reg.Ticket
			}
		}
	}
	sessions, err := h.svc.store.Sessions(ctx, e.ID)
	if err != nil {
		return nil, err
	}
	var checked []int64
	if d.Reg != nil {
		for _, c := range d.Reg.Choices {
			checked = append(checked, c.SessionID)
		}
	}
	var clash map[int64]bool
	if rc, ok := ctx.Value(refusedChoiceKey{}).(*refusedChoice); ok {
		checked, d.Form = rc.ids, rc.form
		var chosen []Session
		for _, s := range sessions {
			if containsID(checked, s.ID) {
				chosen = append(chosen, s)
			}
		}
		clash = Clashes(chosen)
	}
	for _, s := range sessions {
		sc := sessionChoice{Session: s, Unlimited: s.Capacity == 0, Left: max(s.Capacity-s.Confirmed, 0),
			Checked: containsID(checked, s.ID), Clash: clash[s.ID]}
		if d.Reg != nil {
			for _, c := range d.Reg.Choices {
				if c.SessionID == s.ID {
					sc.Status, sc.Position = c.Status, c.Position
				}
			}
		}
		d.Sessions = append(d.Sessions, sc)
	}
	return d, nil
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// sessionIDs reads the workshop checkboxes; ok is false when one is not a
// number.
func sessionIDs(f *web.Form) ([]int64, bool) {
	var ids []int64
	for _, v := range f.Values["session"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return nil, false
		}
		ids = append(ids, id)
	}
	return ids, true
}

func (h *handlers) eventPath(id int64) string { return "/events/" + strconv.FormatInt(id, 10) }

// register handles the register button and its workshop checkboxes.
func (h *handlers) register(w http.ResponseWriter, r *http.Request) {
	h.choose(w, r, func(ctx context.Context, a Actor, id int64, ids []int64) (Registration, error) {
		return h.svc.Register(ctx, a, id, ids)
	}, func(reg Registration) string {
		if reg.Status == RegWaitlisted {
			return "flash.events_registration_waitlisted"
		}
		return "flash.events_registration_confirmed"
	})
}

// chooseSessions changes a registered person's workshops.
func (h *handlers) chooseSessions(w http.ResponseWriter, r *http.Request) {
	h.choose(w, r, func(ctx context.Context, a Actor, id int64, ids []int64) (Registration, error) {
		return h.svc.ChangeSessions(ctx, a, id, ids)
	}, func(Registration) string { return "flash.events_registration_sessions_saved" })
}

// choose ends both forms with workshop checkboxes: a clash or an unknown
// workshop comes back on a page with the choices kept (422); other
// refusals are explained on the event page.
func (h *handlers) choose(w http.ResponseWriter, r *http.Request,
	act func(context.Context, Actor, int64, []int64) (Registration, error), done func(Registration) string) {
	e, manages, ok := h.load(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	ids, valid := sessionIDs(f)
	var reg Registration
	if !valid {
		err = ErrRegUnknownSession
	} else {
		reg, err = act(r.Context(), actor(r), e.ID, ids)
	}
	if err != nil {
		ref, ok := RefusalOf(err)
		if !ok {
			h.fail(w, r, err)
			return
		}
		if ref == ErrRegClash || ref == ErrRegUnknownSession || ref == ErrRegTooManyChoices {
			f.AddError("session", ref.FieldKey())
			ctx := context.WithValue(r.Context(), refusedChoiceKey{}, &refusedChoice{ids: ids, form: f})
			h.renderRegistrationPage(w, r.WithContext(ctx), http.StatusUnprocessableEntity, e, manages)
			return
		}
		h.rn.SetFlash(w, "error", ref.Key())
		web.Redirect(w, r, h.eventPath(e.ID))
		return
	}
	h.rn.SetFlash(w, "success", done(reg))
	web.Redirect(w, r, h.eventPath(e.ID))
}

// renderRegistrationPage shows the registration part on a page of its own
// (after a refused choice of workshops, with the choices kept).
func (h *handlers) renderRegistrationPage(w http.ResponseWriter, r *http.Request, status int, e Event, manages bool) {
	d, err := h.registration(r, e, manages)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	form := d.(*registrationData).Form
	h.rn.Render(w, r, status, h.views["registration_page"], web.Page{Title: e.Title, Form: form, Data: d})
}

func (h *handlers) cancelRegistration(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	// Stopping is always possible: only the event's existence counts.
	e, err := h.svc.store.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	err = h.svc.CancelRegistration(r.Context(), actor(r), e.ID)
	if ref, ok := RefusalOf(err); ok {
		h.rn.SetFlash(w, "error", ref.Key())
		web.Redirect(w, r, h.eventPath(e.ID))
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_registration_cancelled")
	web.Redirect(w, r, h.eventPath(e.ID))
}

// registrationsData fills templates/registrations.html.
type registrationsData struct {
	E                     Event
	Confirmed, Waitlisted *regTable
	Sessions              []sessionList
}

// regTable is one list of people: confirmed or waitlisted, for the event
// or a workshop.
type regTable struct {
	ID        string // the caption's id
	Caption   string // catalog key
	EventID   int64
	Removable bool // people are removed from the event's lists
	Rows      []regRow
	Count     int
}

func (t *regTable) add(row regRow) {
	t.Count++
	row.N = t.Count
	t.Rows = append(t.Rows, row)
}

// regRow is one person on the organisers' lists.
type regRow struct {
	Registration
	N     int    // place in the list (the waitlist's order)
	Name  string // never the address: organisers see names only
	Added bool   // added by an organiser
}

type sessionList struct {
	Session
	Confirmed, Waitlisted *regTable
}

func (h *handlers) registrationsPage(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	h.renderRegistrations(w, r, http.StatusOK, e, web.NewForm(nil))
}

func (h *handlers) renderRegistrations(w http.ResponseWriter, r *http.Request, status int, e Event, f *web.Form) {
	ctx := r.Context()
	regs, err := h.svc.store.Registrations(ctx, e.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	sessions, err := h.svc.store.Sessions(ctx, e.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	users := make([]int64, len(regs))
	for i, x := range regs {
		users[i] = x.UserID
	}
	var contacts []volunteers.Contact
	if len(users) > 0 {
		if contacts, err = h.svc.People.Contacts(ctx, users); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	byUser := map[int64]volunteers.Contact{}
	for _, c := range contacts {
		byUser[c.UserID] = c
	}
	table := func(id, caption string, removable bool) *regTable {
		return &regTable{ID: id, Caption: caption, EventID: e.ID, Removable: removable}
	}
	d := registrationsData{E: e, Confirmed: table("list-confirmed", "events.registration.list.confirmed", true),
		Waitlisted: table("list-waitlisted", "events.registration.list.waitlisted", true)}
	bySession := map[int64]*sessionList{}
	for _, s := range sessions {
		sid := strconv.FormatInt(s.ID, 10)
		d.Sessions = append(d.Sessions, sessionList{Session: s,
			Confirmed:  table("list-"+sid+"-confirmed", "events.registration.list.confirmed", false),
			Waitlisted: table("list-"+sid+"-waitlisted", "events.registration.list.waitlisted", false)})
	}
	for i := range d.Sessions {
		bySession[d.Sessions[i].ID] = &d.Sessions[i]
	}
	for _, x := range regs {
		c := byUser[x.UserID]
		row := regRow{Registration: x, Name: c.Name, Added: x.AddedBy > 0}
		if x.Status == RegConfirmed {
			d.Confirmed.add(row)
		} else {
			d.Waitlisted.add(row)
		}
	}
	// Workshop lists in each workshop's own queue order.
	for _, ch := range choicesInOrder(regs) {
		sl := bySession[ch.choice.SessionID]
		if sl == nil {
			continue
		}
		x := regs[ch.reg]
		c := byUser[x.UserID]
		row := regRow{Registration: x, Name: c.Name, Added: x.AddedBy > 0}
		if ch.choice.Status == RegConfirmed {
			sl.Confirmed.add(row)
		} else {
			sl.Waitlisted.add(row)
		}
	}
	h.rn.Render(w, r, status, h.views["registrations"], web.Page{Title: h.rn.T(r, "events.registration.list.title", e.Title),
		Form: f, Data: d})
}

type regChoice struct {
	reg    int // index in regs
	choice Choice
}

// choicesInOrder flattens the registrations' choices in each workshop's
// queue order: by the time of the choice, then the registration.
func choicesInOrder(regs []Registration) []regChoice {
	var out []regChoice
	for i, r := range regs {
		for _, c := range r.Choices {
			out = append(out, regChoice{i, c})
		}
	}
	slices.SortStableFunc(out, func(a, b regChoice) int {
		if c := a.choice.CreatedAt.Compare(b.choice.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(regs[a.reg].ID, regs[b.reg].ID)
	})
	return out
}

func (h *handlers) addPerson(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	if f.Required("email") && f.MaxLen("email", 254) && f.Email("email") {
		_, err = h.svc.AddPersonByEmail(r.Context(), actor(r), e.ID, f.Get("email"))
		if ref, ok := RefusalOf(err); ok {
			f.AddError("email", ref.FieldKey())
		} else if err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderRegistrations(w, r, http.StatusUnprocessableEntity, e, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_registration_added")
	web.Redirect(w, r, h.eventPath(e.ID)+"/registrations")
}

func (h *handlers) removePerson(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	reg, err := strconv.ParseInt(r.PathValue("reg"), 10, 64)
	if err != nil || reg <= 0 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	err = h.svc.RemovePerson(r.Context(), actor(r), e.ID, reg)
	if errors.Is(err, ErrRegNotRegistered) {
		h.rn.SetFlash(w, "error", ErrRegNotRegistered.Key())
	} else if err != nil {
		h.fail(w, r, err)
		return
	} else {
		h.rn.SetFlash(w, "success", "flash.events_registration_removed")
	}
	web.Redirect(w, r, h.eventPath(e.ID)+"/registrations")
}
