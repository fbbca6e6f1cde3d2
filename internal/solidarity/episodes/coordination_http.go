package episodes

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// The coordinators' pages: open episodes and call intervals, escalations
// waiting and people nobody calls, one escalation with its reassignment
// and closing forms.

type overviewPage struct {
	Overview
	Names    map[string]string // district names by code
	Levels   []int
	Conflict bool
}

func (h *handlers) overview(w http.ResponseWriter, r *http.Request) {
	h.renderOverview(w, r, http.StatusOK, nil, false)
}

// renderOverview shows the page; f is the intervals form, nil to fill it
// from the current values.
func (h *handlers) renderOverview(w http.ResponseWriter, r *http.Request, status int, f *web.Form, conflict bool) {
	o, err := h.svc.Overview(r.Context(), actor(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.svc.districtNames(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if f == nil || conflict {
		fresh := web.NewForm(nil)
		for _, level := range Levels {
			if f != nil {
				fresh.Values.Set(HoursField(level), f.Get(HoursField(level)))
			} else {
				fresh.Values.Set(HoursField(level), strconv.Itoa(o.Hours[level]))
			}
		}
		f = fresh
	}
	d := overviewPage{Overview: o, Names: names, Levels: Levels, Conflict: conflict}
	h.rn.Render(w, r, status, h.views["overview"], web.Page{Title: h.rn.T(r, "episodes.coord.title"), Form: f, Data: d})
}

func (h *handlers) setIntervals(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	in := IntervalsInput{Hours: map[int]string{}, Was: map[int]int{}}
	for _, level := range Levels {
		in.Hours[level] = f.Get(HoursField(level))
		in.Was[level], _ = strconv.Atoi(f.Get("was" + strconv.Itoa(level)))
	}
	errs, err := h.svc.SetIntervals(r.Context(), actor(r), in)
	switch {
	case errors.Is(err, ErrConflict):
		h.renderOverview(w, r, http.StatusConflict, f, true)
	case err != nil:
		h.fail(w, r, err)
	case len(errs) > 0:
		addErrors(f, errs)
		h.renderOverview(w, r, http.StatusUnprocessableEntity, f, false)
	default:
		h.rn.SetFlash(w, "success", "flash.episodes_intervals_saved")
		web.Redirect(w, r, "/coordination/solidarity")
	}
}

func (h *handlers) endEpisode(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err := h.svc.EndEpisode(r.Context(), actor(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.episodes_episode_ended")
	web.Redirect(w, r, "/coordination/solidarity")
}

// pageSize is the rows of one page of escalations; pages past maxPage
// are read as maxPage (still empty), so that the offset never overflows.
const (
	pageSize = 50
	maxPage  = math.MaxInt32 / pageSize
)

type waitingPage struct {
	Unmatched bool
	Rows      []Escalation
	Total     int
	Names     map[string]string
	Pages     web.Pagination
}

func (h *handlers) waiting(unmatched bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		offset := (min(max(page, 1), maxPage) - 1) * pageSize
		rows, total, err := h.svc.Waiting(r.Context(), actor(r), unmatched, pageSize, offset)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		names, err := h.svc.districtNames(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d := waitingPage{Unmatched: unmatched, Rows: rows, Total: total, Names: names,
			Pages: web.Paginate(r.URL.Path, r.URL.Query(), offset, pageSize, total)}
		title := "episodes.esc.title"
		if unmatched {
			title = "episodes.esc.unmatched_title"
		}
		h.rn.Render(w, r, http.StatusOK, h.views["escalations"], web.Page{Title: h.rn.T(r, title), Data: d})
	}
}

type escalationPage struct {
	View          EscalationView
	Item          callItem
	District      string
	VolunteerName string
	Conflict      bool
}

func (h *handlers) escalation(w http.ResponseWriter, r *http.Request) {
	h.renderEscalation(w, r, http.StatusOK, web.NewForm(nil), false)
}

func (h *handlers) renderEscalation(w http.ResponseWriter, r *http.Request, status int, f *web.Form, conflict bool) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	ctx := r.Context()
	v, err := h.svc.OpenEscalation(ctx, actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := escalationPage{View: v, Conflict: conflict,
		Item: newCallItem(CallCard{Assignment: v.Assignment, Card: v.Card})}
	if v.Card != nil && v.Assignment.Active {
		if d.Item.Places, err = h.svc.nearestPlaces(ctx, *v.Card, v.Hazard, h.svc.now()); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	if d.District, err = h.svc.districtName(ctx, v.District); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Assignment.VolunteerID != 0 {
		nd, err := h.svc.contactsOf(ctx, []int64{v.Assignment.VolunteerID})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.VolunteerName = nd.contacts[v.Assignment.VolunteerID].Name
	}
	noStore(w)
	h.rn.Render(w, r, status, h.views["escalation"], web.Page{Title: h.rn.T(r, "episodes.esc.detail_title"), Form: f, Data: d})
}

func (h *handlers) reassign(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	volunteer, _ := strconv.ParseInt(f.Get("volunteer"), 10, 64)
	errs, err := h.svc.Reassign(r.Context(), actor(r), id, volunteer)
	h.afterEscalationForm(w, r, f, errs, err, "flash.episodes_reassigned")
}

func (h *handlers) closeEscalation(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	errs, err := h.svc.CloseEscalation(r.Context(), actor(r), id, f.Values.Get("note"))
	h.afterEscalationForm(w, r, f, errs, err, "flash.episodes_escalation_closed")
}

// afterEscalationForm ends both escalation forms: 409 with the escalation
// as it is now, 422 with the refused input, or back to the list.
func (h *handlers) afterEscalationForm(w http.ResponseWriter, r *http.Request, f *web.Form, errs []FieldError, err error, flash string) {
	switch {
	case errors.Is(err, ErrConflict):
		h.renderEscalation(w, r, http.StatusConflict, f, true)
	case err != nil:
		h.fail(w, r, err)
	case len(errs) > 0:
		addErrors(f, errs)
		h.renderEscalation(w, r, http.StatusUnprocessableEntity, f, false)
	default:
		h.rn.SetFlash(w, "success", flash)
		web.Redirect(w, r, "/coordination/solidarity/escalations")
	}
}
