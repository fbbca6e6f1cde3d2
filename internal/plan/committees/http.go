package committees

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// Guards are the access checks of the part's pages; who may follow up which
// decision is decided in policy.go.
type Guards struct {
	User  func(http.Handler) http.Handler // any signed-in person
	Staff func(http.Handler) http.Handler // City staff: coordinators and administrators
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the public committee pages, the members' follow-up form
// and the staff's pages under /plan/manage/committees.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"list":        rn.MustParse(templates, "templates/list.html", "templates/partials.html"),
		"show":        rn.MustParse(templates, "templates/show.html", "templates/partials.html"),
		"manage_list": rn.MustParse(templates, "templates/manage_list.html", "templates/partials.html"),
		"manage":      rn.MustParse(templates, "templates/manage.html", "templates/partials.html"),
	}}
	user := func(f http.HandlerFunc) http.Handler { return g.User(f) }
	staff := func(f http.HandlerFunc) http.Handler { return g.Staff(f) }
	r.HandleFunc("GET /plan/committees", h.list)
	r.HandleFunc("GET /plan/committees/{ref}", h.show)
	r.Handle("POST /plan/committees/{id}/decisions/{did}/followups", user(h.followUp))
	r.Handle("GET /plan/manage/committees", staff(h.manageList))
	r.Handle("POST /plan/manage/committees", staff(h.create))
	r.Handle("GET /plan/manage/committees/{id}", staff(h.managePage))
	r.Handle("POST /plan/manage/committees/{id}", staff(h.update))
	r.Handle("POST /plan/manage/committees/{id}/members", staff(h.addMember))
	r.Handle("POST /plan/manage/committees/{id}/members/{mid}/remove", staff(h.removeMember))
	r.Handle("POST /plan/manage/committees/{id}/meetings", staff(h.scheduleMeeting))
	r.Handle("POST /plan/manage/committees/{id}/meetings/{mid}/minutes", staff(h.saveMinutes))
	r.Handle("POST /plan/manage/committees/{id}/decisions", staff(h.recordDecision))
}

// actor is the signed-in person as the service sees them; zero for visitors.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Role: v.Role}
	}
	return Actor{}
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
	case errors.Is(err, ErrConflict):
		h.rn.Error(w, r, http.StatusConflict, nil)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key)
	}
}

func committeePath(c Committee) string { return "/plan/committees/" + c.Slug }
func managePath(id int64) string       { return "/plan/manage/committees/" + strconv.FormatInt(id, 10) }

// listData fills templates/list.html.
type listData struct {
	Committees []Summary
	Staff      bool
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	cs, err := h.svc.List(r.Context(), time.Now())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["list"], web.Page{Title: h.rn.T(r, "plan.committees.title"),
		Data: listData{Committees: cs, Staff: isStaff(actor(r))}})
}

// college is the members of one college.
type college struct {
	Key     string
	Members []Member
}

// showData fills templates/show.html.
type showData struct {
	Committee Committee
	Colleges  []college
	Upcoming  []Meeting
	Past      []Meeting
	Decisions []Decision
	Statuses  []string
	CanFollow bool // the viewer may add follow-up notes
	Staff     bool // and change statuses
	Follow    *web.Form
	FollowFor int64 // the decision whose follow-up form was refused
	// FollowConflict: that form's status was read before someone else's
	// follow-up; the page shows the current status and keeps the note.
	FollowConflict bool
}

