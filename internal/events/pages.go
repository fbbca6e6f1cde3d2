package events

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/web"
)

// organisedInitiatives lists the initiatives a person runs and may create
// events for (not archived or rejected ones).
func (h *handlers) organisedInitiatives(ctx context.Context, userID int64) ([]initiatives.Initiative, error) {
	if userID <= 0 {
		return nil, nil
	}
	all, err := h.svc.Initiatives.Mine(ctx, userID)
	var out []initiatives.Initiative
	for _, in := range all {
		if in.Status != initiatives.Archived && in.Status != initiatives.Rejected {
			out = append(out, in)
		}
	}
	return out, err
}

// formData fills templates/form.html.
type formData struct {
	ID          int64 // 0 for a new event
	Event       *Event
	Themes      []string
	Districts   []districts.District
	Owners      []string                 // owner kinds offered (new events)
	Initiatives []initiatives.Initiative // those the person runs
	Conflict    bool                     // someone saved since this form was opened
}

// inputFromForm reads the event fields of a submitted form.
func inputFromForm(f *web.Form) Input {
	version, _ := strconv.Atoi(f.Get("version"))
	return Input{Title: f.Get("title"), Summary: f.Get("summary"), Description: f.Values.Get("description"),
		Theme: f.Get("theme"), OwnerKind: f.Get("owner"), InitiativeID: f.Get("initiative"), Partner: f.Get("partner"),
		DistrictCode: f.Get("district"), Address: f.Get("address"), OnlineURL: f.Get("online_url"),
		Lat: f.Get("lat"), Lon: f.Get("lon"), StartsAt: f.Get("starts_at"), EndsAt: f.Get("ends_at"),
		Capacity: f.Get("capacity"), OpensAt: f.Get("opens_at"), ClosesAt: f.Get("closes_at"),
		Accessibility: f.Values.Get("accessibility"), Version: version}
}

// formFromEvent fills the form as a submission would.
func formFromEvent(e Event) *web.Form {
	f := web.NewForm(nil)
	set := func(k, v string) { f.Values.Set(k, v) }
	set("title", e.Title)
	set("summary", e.Summary)
	set("description", e.Description)
	set("theme", e.Theme)
	set("owner", e.OwnerKind)
	if e.InitiativeID > 0 {
		set("initiative", strconv.FormatInt(e.InitiativeID, 10))
	}
	set("partner", e.Partner)
	set("district", e.DistrictCode)
	set("address", e.Address)
	set("online_url", e.OnlineURL)
	if e.Point != nil {
		set("lat", strconv.FormatFloat(e.Point.Lat, 'f', -1, 64))
		set("lon", strconv.FormatFloat(e.Point.Lon, 'f', -1, 64))
	}
	set("starts_at", FormatLocal(e.StartsAt))
	set("ends_at", FormatLocal(e.EndsAt))
	if e.Capacity > 0 {
		set("capacity", strconv.Itoa(e.Capacity))
	}
	if e.RegistrationOpensAt != nil {
		set("opens_at", FormatLocal(*e.RegistrationOpensAt))
	}
	if e.RegistrationClosesAt != nil {
		set("closes_at", FormatLocal(*e.RegistrationClosesAt))
	}
	set("accessibility", e.Accessibility)
	set("version", strconv.Itoa(e.Version))
	return f
}

