package events

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// registerCalendar adds the calendar routes: each event as .ics, the public
// feeds, the private "my events" feed and the page that gives its address.
func (h *handlers) registerCalendar(r *web.Router) {
	h.views["calendar_my"] = h.rn.MustParse(templates, "templates/calendar_my.html", "templates/calendar_feeds.html")
	h.views["calendar_error"] = h.rn.MustParse(templates, "templates/calendar_error.html", "templates/calendar_feeds.html")
	r.HandleFunc("GET /events/{id}/event.ics", h.eventICS)
	r.HandleFunc("GET /events/calendar.ics", h.feedICS)
	r.HandleFunc("GET /events/my.ics", h.myICS)
	r.Handle("GET /events/my/calendar", h.guards.User(http.HandlerFunc(h.myCalendarPage)))
	r.Handle("POST /events/my/calendar/reset", h.guards.User(http.HandlerFunc(h.resetMyCalendar)))
	// The JSON API has no hook of its own in Register: it comes with the
	// calendars, the other read-only ways out.
	h.registerAPI(r)
}

// calTexts turns events into VEVENTs in one language.
type calTexts struct {
	lang      string
	t         func(lang, key string, args ...any) string
	districts map[string]string // code -> name
	baseURL   string
	host      string
	now       time.Time
}

