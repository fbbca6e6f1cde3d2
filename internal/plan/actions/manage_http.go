package actions

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

func (h *handlers) hubPage(w http.ResponseWriter, r *http.Request) {
	d, f, err := h.listData(r, "/plan/manage")
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Staff = true
	h.rn.Render(w, r, http.StatusOK, h.views["hub"], web.Page{Title: h.rn.T(r, "plan.actions.hub.title"), Form: f, Data: d})
}

type formData struct {
	ID       int64
	Action   Action
	Themes   []Theme
	Actions  []Action // candidates for parent and merged_into
	Statuses []string
	Phases   []string
	Conflict bool
}

func formValues(f ActionForm) *web.Form {
	form := web.NewForm(nil)
	for k, v := range map[string]string{"identifier": f.Identifier, "title": f.Title, "description": f.Description,
		"theme": f.Theme, "parent": f.Parent, "weight": f.Weight, "status": f.Status, "merged_into": f.MergedInto,
		"phase": f.Phase, "starts_on": f.StartsOn, "ends_on": f.EndsOn, "progress_mode": f.ProgressMode,
		"progress": f.Progress, "departments": f.Departments, "partners": f.Partners} {
		form.Values.Set(k, v)
	}
	return form
}

func actionFormOf(f *web.Form) ActionForm {
	return ActionForm{Identifier: f.Get("identifier"), Title: f.Get("title"), Description: f.Values.Get("description"),
		Theme: f.Get("theme"), Parent: f.Get("parent"), Weight: f.Get("weight"), Status: f.Get("status"),
		MergedInto: f.Get("merged_into"), Phase: f.Get("phase"), StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"),
		ProgressMode: f.Get("progress_mode"), Progress: f.Get("progress"), Departments: f.Values.Get("departments"),
		Partners: f.Values.Get("partners")}
}

