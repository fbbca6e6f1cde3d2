package initiatives

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// formData fills templates/form.html.
type formData struct {
	ID        int64 // 0 for a new initiative
	Themes    []string
	Districts []districts.District
	Image     string
	Conflict  bool // another organiser saved since this form was opened
}

// inputFromForm reads the initiative fields of a submitted form.
func inputFromForm(f *web.Form) Input {
	version, _ := strconv.Atoi(f.Get("version"))
	return Input{Title: f.Get("title"), Summary: f.Get("summary"), Description: f.Values.Get("description"),
		Theme: f.Get("theme"), DistrictCode: f.Get("district"), Address: f.Get("address"),
		Lat: f.Get("lat"), Lon: f.Get("lon"), StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"),
		Ongoing: f.Get("ongoing") != "", Contact: f.Get("contact"), Links: f.Values.Get("links"),
		Partner: f.Get("partner"), Version: version}
}

// formFromInitiative fills the form as a submission would.
func formFromInitiative(in Initiative) *web.Form {
	f := web.NewForm(nil)
	for k, v := range map[string]string{"title": in.Title, "summary": in.Summary, "description": in.Description,
		"theme": in.Theme, "district": in.DistrictCode, "address": in.Address, "starts_on": in.StartsOn,
		"ends_on": in.EndsOn, "contact": in.Contact, "links": strings.Join(in.Links, "\n"), "partner": in.Partner,
		"version": strconv.Itoa(in.Version)} {
		f.Values.Set(k, v)
	}
	if in.Ongoing {
		f.Values.Set("ongoing", "1")
	}
	if in.Point != nil {
		f.Values.Set("lat", strconv.FormatFloat(in.Point.Lat, 'f', -1, 64))
		f.Values.Set("lon", strconv.FormatFloat(in.Point.Lon, 'f', -1, 64))
	}
	return f
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, d formData) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Themes, d.Districts = Themes, ds
	title := "initiatives.new.title"
	if d.ID > 0 {
		title = "initiatives.edit.title"
	}
	h.rn.Render(w, r, status, h.views["form"], web.Page{Title: h.rn.T(r, title), Form: f, Data: d})
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) {
	// Consent to introductions is asked, never assumed: the box starts empty.
	h.renderForm(w, r, http.StatusOK, web.NewForm(nil), formData{})
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	id, errs, err := h.svc.Create(r.Context(), actor(r), inputFromForm(f), f.Get("introductions") != "")
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, formData{})
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_created")
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(id, 10))
}

