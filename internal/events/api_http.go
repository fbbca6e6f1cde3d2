package events

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// The public JSON API of events: GET /api/v1/events and
// GET /api/v1/events/{id}, described in internal/api/openapi.json. It tells
// what the public page shows, never who registered.

const (
	apiEventsDefaultLimit = 20
	apiEventsMaxLimit     = 100
	apiDateLayout         = "2006-01-02"
)

// registerAPI adds the API routes.
func (h *handlers) registerAPI(r *web.Router) {
	r.HandleFunc("GET /api/v1/events", h.apiEventList)
	r.HandleFunc("GET /api/v1/events/{id}", h.apiEventGet)
}

type apiEvent struct {
	ID                   int64             `json:"id"`
	Title                string            `json:"title"`
	Summary              string            `json:"summary"`
	Description          string            `json:"description"` // Markdown source
	Theme                string            `json:"theme"`
	OwnerKind            string            `json:"owner_kind"`
	InitiativeID         *int64            `json:"initiative_id"`
	Partner              *string           `json:"partner"`
	District             *string           `json:"district"`
	Address              string            `json:"address"`
	OnlineURL            *string           `json:"online_url"`
	Point                *apiEventPoint    `json:"point"`
	StartsAt             string            `json:"starts_at"`
	EndsAt               string            `json:"ends_at"`
	TimeZone             string            `json:"time_zone"`
	Capacity             *int              `json:"capacity"`
	PlacesLeft           *int              `json:"places_left"`
	Waitlisted           int               `json:"waitlisted"`
	RegistrationOpensAt  *string           `json:"registration_opens_at"`
	RegistrationClosesAt *string           `json:"registration_closes_at"`
	RegistrationOpen     bool              `json:"registration_open"`
	Accessibility        string            `json:"accessibility"`
	Status               string            `json:"status"`
	Sessions             []apiEventSession `json:"sessions"`
	UpdatedAt            string            `json:"updated_at"`
	URL                  string            `json:"url"`
	CalendarURL          string            `json:"calendar_url"`
}