func (h *handlers) renderForm(w http.ResponseWriter, r *http.Request, status int, f *web.Form, d formData) {
	var err error
	if d.Themes, err = h.svc.Themes(r.Context()); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if d.Actions, _, err = h.svc.List(r.Context(), Filter{}); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Statuses, d.Phases = Statuses, Phases
	title := h.rn.T(r, "plan.actions.form.new_title")
	if d.ID != 0 {
		title = h.rn.T(r, "plan.actions.form.edit_title")
	}
	h.rn.Render(w, r, status, h.views["form"], web.Page{Title: title, Form: f, Data: d})
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) {
	f := formValues(ActionForm{Status: StatusNotStarted, ProgressMode: ModeManual, Weight: "1",
		Theme: r.URL.Query().Get("theme"), Parent: r.URL.Query().Get("parent")})
	h.renderForm(w, r, http.StatusOK, f, formData{})
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	id, err := h.svc.Create(r.Context(), actorOf(r), actionFormOf(f))
	if errs := errorsOf(err); errs != nil {
		addErrors(f, errs)
		h.renderForm(w, r, http.StatusUnprocessableEntity, f, formData{})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.actions.created")
	web.Redirect(w, r, "/plan/manage/actions/"+strconv.FormatInt(id, 10))
}

func (h *handlers) editPage(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	d, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := formValues(FormOf(d.Action))
	f.Values.Set("version", strconv.Itoa(d.Version))
	h.renderForm(w, r, http.StatusOK, f, formData{ID: id, Action: d.Action})
}

func (h *handlers) update(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(f.Get("version"))
	err := h.svc.Update(r.Context(), actorOf(r), id, version, actionFormOf(f))
	if h.formFailed(w, r, err, f, id, func(status int) {
		a, gerr := h.svc.Get(r.Context(), id)
		if gerr != nil {
			h.fail(w, r, gerr)
			return
		}
		h.renderForm(w, r, status, f, formData{ID: id, Action: a.Action, Conflict: status == http.StatusConflict})
	}) {
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.actions.saved")
	web.Redirect(w, r, "/plan/manage/actions/"+strconv.FormatInt(id, 10))
}

// formFailed answers a refused save with the form, typed input kept: 422
// with the field errors, or 409 when someone saved in between (the form
// then carries the current version, so saving again overwrites knowingly).
func (h *handlers) formFailed(w http.ResponseWriter, r *http.Request, err error, f *web.Form, id int64, render func(status int)) bool {
	if err == nil {
		return false
	}
	if errs := errorsOf(err); errs != nil {
		addErrors(f, errs)
		render(http.StatusUnprocessableEntity)
		return true
	}
	if errors.Is(err, ErrConflict) {
		a, gerr := h.svc.Get(r.Context(), id)
		if gerr != nil {
			h.fail(w, r, gerr)
			return true
		}
		f.Values.Set("version", strconv.Itoa(a.Version))
		f.AddError("version", "plan.actions.error.conflict")
		render(http.StatusConflict)
		return true
	}
	h.fail(w, r, err)
	return true
}

type manageData struct {
	Detail
	Statuses   []string
	Actions    []Action
	Indicators []IndicatorOption
	LinkKinds  []string
	Conflict   bool
	Today      string
}

func (h *handlers) renderManage(w http.ResponseWriter, r *http.Request, status int, id int64, f *web.Form, conflict bool) {
	d, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	md := manageData{Detail: d, Statuses: Statuses, LinkKinds: LinkKinds, Conflict: conflict, Today: h.svc.today()}
	if md.Actions, _, err = h.svc.List(r.Context(), Filter{}); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if md.Indicators, err = h.svc.Indicators(r.Context()); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	if f.Values.Get("version") == "" {
		f.Values.Set("version", strconv.Itoa(d.Version))
	}
	if f.Values.Get("status") == "" {
		f.Values.Set("status", d.Status)
		if d.ProgressManual != nil {
			f.Values.Set("progress", strconv.Itoa(*d.ProgressManual))
		}
		if d.MergedIntoID != 0 {
			f.Values.Set("merged_into", strconv.FormatInt(d.MergedIntoID, 10))
		}
	}
	h.rn.Render(w, r, status, h.views["manage"], web.Page{Title: d.Label(), Form: f, Data: md})
}

func (h *handlers) managePage(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	h.renderManage(w, r, http.StatusOK, id, nil, false)
}

func (h *handlers) setStatus(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(f.Get("version"))
	err := h.svc.SetStatus(r.Context(), actorOf(r), id, version,
		QuickForm{Status: f.Get("status"), Progress: f.Get("progress"), MergedInto: f.Get("merged_into")})
	if h.formFailed(w, r, err, f, id, func(status int) { h.renderManage(w, r, status, id, f, status == http.StatusConflict) }) {
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.actions.saved")
	web.Redirect(w, r, "/plan/manage/actions/"+strconv.FormatInt(id, 10))
}

// partChange answers the small forms of the staff page (milestones, tasks,
// links): back to the page, or the page with the field errors.
func (h *handlers) partChange(w http.ResponseWriter, r *http.Request, id int64, f *web.Form, err error) {
	if errs := errorsOf(err); errs != nil {
		addErrors(f, errs)
		h.renderManage(w, r, http.StatusUnprocessableEntity, id, f, false)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.actions.saved")
	web.Redirect(w, r, "/plan/manage/actions/"+strconv.FormatInt(id, 10))
}

func (h *handlers) addMilestone(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	err := h.svc.AddMilestone(r.Context(), actorOf(r), id, f.Get("milestone_date"), f.Get("milestone_title"))
	h.partChange(w, r, id, f, prefixed(err, "milestone_"))
}

func (h *handlers) markMilestone(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	mid, mok := pathInt(r, "mid")
	if !ok {
		return
	}
	if !mok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	h.partChange(w, r, id, f, h.svc.SetMilestoneReached(r.Context(), actorOf(r), id, mid, f.Get("reached") == "1"))
}

func (h *handlers) addTask(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	err := h.svc.AddTask(r.Context(), actorOf(r), id, f.Get("task_date"), f.Get("task_title"))
	h.partChange(w, r, id, f, prefixed(err, "task_"))
}

func (h *handlers) markTask(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	tid, tok := pathInt(r, "tid")
	if !ok {
		return
	}
	if !tok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	h.partChange(w, r, id, f, h.svc.SetTaskDone(r.Context(), actorOf(r), id, tid, f.Get("done") == "1"))
}

func (h *handlers) removeMilestone(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	mid, mok := pathInt(r, "mid")
	if !ok {
		return
	}
	if !mok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	h.partChange(w, r, id, f, h.svc.RemoveMilestone(r.Context(), actorOf(r), id, mid))
}

func (h *handlers) removeTask(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	tid, tok := pathInt(r, "tid")
	if !ok {
		return
	}
	if !tok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	h.partChange(w, r, id, f, h.svc.RemoveTask(r.Context(), actorOf(r), id, tid))
}

func (h *handlers) addLink(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	target := f.Get("link_target")
	if f.Get("link_kind") == "indicator" && f.Get("link_indicator") != "" {
		target = f.Get("link_indicator")
	}
	err := h.svc.AddLink(r.Context(), actorOf(r), id, f.Get("link_kind"), target)
	h.partChange(w, r, id, f, prefixed(err, "link_"))
}

func (h *handlers) removeLink(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	target, err := strconv.ParseInt(f.Get("target"), 10, 64)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	h.partChange(w, r, id, f, h.svc.RemoveLink(r.Context(), actorOf(r), id, f.Get("kind"), target))
}

// prefixed renames the fields of a small form's errors, so that each form
// of the staff page shows its own ("milestone_title", "task_title").
func prefixed(err error, prefix string) error {
	errs := errorsOf(err)
	if errs == nil {
		return err
	}
	out := make([]FieldError, len(errs))
	for i, e := range errs {
		e.Field = prefix + e.Field
		out[i] = e
	}
	return &InvalidError{Fields: out}
}
