package events

import (
	"errors"
	"html/template"
	"net/http"

	"climatevolunteers/internal/web"
)

// ticketData fills templates/ticket.html.
type ticketData struct {
	TicketView
	QR template.HTML // inline SVG; empty for a cancelled registration
}

// ticketHeaders keep a ticket out of shared caches and its address out of
// the Referer of links followed from it: the address is the credential.
func ticketHeaders(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
}

// ticketPage shows a registration's ticket to whoever holds its code.
func (h *handlers) ticketPage(w http.ResponseWriter, r *http.Request) {
	ticketHeaders(w)
	v, err := h.svc.TicketPage(r.Context(), r.PathValue("code"))
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := ticketData{TicketView: v}
	if v.Status != RegCancelled {
		if d.QR, err = qrSVG(v.URL, h.rn.T(r, "events.ticket.qr_label", v.Event.Title)); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	h.rn.Render(w, r, http.StatusOK, h.views["checkin.ticket"], web.Page{Title: h.rn.T(r, "events.ticket.title", v.Event.Title), Data: d})
}

// ticketQR is the ticket's QR code as a PNG, for mails (which show no SVG).
func (h *handlers) ticketQR(w http.ResponseWriter, r *http.Request) {
	ticketHeaders(w)
	t, err := h.svc.store.TicketByCode(r.Context(), r.PathValue("code"))
	if err == nil && t.Status == RegCancelled {
		err = ErrNotFound
	}
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	png, err := qrPNG(h.svc.TicketURL(t.Code), 320)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
}
