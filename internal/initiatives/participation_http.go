package initiatives

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// Updates shown on the initiative page, and per page of /my/updates.
const (
	pageUpdates = 10
	newsPerPage = 20
)

// registerParticipation adds joining, following, updates and reports.
func (h *handlers) registerParticipation(r *web.Router) {
	h.views["updates"] = h.rn.MustParse(templates, "templates/updates.html")
	user := func(f http.HandlerFunc) http.Handler { return h.guards.User(f) }
	r.Handle("POST /initiatives/{id}/join", user(h.membership((*Service).Join, "flash.initiatives_participation_joined")))
	r.Handle("POST /initiatives/{id}/leave", user(h.leaving((*Service).Leave, "flash.initiatives_participation_left")))
	r.Handle("POST /initiatives/{id}/follow", user(h.membership((*Service).Follow, "flash.initiatives_participation_followed")))
	r.Handle("POST /initiatives/{id}/unfollow", user(h.leaving((*Service).Unfollow, "flash.initiatives_participation_unfollowed")))
	r.Handle("POST /initiatives/{id}/updates", user(h.postUpdate))
	r.Handle("POST /initiatives/{id}/report", user(h.report))
	r.Handle("GET /my/updates", user(h.newsPage))
}

// participationData fills templates/participation.html.
type participationData struct {
	In        Initiative
	Role      string // the viewer's role in the initiative
	SignedIn  bool
	CanJoin   bool
	CanFollow bool
	CanPost   bool
	CanReport bool
	Reported  bool // the viewer reported it already
	// A refused text is shown again even when its form would not be
	// offered any more (the initiative was hidden while it was typed).
	ShowUpdateForm, ShowReportForm bool
	Updates                        []Update
	// The forms, with what was typed and its errors after a refusal.
	UpdateForm, ReportForm *web.Form
}

// refusedForm carries a refused update or report back to the initiative
// page, which show renders again through participation.
type refusedForm struct {
	name string // "update" or "report"
	form *web.Form
}

type refusedKey struct{}

// participation is what the initiative page shows of taking part: the
// "participation" partial (templates/participation.html) renders it.
func (h *handlers) participation(r *http.Request, in Initiative, role string) (any, error) {
	a := actor(r)
	d := &participationData{In: in, Role: role, SignedIn: a.UserID > 0,
		UpdateForm: web.NewForm(nil), ReportForm: web.NewForm(nil)}
	open := in.Visible()
	organiser := Organises(role)
	d.CanJoin = open && in.Status == Published && !organiser && role != RoleParticipant
	d.CanFollow = open && !organiser && role == ""
	d.CanPost = open && organiser
	if d.SignedIn && open && !organiser {
		reported, err := h.svc.store.HasReported(r.Context(), in.ID, a.UserID)
		if err != nil {
			return nil, err
		}
		d.Reported, d.CanReport = reported, !reported
	}
	if open || organiser || CanModerate(a) {
		var err error
		if d.Updates, err = h.svc.store.Updates(r.Context(), in.ID, pageUpdates); err != nil {
			return nil, err
		}
	}
	if rf, ok := r.Context().Value(refusedKey{}).(*refusedForm); ok {
		switch rf.name {
		case "update":
			d.UpdateForm = rf.form
		case "report":
			d.ReportForm = rf.form
		}
	}
	d.ShowUpdateForm = d.CanPost || !d.UpdateForm.Valid()
	d.ShowReportForm = d.CanReport || !d.ReportForm.Valid()
	return d, nil
}

// refusalFlash explains a refused action; "" for errors that are not
// refusals.
func refusalFlash(err error) string {
	switch {
	case errors.Is(err, ErrNotOpen):
		return "flash.initiatives_participation_not_open"
	case errors.Is(err, ErrPaused):
		return "flash.initiatives_participation_paused"
	case errors.Is(err, ErrOrganiser):
		return "flash.initiatives_participation_organiser"
	case errors.Is(err, ErrParticipant):
		return "flash.initiatives_participation_participant"
	case errors.Is(err, ErrAlreadyReported):
		return "flash.initiatives_participation_already_reported"
	}
	return ""
}

// membership handles the join, leave, follow and unfollow buttons. A form
// may name a local page to return to (the news page lists initiatives with
// their buttons).
func (h *handlers) membership(act func(*Service, context.Context, Actor, int64) error, done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		in, _, ok := h.load(w, r)
		if !ok {
			return
		}
		h.membershipOn(w, r, in, act, done)
	}
}

