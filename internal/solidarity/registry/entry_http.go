package registry

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"climatevolunteers/internal/web"
)

// One entry's pages, alike for registrants (/my/registry/{id}) and
// coordinators (/coordination/registry/{id}); the service decides who
// reaches which entry.

func (h *handlers) renderNew(w http.ResponseWriter, r *http.Request, p pages, status int, f *web.Form) {
	d, err := h.formData(r, p, f, p.newPath, true)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	title := "registry.new.title"
	if p.sc == ScopeStaff {
		title = "registry.staff.new_title"
	}
	h.rn.Render(w, r, status, h.views["new"], web.Page{Title: h.rn.T(r, title), Form: f, Data: d})
}

func (h *handlers) newPage(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := web.NewForm(nil)
		f.Values.Set("languages", "fr") // French unless told otherwise
		h.renderNew(w, r, p, http.StatusOK, f)
	}
}

func (h *handlers) create(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := web.ParseForm(r)
		if err != nil {
			h.rn.Error(w, r, http.StatusBadRequest, err)
			return
		}
		id, errs, err := h.svc.Create(r.Context(), actor(r), p.sc, inputFromForm(f))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(errs) > 0 {
			addErrors(f, errs)
			h.renderNew(w, r, p, http.StatusUnprocessableEntity, f)
			return
		}
		h.rn.SetFlash(w, "success", "flash.registry_created")
		if p.sc == ScopeMine {
			// The same answer whether the person was new or already
			// registered (id 0): the form tells nobody who is registered.
			web.Redirect(w, r, p.base)
			return
		}
		web.Redirect(w, r, p.base+"/"+strconv.FormatInt(id, 10))
	}
}

// entryData fills templates/entry.html.
type entryData struct {
	formData
	Base                    string
	Entry                   Entry
	Status                  Status
	RenewOpen               bool
	RenewTo, RenewFrom      time.Time
	RenewForm, WithdrawForm *web.Form
	Conflict                bool
}

// renderEntry writes an entry's page; f is the edit form (what was typed,
// after a refusal), rf and wf the renewal and withdrawal forms.
func (h *handlers) renderEntry(w http.ResponseWriter, r *http.Request, p pages, status int, e Entry, f, rf, wf *web.Form, conflict bool) {
	base := p.base + "/" + strconv.FormatInt(e.ID, 10)
	fd, err := h.formData(r, p, f, base, false)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	now := h.svc.now()
	if rf == nil {
		rf = web.NewForm(nil)
	}
	if wf == nil {
		wf = web.NewForm(nil)
	}
	d := entryData{formData: fd, Base: p.base, Entry: e, Status: e.StatusAt(now), RenewOpen: RenewalOpen(e.SeasonEndsAt, now),
		RenewTo: RenewedEnd(e.SeasonEndsAt, now), RenewFrom: e.SeasonEndsAt.Add(-RenewalWindow),
		RenewForm: rf, WithdrawForm: wf, Conflict: conflict}
	h.rn.Render(w, r, status, h.views["entry"], web.Page{Title: h.rn.T(r, "registry.entry.title", e.ID), Form: f, Data: d})
}

// show opens an entry (an audited read).
func (h *handlers) show(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := web.PathID(r, "")
		if !ok {
			h.rn.Error(w, r, http.StatusNotFound, nil)
			return
		}
		e, err := h.svc.Get(r.Context(), actor(r), p.sc, id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		h.renderEntry(w, r, p, http.StatusOK, e, formFromEntry(e), nil, nil, false)
	}
}

func (h *handlers) update(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, f, ok := h.rn.IDAndForm(w, r)
		if !ok {
			return
		}
		a := actor(r)
		errs, err := h.svc.Update(r.Context(), a, p.sc, id, inputFromForm(f))
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, ErrConflict):
			status = http.StatusConflict
		case err != nil:
			h.fail(w, r, err)
			return
		case len(errs) == 0:
			h.rn.SetFlash(w, "success", "flash.registry_saved")
			web.Redirect(w, r, p.base+"/"+strconv.FormatInt(id, 10))
			return
		}
		// The page shows back what was typed: only the entry's clear facts
		// are read, no card is opened.
		e, ferr := h.svc.Facts(r.Context(), a, p.sc, id)
		if ferr != nil {
			h.fail(w, r, ferr)
			return
		}
		if status == http.StatusConflict {
			// Saving again deliberately replaces the other edit.
			f.Values.Set("version", strconv.Itoa(e.Version))
			f.AddError("version", "registry.entry.conflict")
		}
		addErrors(f, errs)
		h.renderEntry(w, r, p, status, e, f, nil, nil, status == http.StatusConflict)
	}
}

func (h *handlers) renew(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, rf, ok := h.rn.IDAndForm(w, r)
		if !ok {
			return
		}
		errs, err := h.svc.Renew(r.Context(), actor(r), p.sc, id, rf.Get("consent") == "yes")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(errs) == 0 {
			h.rn.SetFlash(w, "success", "flash.registry_renewed")
			web.Redirect(w, r, p.base+"/"+strconv.FormatInt(id, 10))
			return
		}
		addErrors(rf, errs)
		h.refused(w, r, p, id, rf, nil)
	}
}

func (h *handlers) withdraw(p pages) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, wf, ok := h.rn.IDAndForm(w, r)
		if !ok {
			return
		}
		if wf.Get("confirm") != "yes" {
			wf.AddError("withdraw_confirm", "registry.error.withdraw_confirm")
			h.refused(w, r, p, id, nil, wf)
			return
		}
		if err := h.svc.Withdraw(r.Context(), actor(r), p.sc, id); err != nil {
			h.fail(w, r, err)
			return
		}
		h.rn.SetFlash(w, "success", "flash.registry_withdrawn")
		web.Redirect(w, r, p.base)
	}
}

// refused shows the entry again with a refused renewal or withdrawal form
// (422); the page holds the edit form, so this is an audited read.
func (h *handlers) refused(w http.ResponseWriter, r *http.Request, p pages, id int64, rf, wf *web.Form) {
	e, err := h.svc.Get(r.Context(), actor(r), p.sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderEntry(w, r, p, http.StatusUnprocessableEntity, e, formFromEntry(e), rf, wf, false)
}
