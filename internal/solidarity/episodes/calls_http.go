package episodes

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/web"
)

// "My calls": a volunteer's people, one page per person with the outcome
// form.

// callItem is a person's card on a page.
type callItem struct {
	CallCard
	Tel   template.URL
	Phone string // as people read it
}

func newCallItem(c CallCard) callItem {
	it := callItem{CallCard: c}
	if c.Card != nil {
		it.Tel, it.Phone = telURL(c.Card.Phone), displayPhone(c.Card.Phone)
	}
	return it
}

// scriptFor says which advice the call script gives.
type scriptFor struct{ Heat, Flood bool }

func (s *scriptFor) add(h alerts.Hazard) {
	s.Heat = s.Heat || h == alerts.Heat
	s.Flood = s.Flood || h == alerts.Flood
}

type callsPage struct {
	Items     []callItem
	Script    scriptFor
	NotMember bool // no longer an available member: nothing shown
	HandedOn  bool // a call was sent for a person handed to someone else
}

func (h *handlers) myCalls(w http.ResponseWriter, r *http.Request) {
	h.renderCalls(w, r, http.StatusOK, false)
}

func (h *handlers) renderCalls(w http.ResponseWriter, r *http.Request, status int, handedOn bool) {
	cards, err := h.svc.MyCalls(r.Context(), actor(r))
	if err != nil && !errors.Is(err, ErrNotMember) {
		h.fail(w, r, err)
		return
	}
	d := callsPage{NotMember: err != nil, HandedOn: handedOn}
	for _, c := range cards {
		d.Items = append(d.Items, newCallItem(c))
		d.Script.add(c.Hazard)
	}
	noStore(w)
	h.rn.Render(w, r, status, h.views["calls"], web.Page{Title: h.rn.T(r, "episodes.calls.title"), Data: d})
}

type callPage struct {
	Item     callItem
	Calls    []Call
	Outcomes []string
	Script   scriptFor
	Conflict bool
}

// callPage shows one person; anything but the volunteer's own active
// assignment is a 404 (and an audit entry, written by the service).
func (h *handlers) callPage(w http.ResponseWriter, r *http.Request) {
	h.renderCall(w, r, http.StatusOK, web.NewForm(nil), false)
}

func (h *handlers) renderCall(w http.ResponseWriter, r *http.Request, status int, f *web.Form, conflict bool) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	c, calls, err := h.svc.OpenCall(r.Context(), actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := callPage{Item: newCallItem(c), Calls: calls, Outcomes: Outcomes, Conflict: conflict}
	d.Script.add(c.Hazard)
	noStore(w)
	h.rn.Render(w, r, status, h.views["call"], web.Page{Title: h.rn.T(r, "episodes.call.title"), Form: f, Data: d})
}

// recordCall records an outcome: refused input comes back on the page
// (422), a form read before another submission gets the page as it is now
// with what was typed (409), a form for a person handed to someone else
// since gets the volunteer's list saying so (409).
func (h *handlers) recordCall(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(f.Get("version"))
	in := CallInput{Outcome: f.Get("outcome"), Help: f.Values.Get("help"), Version: version}
	errs, err := h.svc.RecordCall(r.Context(), actor(r), id, in)
	switch {
	case errors.Is(err, ErrHandedOn):
		h.renderCalls(w, r, http.StatusConflict, true)
	case errors.Is(err, ErrConflict):
		h.renderCall(w, r, http.StatusConflict, f, true)
	case err != nil:
		h.fail(w, r, err)
	case len(errs) > 0:
		addErrors(f, errs)
		h.renderCall(w, r, http.StatusUnprocessableEntity, f, false)
	default:
		key := "flash.episodes_call_recorded"
		if in.Outcome == OutcomeNeedsHelp {
			key = "flash.episodes_call_escalated"
		}
		h.rn.SetFlash(w, "success", key)
		web.Redirect(w, r, "/my/calls")
	}
}
