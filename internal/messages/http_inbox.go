package messages

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

type inboxData struct {
	Items  []InboxItem
	Total  int
	Unread int
	pager
}

func (h *handlers) inboxPage(w http.ResponseWriter, r *http.Request) {
	page, offset := pageOf(r)
	items, total, unread, err := h.svc.store.Inbox(r.Context(), web.ViewerOf(r).UserID, pageSize, offset)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := inboxData{Items: items, Total: total, Unread: unread, pager: newPager("/inbox", page, total)}
	h.rn.Render(w, r, http.StatusOK, h.views["inbox"], web.Page{Title: h.rn.T(r, "messages.inbox.title"), Data: data})
}

// messagePage shows one message of the viewer's inbox and marks it read.
// Another volunteer's message is a 404, like a missing one.
func (h *handlers) messagePage(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	it, err := h.svc.store.Open(r.Context(), web.ViewerOf(r).UserID, id)
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["message"], web.Page{Title: it.Subject, Data: it})
}