// leaving lets members stop taking part even when the initiative is no
// longer visible (hidden, archived, rejected): only its existence counts.
func (h *handlers) leaving(act func(*Service, context.Context, Actor, int64) error, done string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := web.PathID(r, "")
		in, err := h.svc.store.Get(r.Context(), id)
		if !ok || errors.Is(err, ErrNotFound) {
			h.rn.Error(w, r, http.StatusNotFound, nil)
			return
		}
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		h.membershipOn(w, r, in, act, done)
	}
}

func (h *handlers) membershipOn(w http.ResponseWriter, r *http.Request, in Initiative,
	act func(*Service, context.Context, Actor, int64) error, done string) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	back := "/initiatives/" + strconv.FormatInt(in.ID, 10)
	if !in.Visible() {
		back = "/my/updates" // its page is gone for members
	}
	back = web.SafeLocalPath(f.Get("next"), back)
	if err := act(h.svc, r.Context(), actor(r), in.ID); err != nil {
		if key := refusalFlash(err); key != "" {
			h.rn.SetFlash(w, "error", key)
			web.Redirect(w, r, back)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", done)
	web.Redirect(w, r, back)
}

func (h *handlers) postUpdate(w http.ResponseWriter, r *http.Request) {
	in, _, ok := h.load(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	_, errs, err := h.svc.PostUpdate(r.Context(), actor(r), in.ID, f.Values.Get("body"))
	h.afterForm(w, r, in.ID, "update", f, errs, err, "flash.initiatives_participation_posted")
}

func (h *handlers) report(w http.ResponseWriter, r *http.Request) {
	in, _, ok := h.load(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	errs, _, err := h.svc.Report(r.Context(), actor(r), in.ID, f.Values.Get("reason"))
	h.afterForm(w, r, in.ID, "report", f, errs, err, "flash.initiatives_participation_reported")
}

// afterForm ends an update or a report. Invalid text comes back on the
// initiative page with its errors and what was typed (422); a refusal is
// explained there too, the text kept, so that nothing written is lost.
func (h *handlers) afterForm(w http.ResponseWriter, r *http.Request, id int64, name string, f *web.Form,
	errs []FieldError, err error, done string) {
	if err != nil {
		key := refusalFlash(err)
		if key == "" {
			h.fail(w, r, err)
			return
		}
		// The page is rendered again, not redirected to: the reason goes
		// next to the text rather than into a flash.
		f.AddError(map[string]string{"update": "body", "report": "reason"}[name], key)
	}
	addErrors(f, errs)
	if !f.Valid() {
		ctx := context.WithValue(r.Context(), refusedKey{}, &refusedForm{name: name, form: f})
		h.show(&statusWriter{ResponseWriter: w, status: http.StatusUnprocessableEntity}, r.WithContext(ctx))
		return
	}
	h.rn.SetFlash(w, "success", done)
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(id, 10))
}

// statusWriter turns the initiative page's 200 into another status (422
// for a refused form); error pages keep theirs.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusOK {
		code = w.status
	}
	w.ResponseWriter.WriteHeader(code)
}

// maxNewsPage bounds the news page number.
const maxNewsPage = 10000

// newsData fills templates/updates.html.
type newsData struct {
	Items       []Update
	Initiatives []Membership
	Page        int
	Prev, Next  string
}

// newsPage lists the news of the initiatives the viewer joined or follows.
func (h *handlers) newsPage(w http.ResponseWriter, r *http.Request) {
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if page < 1 || page > maxNewsPage { // bounded: a huge page would overflow the offset
		page = 1
	}
	ctx := r.Context()
	user := actor(r).UserID
	items, err := h.svc.store.News(ctx, user, newsPerPage+1, (page-1)*newsPerPage)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	mine, err := h.svc.store.Memberships(ctx, user)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := newsData{Items: items, Initiatives: mine, Page: page}
	if len(items) > newsPerPage {
		d.Items = items[:newsPerPage]
		d.Next = "/my/updates?page=" + strconv.Itoa(page+1)
	}
	if page > 1 {
		d.Prev = "/my/updates?page=" + strconv.Itoa(page-1)
	}
	h.rn.Render(w, r, http.StatusOK, h.views["updates"], web.Page{Title: h.rn.T(r, "initiatives.participation.news.title"), Data: d})
}