type apiEventSession struct {
	ID          int64  `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	StartsAt    string `json:"starts_at"`
	EndsAt      string `json:"ends_at"`
	Capacity    *int   `json:"capacity"`
	PlacesLeft  *int   `json:"places_left"`
	Waitlisted  int    `json:"waitlisted"`
}

type apiEventPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type apiEventPage struct {
	Events     []apiEvent `json:"events"`
	NextCursor *string    `json:"next_cursor"`
}

type apiEventError struct {
	Error string `json:"error"`
}

// apiTime writes an instant in the city's zone with its offset, to the
// second: "2027-03-28T10:00:00+02:00".
func apiTime(t time.Time) string { return t.In(Paris).Truncate(time.Second).Format(time.RFC3339) }

func apiTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := apiTime(*t)
	return &s
}

func apiNullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// apiPlaces gives a capacity and the places left; both null when there is
// no limit.
func apiPlaces(capacity, confirmed int) (*int, *int) {
	if capacity <= 0 {
		return nil, nil
	}
	c, left := capacity, max(capacity-confirmed, 0)
	return &c, &left
}

func (h *handlers) toAPIEvent(e Event, sessions []Session, now time.Time) apiEvent {
	link := h.svc.BaseURL + "/events/" + strconv.FormatInt(e.ID, 10)
	out := apiEvent{ID: e.ID, Title: e.Title, Summary: e.Summary, Description: e.Description, Theme: e.Theme,
		OwnerKind: e.OwnerKind, Partner: apiNullable(e.Partner), District: apiNullable(e.DistrictCode), Address: e.Address,
		OnlineURL: apiNullable(e.OnlineURL), StartsAt: apiTime(e.StartsAt), EndsAt: apiTime(e.EndsAt), TimeZone: icalTZID,
		Waitlisted: e.Waitlisted, RegistrationOpensAt: apiTimePtr(e.RegistrationOpensAt),
		RegistrationClosesAt: apiTimePtr(e.RegistrationClosesAt), RegistrationOpen: e.RegistrationOpen(now),
		Accessibility: e.Accessibility, Status: string(e.Status), Sessions: make([]apiEventSession, 0, len(sessions)),
		UpdatedAt: apiTime(e.UpdatedAt), URL: link, CalendarURL: link + "/event.ics"}
	if e.OwnerKind == OwnerInitiative && e.InitiativeID > 0 {
		id := e.InitiativeID
		out.InitiativeID = &id
	}
	if e.Point != nil {
		out.Point = &apiEventPoint{Lat: math.Round(e.Point.Lat*1e5) / 1e5, Lon: math.Round(e.Point.Lon*1e5) / 1e5}
	}
	out.Capacity, out.PlacesLeft = apiPlaces(e.Capacity, e.Confirmed)
	for _, s := range sessions {
		as := apiEventSession{ID: s.ID, Title: s.Title, Description: s.Description, StartsAt: apiTime(s.StartsAt),
			EndsAt: apiTime(s.EndsAt), Waitlisted: s.Waitlisted}
		as.Capacity, as.PlacesLeft = apiPlaces(s.Capacity, s.Confirmed)
		out.Sessions = append(out.Sessions, as)
	}
	return out
}

// apiEventQuery is the list's parameters, read.
type apiEventQuery struct {
	since      time.Time  // events that end after it
	before     *time.Time // and start before it
	district   string
	theme      string
	initiative int64
	after      *apiEventCursor
	limit      int
}

// apiEventCursor is the last event of a page: the list is in (starts_at,
// id) order, so the next page starts strictly after it whatever is
// published in the meantime.
type apiEventCursor struct {
	StartsAt time.Time
	ID       int64
}

func (c apiEventCursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(c.StartsAt.UTC().Format(time.RFC3339Nano) + "," + strconv.FormatInt(c.ID, 10)))
}

func decodeAPIEventCursor(s string) (*apiEventCursor, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	at, id, ok := strings.Cut(string(raw), ",")
	if !ok {
		return nil, false
	}
	t, err1 := time.Parse(time.RFC3339Nano, at)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return nil, false
	}
	return &apiEventCursor{StartsAt: t.UTC(), ID: n}, true
}

// parisDay reads a date as the start of that day in the city.
func parisDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(apiDateLayout, s, Paris)
	return t.UTC(), err == nil && t.Year() >= 2000 && t.Year() <= 9000
}

// readAPIEventQuery reads the list's parameters; the message says what is
// wrong with them, "" when nothing.
func (h *handlers) readAPIEventQuery(ctx context.Context, r *http.Request, now time.Time) (apiEventQuery, string, error) {
	v := r.URL.Query()
	q := apiEventQuery{since: now, district: v.Get("district"), theme: v.Get("theme"), limit: apiEventsDefaultLimit}
	if q.theme != "" && !slices.Contains(Themes, q.theme) {
		return q, fmt.Sprintf("unknown theme %q; use one of %s", q.theme, strings.Join(Themes, ", ")), nil
	}
	if q.district != "" {
		ds, err := h.svc.Districts.List(ctx)
		if err != nil {
			return q, "", err
		}
		if !slices.ContainsFunc(ds, func(d districts.District) bool { return d.Code == q.district }) {
			return q, fmt.Sprintf("no district has the code %q", q.district), nil
		}
	}
	if s := v.Get("from"); s != "" {
		t, ok := parisDay(s)
		if !ok {
			return q, "from must be a date YYYY-MM-DD", nil
		}
		q.since = t
	}
	if s := v.Get("to"); s != "" {
		t, ok := parisDay(s)
		if !ok {
			return q, "to must be a date YYYY-MM-DD", nil
		}
		// The whole day: up to the next midnight in Paris.
		l := t.In(Paris)
		end := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, Paris).UTC()
		if !end.After(q.since) {
			return q, "to must not be before from (or today when from is not given)", nil
		}
		q.before = &end
	}
	if s := v.Get("initiative"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return q, "initiative must be an initiative's id, a positive whole number", nil
		}
		q.initiative = n
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > apiEventsMaxLimit {
			return q, fmt.Sprintf("limit must be a whole number from 1 to %d", apiEventsMaxLimit), nil
		}
		q.limit = n
	}
	if s := v.Get("cursor"); s != "" {
		c, ok := decodeAPIEventCursor(s)
		if !ok {
			return q, "cursor is not one this API gave; start again without it", nil
		}
		q.after = c
	}
	return q, "", nil
}

// apiEvents reads one page of published events and, when there are more,
// the cursor of the next one.
func (s *Store) apiEvents(ctx context.Context, q apiEventQuery) ([]Event, *apiEventCursor, error) {
	sqlq := "SELECT " + Columns + " FROM events e WHERE e.status = ? AND e.ends_at > ?"
	args := []any{string(Published), q.since}
	if q.before != nil {
		sqlq += " AND e.starts_at < ?"
		args = append(args, *q.before)
	}
	if q.district != "" {
		sqlq += " AND e.district_code = ?"
		args = append(args, q.district)
	}
	if q.theme != "" {
		sqlq += " AND e.theme = ?"
		args = append(args, q.theme)
	}
	if q.initiative > 0 {
		sqlq += " AND e.initiative_id = ?"
		args = append(args, q.initiative)
	}
	if q.after != nil {
		sqlq += " AND (e.starts_at > ? OR (e.starts_at = ? AND e.id > ?))"
		args = append(args, q.after.StartsAt, q.after.StartsAt, q.after.ID)
	}
	sqlq += " ORDER BY e.starts_at, e.id LIMIT ?"
	rows, err := s.db.Query(ctx, sqlq, append(args, q.limit+1)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := ScanEvent(rows)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(out) > q.limit {
		out = out[:q.limit]
		last := out[len(out)-1]
		return out, &apiEventCursor{StartsAt: last.StartsAt, ID: last.ID}, nil
	}
	return out, nil, nil
}

// apiEventFail answers 500 in JSON, quoting the request id; the error goes
// to the log through the renderer, its page thrown away.
func (h *handlers) apiEventFail(w http.ResponseWriter, r *http.Request, err error) {
	h.rn.Error(apiEventDiscard{http.Header{}}, r, http.StatusInternalServerError, err)
	web.JSON(w, http.StatusInternalServerError, apiEventError{"internal error; request id " + web.RequestID(r)})
}

type apiEventDiscard struct{ h http.Header }

func (d apiEventDiscard) Header() http.Header         { return d.h }
func (d apiEventDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (d apiEventDiscard) WriteHeader(int)             {}

func (h *handlers) apiEventList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := db.Now()
	q, msg, err := h.readAPIEventQuery(ctx, r, now)
	if err != nil {
		h.apiEventFail(w, r, err)
		return
	}
	if msg != "" {
		web.JSON(w, http.StatusBadRequest, apiEventError{msg})
		return
	}
	list, next, err := h.svc.store.apiEvents(ctx, q)
	if err != nil {
		h.apiEventFail(w, r, err)
		return
	}
	ids := make([]int64, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	sessions, err := h.svc.store.sessionsOf(ctx, ids)
	if err != nil {
		h.apiEventFail(w, r, err)
		return
	}
	page := apiEventPage{Events: make([]apiEvent, 0, len(list))}
	for _, e := range list {
		page.Events = append(page.Events, h.toAPIEvent(e, sessions[e.ID], now))
	}
	if next != nil {
		c := next.encode()
		page.NextCursor = &c
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.JSON(w, http.StatusOK, page)
}

func (h *handlers) apiEventGet(w http.ResponseWriter, r *http.Request) {
	notFound := apiEventError{"no public event has the id " + r.PathValue("id")}
	id, ok := web.PathID(r, "")
	if !ok {
		web.JSON(w, http.StatusNotFound, notFound)
		return
	}
	ctx := r.Context()
	e, err := h.svc.store.Get(ctx, id)
	// Drafts are not public, whoever asks: the API has no signed-in view.
	if errors.Is(err, ErrNotFound) || (err == nil && !CanSee(e, false)) {
		web.JSON(w, http.StatusNotFound, notFound)
		return
	}
	if err != nil {
		h.apiEventFail(w, r, err)
		return
	}
	sessions, err := h.svc.store.Sessions(ctx, id)
	if err != nil {
		h.apiEventFail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	web.JSON(w, http.StatusOK, h.toAPIEvent(e, sessions, db.Now()))
}
