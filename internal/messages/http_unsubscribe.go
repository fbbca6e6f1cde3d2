package messages

import (
	"net/http"

	"climatevolunteers/internal/web"
)

// unsubscribeData feeds the one template of the three outcomes.
type unsubscribeData struct {
	State string // "confirm", "done" or "invalid"
	U, T  string // carried from the link to the confirmation form
}

// unsubscribePage asks for confirmation: a GET changes nothing, because
// mail scanners and link previews open every link they see.
func (h *handlers) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	h.unsubscribeStep(w, r, q.Get("u"), q.Get("t"), false)
}

// unsubscribe withdraws the newsletter consent of the link's volunteer.
func (h *handlers) unsubscribe(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	h.unsubscribeStep(w, r, f.Values.Get("u"), f.Values.Get("t"), true)
}

func (h *handlers) unsubscribeStep(w http.ResponseWriter, r *http.Request, u, t string, apply bool) {
	// The token is a lasting credential for this one action: keep it out
	// of caches and of the Referer of any link followed from the page.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	userID, ok, err := h.svc.CheckUnsubscribe(r.Context(), u, t)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data, status, title := unsubscribeData{State: "confirm", U: u, T: t}, http.StatusOK, "messages.unsubscribe.title"
	switch {
	case !ok:
		data, status, title = unsubscribeData{State: "invalid"}, http.StatusBadRequest, "messages.unsubscribe.invalid_title"
	case apply:
		if err := h.svc.Unsubscribe(r.Context(), userID); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		data, title = unsubscribeData{State: "done"}, "messages.unsubscribe.done_title"
	}
	h.rn.Render(w, r, status, h.views["unsubscribe"], web.Page{Title: h.rn.T(r, title), Data: data})
}
