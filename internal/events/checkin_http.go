package events

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

// registerCheckin adds tickets (public by possession of their code) and the
// organisers' check-in desk, its figures and its export.
func (h *handlers) registerCheckin(r *web.Router) {
	h.views["checkin.ticket"] = h.rn.MustParse(templates, "templates/ticket.html")
	h.views["checkin.desk"] = h.rn.MustParse(templates, "templates/checkin.html")
	user := func(f http.HandlerFunc) http.Handler { return h.guards.User(f) }
	r.HandleFunc("GET /tickets/{code}", h.ticketPage)
	r.HandleFunc("GET /tickets/{code}/qr.png", h.ticketQR)
	r.Handle("GET /events/{id}/checkin", user(h.checkinPage))
	r.Handle("POST /events/{id}/checkin", user(h.checkin))
	r.Handle("POST /events/{id}/checkin/{reg}/undo", user(h.undoCheckin))
	r.Handle("GET /events/{id}/attendance.csv", user(h.attendanceCSV))
}

// checkinData fills templates/checkin.html.
type checkinData struct {
	Event    Event
	Figures  Attendance
	Over     bool // the event has ended: the absent are no-shows
	Query    string
	Searched bool
	Results  []Attendee
	More     bool      // more people match than are listed
	Last     *Attendee // the person just checked in, refused or undone
	Back     string    // this page with the search kept, for the forms' next
}

// maxQuery bounds the name searched for.
const maxQuery = 100

func checkinPath(id int64) string { return "/events/" + strconv.FormatInt(id, 10) + "/checkin" }

// deskPath is the check-in page showing last and keeping the search q.
func deskPath(id, last int64, q string) string {
	v := url.Values{}
	if last > 0 {
		v.Set("last", strconv.FormatInt(last, 10))
	}
	if q != "" {
		v.Set("q", q)
	}
	if len(v) == 0 {
		return checkinPath(id)
	}
	return checkinPath(id) + "?" + v.Encode()
}

func cleanQuery(q string) string {
	q = strings.TrimSpace(q)
	for utf8.RuneCountInString(q) > maxQuery {
		_, size := utf8.DecodeLastRuneInString(q)
		q = q[:len(q)-size]
	}
	return q
}

func (h *handlers) checkinPage(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	var last int64
	if id, err := strconv.ParseInt(r.URL.Query().Get("last"), 10, 64); err == nil && id > 0 {
		last = id
	}
	h.renderDesk(w, r, http.StatusOK, e, web.NewForm(nil), cleanQuery(r.URL.Query().Get("q")), last)
}