func groupColleges(ms []Member) []college {
	var out []college
	for _, k := range Colleges {
		c := college{Key: k}
		for _, m := range ms {
			if m.College == k {
				c.Members = append(c.Members, m)
			}
		}
		if len(c.Members) > 0 {
			out = append(out, c)
		}
	}
	return out
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	c, err := h.svc.ByRef(r.Context(), r.PathValue("ref"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderShow(w, r, http.StatusOK, showData{Committee: c})
}

func (h *handlers) renderShow(w http.ResponseWriter, r *http.Request, status int, d showData) {
	ctx := r.Context()
	c := d.Committee
	d.Statuses = DecisionStatuses
	if d.Follow == nil {
		d.Follow = web.NewForm(nil)
	}
	ms, err := h.svc.Members(ctx, c.ID, actor(r))
	if err == nil {
		d.Colleges = groupColleges(ms)
		var meetings []Meeting
		if meetings, err = h.svc.Meetings(ctx, c.ID); err == nil {
			now := time.Now()
			for _, m := range meetings {
				if m.EndsAt.After(now) {
					d.Upcoming = append([]Meeting{m}, d.Upcoming...) // soonest first
				} else {
					d.Past = append(d.Past, m)
				}
			}
			if d.Decisions, err = h.svc.Decisions(ctx, c.ID, actor(r)); err == nil {
				d.Staff, d.CanFollow, err = h.svc.MayFollowUp(ctx, actor(r), c.ID)
			}
		}
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	// The follow-up form, when refused, titles the page "Error:".
	h.rn.Render(w, r, status, h.views["show"], web.Page{Title: c.Name, Form: d.Follow, Data: d})
}

func (h *handlers) followUp(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	did, ok := web.PathID(r, "did")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	version, _ := strconv.Atoi(f.Get("version"))
	errs, err := h.svc.FollowUp(r.Context(), actor(r), id, did, FollowUpInput{Status: f.Get("status"), Note: f.Values.Get("note"), Version: version})
	if err != nil && !errors.Is(err, ErrConflict) {
		h.fail(w, r, err)
		return
	}
	c, cerr := h.svc.Get(r.Context(), id)
	if cerr != nil {
		h.fail(w, r, cerr)
		return
	}
	if err != nil { // ErrConflict: the current status, the note kept
		h.renderShow(w, r, http.StatusConflict, showData{Committee: c, Follow: f, FollowFor: did, FollowConflict: true})
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderShow(w, r, http.StatusUnprocessableEntity, showData{Committee: c, Follow: f, FollowFor: did})
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_committees_followed_up")
	web.Redirect(w, r, committeePath(c)+"#decision-"+strconv.FormatInt(did, 10))
}

// manageListData fills templates/manage_list.html.
type manageListData struct {
	Committees []Summary
	Themes     []Theme
}

func (h *handlers) manageList(w http.ResponseWriter, r *http.Request) {
	h.renderManageList(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderManageList(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	cs, err := h.svc.List(r.Context(), time.Now())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	themes, err := h.svc.Themes(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, status, h.views["manage_list"], web.Page{Title: h.rn.T(r, "plan.committees.manage.title"), Form: f,
		Data: manageListData{Committees: cs, Themes: themes}})
}

func committeeInput(f *web.Form) CommitteeInput {
	version, _ := strconv.Atoi(f.Get("version"))
	return CommitteeInput{Name: f.Get("name"), Slug: f.Get("slug"), Description: f.Values.Get("description"),
		ThemeID: f.Get("theme"), Version: version}
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	id, errs, err := h.svc.Create(r.Context(), actor(r), committeeInput(f))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderManageList(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan_committees_created")
	web.Redirect(w, r, managePath(id))
}

// manageData fills templates/manage.html: the committee's form and the
// forms of its members, meetings, minutes and decisions. Each form keeps
// its input when refused.
type manageData struct {
	Committee  Committee
	Conflict   bool // someone saved the committee since this form was opened
	Edit       *web.Form
	Member     *web.Form
	Meeting    *web.Form
	Minutes    *web.Form
	MinutesFor int64
	// MinutesConflict: someone saved those minutes since the form was read.
	MinutesConflict bool
	Decision        *web.Form
	Members         []Member
	Meetings        []Meeting
	Decisions       []Decision
	Themes          []Theme
	Districts       []districts.District
	Colleges        []string
}

func committeeForm(c Committee) *web.Form {
	f := web.NewForm(nil)
	f.Values.Set("name", c.Name)
	f.Values.Set("slug", c.Slug)
	f.Values.Set("description", c.Description)
	if c.ThemeID > 0 {
		f.Values.Set("theme", strconv.FormatInt(c.ThemeID, 10))
	}
	f.Values.Set("version", strconv.Itoa(c.Version))
	return f
}

// loadManaged reads the committee of the path for a staff page.
func (h *handlers) loadManaged(w http.ResponseWriter, r *http.Request) (Committee, *web.Form, bool) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return Committee{}, nil, false
	}
	c, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return c, nil, false
	}
	return c, f, true
}

func (h *handlers) managePage(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.loadManaged(w, r)
	if ok {
		h.renderManage(w, r, http.StatusOK, manageData{Committee: c})
	}
}

func (h *handlers) renderManage(w http.ResponseWriter, r *http.Request, status int, d manageData) {
	ctx := r.Context()
	for _, f := range []**web.Form{&d.Edit, &d.Member, &d.Meeting, &d.Minutes, &d.Decision} {
		if *f == nil {
			*f = web.NewForm(nil)
		}
	}
	if d.Edit.Values.Get("version") == "" {
		d.Edit = committeeForm(d.Committee)
	}
	d.Colleges = Colleges
	var err error
	if d.Members, err = h.svc.Members(ctx, d.Committee.ID, actor(r)); err == nil {
		if d.Meetings, err = h.svc.Meetings(ctx, d.Committee.ID); err == nil {
			if d.Decisions, err = h.svc.Decisions(ctx, d.Committee.ID, actor(r)); err == nil {
				if d.Themes, err = h.svc.Themes(ctx); err == nil {
					d.Districts, err = h.svc.Districts.List(ctx)
				}
			}
		}
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	page := web.Page{Title: d.Committee.Name, Form: d.Edit, Data: d}
	for _, f := range []*web.Form{d.Member, d.Meeting, d.Minutes, d.Decision} {
		if !f.Valid() {
			page.Form = f // the refused form titles the page "Error:"
		}
	}
	h.rn.Render(w, r, status, h.views["manage"], page)
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	c, f, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	errs, err := h.svc.Update(r.Context(), actor(r), c.ID, committeeInput(f))
	switch {
	case errors.Is(err, ErrConflict):
		// Keep what this person typed, on the current version, and say
		// that someone saved first.
		f.Values.Set("version", strconv.Itoa(c.Version))
		h.renderManage(w, r, http.StatusConflict, manageData{Committee: c, Edit: f, Conflict: true})
	case err != nil:
		h.fail(w, r, err)
	case len(errs) > 0:
		addErrors(f, errs)
		h.renderManage(w, r, http.StatusUnprocessableEntity, manageData{Committee: c, Edit: f})
	default:
		h.rn.SetFlash(w, "success", "flash.plan_committees_saved")
		web.Redirect(w, r, managePath(c.ID))
	}
}

// afterSubForm ends the handlers of the staff's smaller forms: the page
// again with the errors (422), or back to it with a flash.
func (h *handlers) afterSubForm(w http.ResponseWriter, r *http.Request, c Committee, errs []FieldError, err error, flash string, d manageData) {
	switch {
	case err != nil:
		h.fail(w, r, err)
	case len(errs) > 0:
		d.Committee = c
		for _, f := range []*web.Form{d.Member, d.Meeting, d.Minutes, d.Decision} {
			if f != nil {
				addErrors(f, errs)
			}
		}
		h.renderManage(w, r, http.StatusUnprocessableEntity, d)
	default:
		h.rn.SetFlash(w, "success", flash)
		web.Redirect(w, r, managePath(c.ID))
	}
}

func (h *handlers) addMember(w http.ResponseWriter, r *http.Request) {
	c, f, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	errs, err := h.svc.AddMember(r.Context(), actor(r), c.ID, MemberInput{Email: f.Get("email"), Name: f.Get("person_name"),
		College: f.Get("college"), Role: f.Get("role")})
	h.afterSubForm(w, r, c, errs, err, "flash.plan_committees_member_added", manageData{Member: f})
}

func (h *handlers) removeMember(w http.ResponseWriter, r *http.Request) {
	c, _, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	mid, ok := web.PathID(r, "mid")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	err := h.svc.RemoveMember(r.Context(), actor(r), c.ID, mid)
	h.afterSubForm(w, r, c, nil, err, "flash.plan_committees_member_removed", manageData{})
}

func (h *handlers) scheduleMeeting(w http.ResponseWriter, r *http.Request) {
	c, f, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	_, errs, err := h.svc.ScheduleMeeting(r.Context(), actor(r), c.ID, MeetingInput{Title: f.Get("title"),
		StartsAt: f.Get("starts_at"), EndsAt: f.Get("ends_at"), District: f.Get("district"), Address: f.Get("address"),
		OnlineURL: f.Get("online_url")})
	h.afterSubForm(w, r, c, errs, err, "flash.plan_committees_meeting_scheduled", manageData{Meeting: f})
}

func (h *handlers) saveMinutes(w http.ResponseWriter, r *http.Request) {
	c, f, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	mid, ok := web.PathID(r, "mid")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	publish := f.Get("publish") == "1"
	version, _ := strconv.Atoi(f.Get("version"))
	errs, err := h.svc.SaveMinutes(r.Context(), actor(r), c.ID, mid, MinutesInput{Text: f.Values.Get("minutes"), Publish: publish, Version: version})
	if errors.Is(err, ErrConflict) { // the current version, the typed text kept
		h.renderManage(w, r, http.StatusConflict, manageData{Committee: c, Minutes: f, MinutesFor: mid, MinutesConflict: true})
		return
	}
	flash := "flash.plan_committees_minutes_saved"
	if publish {
		flash = "flash.plan_committees_minutes_published"
	}
	h.afterSubForm(w, r, c, errs, err, flash, manageData{Minutes: f, MinutesFor: mid})
}

func (h *handlers) recordDecision(w http.ResponseWriter, r *http.Request) {
	c, f, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	_, errs, err := h.svc.RecordDecision(r.Context(), actor(r), c.ID, DecisionInput{Text: f.Values.Get("text"),
		Action: f.Get("action"), DueOn: f.Get("due_on")})
	h.afterSubForm(w, r, c, errs, err, "flash.plan_committees_decision_recorded", manageData{Decision: f})
}