func (h *handlers) calTexts(r *http.Request, lang string, ds []districts.District) calTexts {
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	host := "climatevolunteers.invalid"
	if u, err := url.Parse(h.svc.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return calTexts{lang: lang, t: h.rn.Catalog().T, districts: names, baseURL: h.svc.BaseURL, host: host, now: db.Now()}
}

func (c calTexts) link(e Event) string { return c.baseURL + "/events/" + strconv.FormatInt(e.ID, 10) }

func (c calTexts) location(e Event) string {
	switch {
	case e.Address != "" && c.districts[e.DistrictCode] != "":
		return e.Address + " (" + c.districts[e.DistrictCode] + ")"
	case e.Address != "":
		return e.Address
	case c.districts[e.DistrictCode] != "":
		return c.districts[e.DistrictCode]
	}
	return e.OnlineURL
}

// description is the event's text as calendar applications show it: many
// ignore URL, so the page's address ends it.
func (c calTexts) description(e Event, intro string) string {
	var parts []string
	for _, p := range []string{intro, e.Summary, e.Description} {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	if e.Accessibility != "" {
		parts = append(parts, c.t(c.lang, "events.calendar.accessibility", e.Accessibility))
	}
	if e.OnlineURL != "" {
		parts = append(parts, c.t(c.lang, "events.calendar.online", e.OnlineURL))
	}
	parts = append(parts, c.link(e))
	return strings.Join(parts, "\n\n")
}

// items gives the VEVENTs of e: the event, then each workshop. choices,
// when not nil, keeps only the workshops chosen (a person's calendar) and
// regStatus is that person's registration.
func (c calTexts) items(e Event, sessions []Session, regStatus string, choices map[int64]string) []icalEvent {
	status := func(reg string) string {
		switch {
		case e.Status == Cancelled:
			return "CANCELLED"
		case reg == RegWaitlisted:
			return "TENTATIVE"
		}
		return "CONFIRMED"
	}
	title := func(s, reg string) string {
		if e.Status == Cancelled {
			return c.t(c.lang, "events.calendar.cancelled_prefix", s)
		}
		if reg == RegWaitlisted {
			return c.t(c.lang, "events.calendar.waitlisted_prefix", s)
		}
		return s
	}
	var geo *Point
	if e.Point != nil {
		geo = e.Point
	}
	cats := []string{c.t(c.lang, "volunteers.theme."+e.Theme)}
	out := []icalEvent{{
		UID: "event-" + strconv.FormatInt(e.ID, 10) + "@" + c.host, Stamp: c.now, Modified: e.UpdatedAt,
		Start: e.StartsAt, End: e.EndsAt, Summary: title(e.Title, regStatus), Description: c.description(e, ""),
		Location: c.location(e), Geo: geo, URL: c.link(e), Categories: cats, Status: status(regStatus), Sequence: e.Version,
	}}
	for _, s := range sessions {
		reg := regStatus
		if choices != nil {
			st, ok := choices[s.ID]
			if !ok {
				continue
			}
			reg = st
		}
		intro := c.t(c.lang, "events.calendar.workshop_of", e.Title)
		if s.Description != "" {
			intro += "\n\n" + s.Description
		}
		out = append(out, icalEvent{
			UID: "session-" + strconv.FormatInt(s.ID, 10) + "@" + c.host, Stamp: c.now, Modified: e.UpdatedAt,
			Start: s.StartsAt, End: s.EndsAt, Summary: title(s.Title+" · "+e.Title, reg),
			Description: c.description(Event{ID: e.ID, OnlineURL: e.OnlineURL, Accessibility: e.Accessibility}, intro),
			Location:    c.location(e), Geo: geo, URL: c.link(e), Categories: cats, Status: status(reg), Sequence: e.Version,
		})
	}
	return out
}

// serveICS writes cal; filename, when set, offers it as a file to save.
func (h *handlers) serveICS(w http.ResponseWriter, r *http.Request, cal icalCalendar, filename, cache string) {
	var buf bytes.Buffer
	if err := cal.write(&buf); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/calendar; charset=utf-8")
	if filename != "" {
		hd.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	hd.Set("Cache-Control", cache)
	hd.Add("Vary", "Accept-Language, Cookie")
	w.Write(buf.Bytes())
}

// eventICS is one event (and its workshops) as a file to add to a calendar.
func (h *handlers) eventICS(w http.ResponseWriter, r *http.Request) {
	e, _, ok := h.load(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	sessions, err := h.svc.store.Sessions(ctx, e.ID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	c := h.calTexts(r, web.Lang(r), ds)
	cal := icalCalendar{Name: e.Title, Events: c.items(e, sessions, "", nil)}
	cache := "public, max-age=300"
	if e.Status == Draft {
		cache = "private, no-store"
	}
	h.serveICS(w, r, cal, "event-"+strconv.FormatInt(e.ID, 10)+".ics", cache)
}

// calFeedErrorData fills templates/calendar_error.html.
type calFeedErrorData struct {
	Param, Value string
	Feeds        calFeeds
}

// calFeeds lists the public feeds, for pages that offer them.
type calFeeds struct {
	BaseURL   string
	Themes    []string
	Districts []districts.District
}

// feedICS is the public feed of upcoming events, optionally of one district
// or theme.
func (h *handlers) feedICS(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := calFilter{District: strings.TrimSpace(q.Get("district")), Theme: strings.TrimSpace(q.Get("theme"))}
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	bad := ""
	if f.Theme != "" && !slices.Contains(Themes, f.Theme) {
		bad = "theme"
	} else if f.District != "" && !slices.ContainsFunc(ds, func(d districts.District) bool { return d.Code == f.District }) {
		bad = "district"
	}
	if bad != "" {
		h.rn.Render(w, r, http.StatusBadRequest, h.views["calendar_error"], web.Page{Title: h.rn.T(r, "events.calendar.error.title"),
			Data: calFeedErrorData{Param: bad, Value: q.Get(bad), Feeds: calFeeds{BaseURL: h.svc.BaseURL, Themes: Themes, Districts: ds}}})
		return
	}
	now := db.Now()
	list, err := h.svc.store.calendarEvents(ctx, f, now.Add(-calLookback))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	ids := make([]int64, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	sessions, err := h.svc.store.sessionsOf(ctx, ids)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	lang := web.Lang(r)
	c := h.calTexts(r, lang, ds)
	cat := h.rn.Catalog()
	name := cat.T(lang, "events.calendar.feed_name")
	switch {
	case f.Theme != "" && f.District != "":
		name = cat.T(lang, "events.calendar.feed_name_both", cat.T(lang, "volunteers.theme."+f.Theme), c.districts[f.District])
	case f.Theme != "":
		name = cat.T(lang, "events.calendar.feed_name_theme", cat.T(lang, "volunteers.theme."+f.Theme))
	case f.District != "":
		name = cat.T(lang, "events.calendar.feed_name_district", c.districts[f.District])
	}
	cal := icalCalendar{Name: name, Description: cat.T(lang, "events.calendar.feed_description"), Refresh: calRefresh}
	for _, e := range list {
		cal.Events = append(cal.Events, c.items(e, sessions[e.ID], "", nil)...)
	}
	h.serveICS(w, r, cal, "", "public, max-age=300")
}

// myICS is a person's own events, found by the private token of the
// address; 404 for any token that is not a current one.
func (h *handlers) myICS(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// The address is a secret: never let it leak through a Referer.
	w.Header().Set("Referrer-Policy", "no-referrer")
	user, err := h.svc.calendarOwner(ctx, r.URL.Query().Get("token"))
	if errors.Is(err, ErrNotFound) {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	// Suspended and deleted accounts have no contact: their feed stops.
	contacts, err := h.svc.People.Contacts(ctx, []int64{user})
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if len(contacts) == 0 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	lang := contacts[0].Lang
	if lang == "" {
		lang = web.Lang(r)
	}
	entries, err := h.svc.store.myCalendar(ctx, user, db.Now().Add(-calLookback))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	c := h.calTexts(r, lang, ds)
	cat := h.rn.Catalog()
	cal := icalCalendar{Name: cat.T(lang, "events.calendar.my_name"), Description: cat.T(lang, "events.calendar.my_description"), Refresh: calRefresh}
	for _, en := range entries {
		cal.Events = append(cal.Events, c.items(en.Event, en.Sessions, en.Status, en.Choices)...)
	}
	h.serveICS(w, r, cal, "", "private, max-age=300")
}

// calMyData fills templates/calendar_my.html. URL is set only right after
// a reset: the token is not kept, so it cannot be shown again.
type calMyData struct {
	Since  *time.Time
	URL    string
	Webcal template.URL // built from the site's own address; webcal: is not a scheme templates trust
	Feeds  calFeeds
}

func (h *handlers) myCalendarPage(w http.ResponseWriter, r *http.Request) {
	h.renderMyCalendar(w, r, "")
}

func (h *handlers) renderMyCalendar(w http.ResponseWriter, r *http.Request, token string) {
	ctx := r.Context()
	a := actor(r)
	since, err := h.svc.CalendarTokenSince(ctx, a.UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := calMyData{Since: since, Feeds: calFeeds{BaseURL: h.svc.BaseURL, Themes: Themes, Districts: ds}}
	if token != "" {
		d.URL = h.svc.BaseURL + "/events/my.ics?token=" + url.QueryEscape(token)
		if rest, ok := strings.CutPrefix(d.URL, "https://"); ok {
			d.Webcal = template.URL("webcal://" + rest)
		} else if rest, ok := strings.CutPrefix(d.URL, "http://"); ok {
			d.Webcal = template.URL("webcal://" + rest)
		}
		// The page holds a secret: keep it out of caches and history.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
	}
	p := web.Page{Title: h.rn.T(r, "events.calendar.my.title"), Data: d}
	if token != "" {
		p.Flash = &web.Flash{Kind: "success", Key: "flash.events_calendar_reset"}
	}
	h.rn.Render(w, r, http.StatusOK, h.views["calendar_my"], p)
}

// resetMyCalendar makes a new private address and shows it, once.
func (h *handlers) resetMyCalendar(w http.ResponseWriter, r *http.Request) {
	token, err := h.svc.ResetCalendarToken(r.Context(), actor(r).UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.renderMyCalendar(w, r, token)
}