// renderDesk shows the check-in page: figures, the code form f, the name
// search q and the person last handled.
func (h *handlers) renderDesk(w http.ResponseWriter, r *http.Request, status int, e Event, f *web.Form, q string, last int64) {
	ctx := r.Context()
	d := checkinData{Event: e, Over: !db.Now().Before(e.EndsAt), Query: q, Searched: q != "", Back: deskPath(e.ID, 0, q)}
	var err error
	if d.Figures, err = h.svc.store.AttendanceOf(ctx, e.ID); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if q != "" {
		if d.Results, d.More, err = h.svc.SearchAttendees(ctx, e.ID, q); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	if last > 0 {
		x, err := h.svc.Attendee(ctx, e.ID, last)
		if err != nil && !errors.Is(err, ErrNotFound) {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		if err == nil {
			d.Last = &x
		}
	}
	w.Header().Set("Cache-Control", "private, no-store")
	h.rn.Render(w, r, status, h.views["checkin.desk"], web.Page{Title: h.rn.T(r, "events.checkin.title", e.Title), Form: f, Data: d})
}

// refusal names the explanation of a refused check-in: a field error of the
// code form, and the flash shown after a button of the name search.
func refusal(err error) (field, flash string) {
	switch {
	case errors.Is(err, ErrTicketUnknown):
		return "events.checkin.error.unknown", "flash.events_checkin_unknown"
	case errors.Is(err, ErrTicketOtherEvent):
		return "events.checkin.error.other_event", "flash.events_checkin_other_event"
	case errors.Is(err, ErrTicketWaitlisted):
		return "events.checkin.error.waitlisted", "flash.events_checkin_waitlisted"
	case errors.Is(err, ErrTicketCancelled):
		return "events.checkin.error.cancelled", "flash.events_checkin_cancelled"
	case errors.Is(err, ErrCheckinClosed):
		return "events.checkin.error.closed", "flash.events_checkin_closed"
	}
	return "", ""
}

// checkin checks a person in, from a ticket code (typed, pasted or
// scanned: field code) or from the name search (field registration).
func (h *handlers) checkin(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	q := cleanQuery(f.Values.Get("q"))
	typed := f.Get("code")
	if f.Get("registration") == "" || typed != "" {
		// The code form: mistakes come back on the form, with what was typed.
		code := TicketCodeFrom(typed)
		switch {
		case typed == "":
			f.AddError("code", "events.checkin.error.code_required")
		case code == "":
			f.AddError("code", "events.checkin.error.code_invalid")
		}
		if !f.Valid() {
			h.renderDesk(w, r, http.StatusUnprocessableEntity, e, f, q, 0)
			return
		}
		res, err := h.svc.CheckIn(r.Context(), actor(r), e.ID, code, 0)
		if key, _ := refusal(err); key != "" {
			f.AddError("code", key)
			h.renderDesk(w, r, http.StatusUnprocessableEntity, e, f, q, res.RegistrationID)
			return
		}
		h.afterCheckin(w, r, e, res, err, q)
		return
	}
	reg, perr := strconv.ParseInt(f.Get("registration"), 10, 64)
	if perr != nil || reg <= 0 {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	res, err := h.svc.CheckIn(r.Context(), actor(r), e.ID, "", reg)
	if _, flash := refusal(err); flash != "" {
		h.rn.SetFlash(w, "error", flash)
		web.Redirect(w, r, deskPath(e.ID, res.RegistrationID, q))
		return
	}
	h.afterCheckin(w, r, e, res, err, q)
}

func (h *handlers) afterCheckin(w http.ResponseWriter, r *http.Request, e Event, res CheckinResult, err error, q string) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if res.Already {
		h.rn.SetFlash(w, "info", "flash.events_checkin_already")
	} else {
		h.rn.SetFlash(w, "success", "flash.events_checkin_done")
	}
	web.Redirect(w, r, deskPath(e.ID, res.RegistrationID, q))
}

// undoCheckin takes a check-in back.
func (h *handlers) undoCheckin(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	reg, err := strconv.ParseInt(r.PathValue("reg"), 10, 64)
	if err != nil || reg <= 0 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	undone, err := h.svc.UndoCheckIn(r.Context(), actor(r), e.ID, reg)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if undone {
		h.rn.SetFlash(w, "success", "flash.events_checkin_undone")
	} else {
		h.rn.SetFlash(w, "info", "flash.events_checkin_not_checked_in")
	}
	web.Redirect(w, r, deskPath(e.ID, reg, cleanQuery(f.Values.Get("q"))))
}

// attendanceCSV exports who came: names, statuses, workshops and check-in
// times in the city's zone. Never e-mail addresses.
func (h *handlers) attendanceCSV(w http.ResponseWriter, r *http.Request) {
	e, ok := h.loadManaged(w, r)
	if !ok {
		return
	}
	people, err := h.svc.Attendees(r.Context(), e.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	t := func(key string) string { return h.rn.T(r, key) }
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="event-`+strconv.FormatInt(e.ID, 10)+"-attendance-"+
		db.Now().In(Paris).Format("2006-01-02")+`.csv"`)
	hd.Set("Cache-Control", "private, no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{t("events.checkin.csv.name"), t("events.checkin.csv.status"), t("events.checkin.csv.workshops"),
		t("events.checkin.csv.checked_in_at")})
	for _, p := range people {
		name := p.Name
		if name == "" {
			name = t("events.checkin.unnamed")
		}
		var ws []string
		for _, c := range p.Workshops {
			title := c.Title
			if c.Status == RegWaitlisted {
				title += " (" + t("events.checkin.csv.workshop_waitlisted") + ")"
			}
			ws = append(ws, title)
		}
		cw.Write([]string{web.CSVCell(name), t("events.checkin.status." + p.Status), web.CSVCell(strings.Join(ws, "; ")),
			parisTime(p.CheckedInAt)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		h.svc.Log.Warn("attendance export cut short", "request_id", web.RequestID(r), "err", err)
	}
}