func (h *handlers) editPage(w http.ResponseWriter, r *http.Request) {
	in, role, ok := h.load(w, r)
	if !ok {
		return
	}
	if !CanEdit(actor(r), role, in) {
		h.rn.Error(w, r, http.StatusForbidden, nil)
		return
	}
	h.renderForm(w, r, http.StatusOK, formFromInitiative(in), formData{ID: in.ID, Image: in.Image})
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	in, role, ok := h.load(w, r)
	if !ok {
		return
	}
	if !CanEdit(actor(r), role, in) {
		h.rn.Error(w, r, http.StatusForbidden, nil)
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	errs, err := h.svc.Update(r.Context(), actor(r), in.ID, inputFromForm(f))
	d := formData{ID: in.ID, Image: in.Image}
	switch {
	case errors.Is(err, ErrConflict):
		// Keep what this person typed, and say that someone saved first.
		// The form now carries the current version: saving again
		// deliberately replaces the other edit, which the page shows.
		d.Conflict = true
		f.Values.Set("version", strconv.Itoa(in.Version))
		f.AddError("version", "initiatives.error.conflict")
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
	h.rn.SetFlash(w, "success", "flash.initiatives_saved")
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(in.ID, 10))
}

// showData fills templates/show.html.
type showData struct {
	In            Initiative
	Description   template.HTML
	District      string // the district's name
	Role          string // the viewer's role in the initiative
	CanEdit       bool
	CanModerate   bool
	Introductions bool // the viewer, an organiser, accepts introductions
	Decisions     []Decision
	Participation any // see participation_http.go
	Similar       any // see synergy_http.go
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	in, role, ok := h.load(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	a := actor(r)
	d := showData{In: in, Description: RenderMarkdown(in.Description), Role: role,
		CanEdit: CanEdit(a, role, in), CanModerate: CanModerate(a)}
	if ds, err := h.svc.Districts.List(ctx); err == nil {
		for _, x := range ds {
			if x.Code == in.DistrictCode {
				d.District = x.Name
			}
		}
	}
	var err error
	if Organises(role) || d.CanModerate {
		if d.Decisions, err = h.svc.store.Decisions(ctx, in.ID); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	if Organises(role) {
		os, err := h.svc.store.Organisers(ctx, in.ID)
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		for _, o := range os {
			if o.UserID == a.UserID {
				d.Introductions = o.Introductions
			}
		}
	}
	if d.Participation, err = h.participation(r, in, role); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if in.Visible() {
		if d.Similar, err = h.similar(r, in); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	page := web.Page{Title: in.Title, Data: d}
	if rf, ok := r.Context().Value(refusedKey{}).(*refusedForm); ok {
		page.Form = rf.form // a refused update or report: the title says so
	}
	h.rn.Render(w, r, http.StatusOK, h.views["show"], page)
}

// act applies an organiser's action from the initiative page.
func (h *handlers) act(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	action := f.Get("action")
	if _, known := organiserTransitions[action]; !known {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	if err := h.svc.Act(r.Context(), actor(r), id, action); err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_"+action)
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(id, 10))
}

func (h *handlers) setIntroductions(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	if err := h.svc.SetIntroductions(r.Context(), actor(r), id, f.Get("introductions") == "1"); err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_introductions_saved")
	web.Redirect(w, r, "/initiatives/"+strconv.FormatInt(id, 10))
}

func (h *handlers) minePage(w http.ResponseWriter, r *http.Request) {
	list, err := h.svc.store.Mine(r.Context(), actor(r).UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["mine"], web.Page{Title: h.rn.T(r, "initiatives.mine.title"), Data: list})
}

func (h *handlers) queuePage(w http.ResponseWriter, r *http.Request) {
	h.renderQueue(w, r, http.StatusOK, nil, 0)
}

// queueData fills templates/queue.html; Form and FormID keep a refused
// decision's message next to its initiative.
type queueData struct {
	Items   []Initiative
	FormID  int64
	Reasons map[int64][]string // open report reasons by initiative
}

func (h *handlers) renderQueue(w http.ResponseWriter, r *http.Request, status int, f *web.Form, formID int64) {
	items, err := h.svc.store.Queue(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	var hidden []int64
	for _, in := range items {
		if in.Hidden {
			hidden = append(hidden, in.ID)
		}
	}
	reasons, err := h.svc.store.OpenReportReasons(r.Context(), hidden)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.rn.Render(w, r, status, h.views["queue"], web.Page{Title: h.rn.T(r, "initiatives.queue.title"), Form: f,
		Data: queueData{Items: items, FormID: formID, Reasons: reasons}})
}

func (h *handlers) decide(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	// The queue's form carries the version the moderator read; a request
	// without one decides on the current version.
	seen, _ := strconv.Atoi(f.Get("version"))
	errs, err := h.svc.DecideOn(r.Context(), actor(r), id, seen, f.Get("decision"), f.Values.Get("message"))
	if errors.Is(err, ErrConflict) {
		// Edited since the queue was read: show the current text, keep
		// the message typed.
		f.AddError("decision", "initiatives.error.changed_since")
		h.renderQueue(w, r, http.StatusConflict, f, id)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderQueue(w, r, http.StatusUnprocessableEntity, f, id)
		return
	}
	h.rn.SetFlash(w, "success", "flash.initiatives_decided")
	web.Redirect(w, r, "/moderation/initiatives")
}