// ownersFor lists the owner kinds a person may choose: the service decides,
// the form only avoids offering what would be refused.
func ownersFor(a Actor, runsInitiatives bool) []string {
	var out []string
	if runsInitiatives || a.Role == "admin" {
		out = append(out, OwnerInitiative)
	}
	if a.Role == "partner" || isStaff(a) {
		out = append(out, OwnerPartner)
	}
	if isStaff(a) {
		out = append(out, OwnerCity)
	}
	if len(out) == 0 {
		// Nothing to offer: the page explains who may create events, and
		// the initiative choice stays so the refusal is specific.
		out = append(out, OwnerInitiative)
	}
	return out
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, d formData) {
	ctx := r.Context()
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Themes, d.Districts = Themes, ds
	if d.ID == 0 {
		a := actor(r)
		if d.Initiatives, err = h.organisedInitiatives(ctx, a.UserID); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		d.Owners = ownersFor(a, len(d.Initiatives) > 0)
		if f.Get("owner") == "" && len(d.Owners) == 1 {
			f.Values.Set("owner", d.Owners[0])
		}
	}
	title := "events.pages.new_title"
	if d.ID > 0 {
		title = "events.pages.edit_title"
	}
	h.rn.Render(w, r, status, h.views["events_form"], web.Page{Title: h.rn.T(r, title), Form: f, Data: d})
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) {
	f := web.NewForm(nil)
	if id := r.URL.Query().Get("initiative"); id != "" {
		if _, err := strconv.ParseInt(id, 10, 64); err == nil {
			f.Values.Set("owner", OwnerInitiative)
			f.Values.Set("initiative", id)
		}
	}
	h.renderForm(w, r, http.StatusOK, f, formData{})
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	id, errs, err := h.svc.Create(r.Context(), actor(r), inputFromForm(f))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, formData{})
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_pages_created")
	web.Redirect(w, r, eventPath(id))
}

func eventPath(id int64) string { return "/events/" + strconv.FormatInt(id, 10) }

func (h *handlers) editPage(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	h.renderForm(w, r, http.StatusOK, formFromEvent(e), formData{ID: e.ID, Event: &e})
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	in := inputFromForm(f)
	// The owner does not change with an edit.
	in.OwnerKind = e.OwnerKind
	in.InitiativeID = strconv.FormatInt(e.InitiativeID, 10)
	if e.OwnerKind != OwnerPartner {
		in.Partner = e.Partner
	}
	errs, err := h.svc.Update(r.Context(), actor(r), e.ID, in)
	d := formData{ID: e.ID, Event: &e}
	switch {
	case errors.Is(err, ErrConflict):
		// Keep what this person typed and say that someone saved first.
		// The form now carries the current version: saving again
		// deliberately replaces the other edit.
		d.Conflict = true
		f.Values.Set("version", strconv.Itoa(e.Version))
		f.AddError("version", "events.pages.conflict")
		h.renderForm(w, r, http.StatusConflict, f, d)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, d)
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_pages_saved")
	web.Redirect(w, r, eventPath(e.ID))
}

// sessionView is a workshop with the places it has left.
type sessionView struct {
	Session
	Left      int
	Unlimited bool
}

// ownerView names who runs the event.
type ownerView struct {
	Kind            string
	InitiativeID    int64
	InitiativeTitle string // "" when the initiative is not public
	Partner         string
}

// showData fills templates/show.html.
type showData struct {
	E            Event
	Description  template.HTML
	District     string
	Owner        ownerView
	Sessions     []sessionView
	Left         int // places left; see Unlimited
	Unlimited    bool
	Open         bool // registration open now
	Ended        bool
	Manages      bool
	FormFor      string // "cancel" or "session": which organiser form the page's Form belongs to
	Registration any    // filled by the registration part
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	e, manages, ok := h.load(w, r)
	if !ok {
		return
	}
	h.renderShow(w, r, http.StatusOK, e, manages, nil, "")
}

// renderShow writes the event page; f, when given, is a refused organiser
// form (formFor says which) shown with its errors and what was typed.
func (h *handlers) renderShow(w http.ResponseWriter, r *http.Request, status int, e Event, manages bool, f *web.Form, formFor string) {
	ctx := r.Context()
	now := time.Now()
	d := showData{E: e, Description: initiatives.RenderMarkdown(e.Description), Manages: manages,
		Unlimited: e.Capacity == 0, Left: max(e.Capacity-e.Confirmed, 0), Open: e.RegistrationOpen(now),
		Ended: !now.Before(e.EndsAt), FormFor: formFor,
		Owner: ownerView{Kind: e.OwnerKind, InitiativeID: e.InitiativeID, Partner: e.Partner}}
	if e.DistrictCode != "" {
		ds, err := h.svc.Districts.List(ctx)
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		for _, x := range ds {
			if x.Code == e.DistrictCode {
				d.District = x.Name
			}
		}
	}
	if e.InitiativeID > 0 {
		in, err := h.svc.Initiatives.Get(ctx, e.InitiativeID)
		switch {
		case err == nil && in.Visible():
			d.Owner.InitiativeTitle = in.Title
		case err != nil && !errors.Is(err, initiatives.ErrNotFound):
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	ss, err := h.svc.store.Sessions(ctx, e.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	for _, s := range ss {
		d.Sessions = append(d.Sessions, sessionView{Session: s, Unlimited: s.Capacity == 0, Left: max(s.Capacity-s.Confirmed, 0)})
	}
	if d.Registration, err = h.registrationData(r, e, manages); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.rn.Render(w, r, status, h.views["events_show"], web.Page{Title: e.Title, Form: f, Data: d})
}

func (h *handlers) publish(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	if err := h.svc.Publish(r.Context(), actor(r), e.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_pages_published")
	web.Redirect(w, r, eventPath(e.ID))
}

func (h *handlers) cancel(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	errs, err := h.svc.Cancel(r.Context(), actor(r), e.ID, f.Values.Get("message"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderShow(w, r, http.StatusUnprocessableEntity, e, true, f, "cancel")
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_pages_cancelled")
	web.Redirect(w, r, eventPath(e.ID))
}

func (h *handlers) addSession(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	in := SessionInput{Title: f.Get("session_title"), Description: f.Values.Get("session_description"),
		StartsAt: f.Get("session_starts_at"), EndsAt: f.Get("session_ends_at"), Capacity: f.Get("session_capacity")}
	_, errs, err := h.svc.AddSession(r.Context(), actor(r), e.ID, in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderShow(w, r, http.StatusUnprocessableEntity, e, true, f, "session")
		return
	}
	h.rn.SetFlash(w, "success", "flash.events_pages_session_added")
	web.Redirect(w, r, eventPath(e.ID)+"#workshops")
}

func (h *handlers) deleteSession(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sid <= 0 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	switch err := h.svc.DeleteSession(r.Context(), actor(r), e.ID, sid); {
	case errors.Is(err, ErrSessionTaken):
		h.rn.SetFlash(w, "error", "flash.events_pages_session_taken")
	case err != nil:
		h.fail(w, r, err)
		return
	default:
		h.rn.SetFlash(w, "success", "flash.events_pages_session_deleted")
	}
	web.Redirect(w, r, eventPath(e.ID)+"#workshops")
}

// myData fills templates/my.html.
type myData struct {
	Upcoming  []MyRegistration
	Past      []MyRegistration
	Organised []Event
	CanCreate bool
	Now       time.Time
}

func (h *handlers) myPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actor(r)
	now := time.Now().UTC()
	var d myData
	var err error
	if d.Upcoming, err = h.svc.store.Registered(ctx, a.UserID, now, false, 200); err == nil {
		d.Past, err = h.svc.store.Registered(ctx, a.UserID, now, true, 20)
	}
	var runs []initiatives.Initiative
	if err == nil {
		runs, err = h.organisedInitiatives(ctx, a.UserID)
	}
	if err == nil {
		var ids []int64
		for _, in := range runs {
			ids = append(ids, in.ID)
		}
		d.Organised, err = h.svc.store.Organised(ctx, a.UserID, ids, now, 200)
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	owners := ownersFor(a, len(runs) > 0)
	d.CanCreate = len(runs) > 0 || slices.ContainsFunc(owners, func(k string) bool { return k != OwnerInitiative })
	d.Now = now
	h.rn.Render(w, r, http.StatusOK, h.views["events_my"], web.Page{Title: h.rn.T(r, "events.pages.my_title"), Data: d})
}
