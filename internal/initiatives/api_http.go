package initiatives

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/web"
)

// API limits.
const (
	apiDefaultLimit  = 20
	apiMaxLimit      = 100
	apiDefaultRadius = 2.0 // km around ?near= when radius_km is not given
)

// apiInitiative is an initiative in the public JSON API and the GeoJSON
// export's properties. It carries what the public page shows, never who
// runs or joined it. The OpenAPI document in internal/api describes it.
type apiInitiative struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	Summary      string    `json:"summary"`
	Description  string    `json:"description"` // Markdown source
	Theme        string    `json:"theme"`
	District     *string   `json:"district"`
	Address      string    `json:"address"`
	Point        *apiPoint `json:"point"`
	StartsOn     *string   `json:"starts_on"`
	EndsOn       *string   `json:"ends_on"`
	Ongoing      bool      `json:"ongoing"`
	Contact      string    `json:"contact"`
	Links        []string  `json:"links"`
	ImageURL     *string   `json:"image_url"`
	Partner      *string   `json:"partner"`
	Status       string    `json:"status"`
	Participants int       `json:"participants"`
	Followers    int       `json:"followers"`
	PublishedAt  time.Time `json:"published_at"`
	URL          string    `json:"url"`
	// Only with ?near=: kilometres from that point.
	DistanceKm *float64 `json:"distance_km,omitempty"`
}

type apiPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

type apiError struct {
	Error string `json:"error"`
}

// apiPage is one page of the list; next_cursor is null on the last one.
type apiPage struct {
	Initiatives []apiInitiative `json:"initiatives"`
	NextCursor  *string         `json:"next_cursor"`
}

// round5 keeps positions to about a metre, which is all they mean.
func round5(v float64) float64 { return math.Round(v*1e5) / 1e5 }

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// toAPI is the public form of a visible initiative.
func toAPI(baseURL string, in Initiative) apiInitiative {
	out := apiInitiative{ID: in.ID, Title: in.Title, Summary: in.Summary, Description: in.Description, Theme: in.Theme,
		District: nullable(in.DistrictCode), Address: in.Address, StartsOn: nullable(in.StartsOn), EndsOn: nullable(in.EndsOn),
		Ongoing: in.Ongoing, Contact: in.Contact, Links: in.Links, Partner: nullable(in.Partner), Status: string(in.Status),
		Participants: in.Participants, Followers: in.Followers, PublishedAt: in.CreatedAt.UTC(),
		URL: baseURL + "/initiatives/" + strconv.FormatInt(in.ID, 10)}
	if in.PublishedAt != nil {
		out.PublishedAt = in.PublishedAt.UTC()
	}
	if out.Links == nil {
		out.Links = []string{}
	}
	if in.Point != nil {
		out.Point = &apiPoint{Lat: round5(in.Point.Lat), Lon: round5(in.Point.Lon)}
	}
	if in.Image != "" {
		u := baseURL + "/media/initiatives/" + in.Image
		out.ImageURL = &u
	}
	return out
}

// encodeCursor makes Find's cursor opaque: clients pass it back as they got
// it, and the keys of the order (publication time, id) stay free to change.
func encodeCursor(c Cursor) string {
	raw := c.PublishedAt.UTC().Format(time.RFC3339Nano) + "," + strconv.FormatInt(c.ID, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

var errCursor = errors.New("cursor is not one this API gave")

func decodeCursor(s string) (*Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errCursor
	}
	at, id, ok := strings.Cut(string(raw), ",")
	if !ok {
		return nil, errCursor
	}
	t, err1 := time.Parse(time.RFC3339Nano, at)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err1 != nil || err2 != nil || n <= 0 {
		return nil, errCursor
	}
	return &Cursor{PublishedAt: t, ID: n}, nil
}

// apiQuery reads the list's parameters; the message says what is wrong
// with them, "" when nothing.
func (h *handlers) apiQuery(r *http.Request) (Query, int, string, error) {
	v := r.URL.Query()
	f, _, bad, err := h.readFilter(r.Context(), v)
	if err != nil {
		return Query{}, 0, "", err
	}
	switch bad {
	case "theme":
		return Query{}, 0, fmt.Sprintf("unknown theme %q; use one of %s", f.Theme, strings.Join(Themes, ", ")), nil
	case "district":
		return Query{}, 0, fmt.Sprintf("no district has the code %q", f.District), nil
	}
	q := Query{Theme: f.Theme, District: f.District, Text: strings.TrimSpace(v.Get("q")), Sort: SortNewest}
	if utf8.RuneCountInString(q.Text) > MaxText {
		return q, 0, fmt.Sprintf("q is longer than %d characters", MaxText), nil
	}
	limit := apiDefaultLimit
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > apiMaxLimit {
			return q, 0, fmt.Sprintf("limit must be a whole number from 1 to %d", apiMaxLimit), nil
		}
		limit = n
	}
	if s := v.Get("near"); s != "" {
		p, ok := parseNear(s)
		if !ok {
			return q, 0, "near must be a position \"lat,lon\" in decimal degrees, for example 48.8566,2.3522", nil
		}
		q.Near, q.RadiusKm = &p, apiDefaultRadius
	}
	if s := v.Get("radius_km"); s != "" {
		km, err := strconv.ParseFloat(s, 64)
		switch {
		case q.Near == nil:
			return q, 0, "radius_km needs near", nil
		case err != nil || !(km > 0) || km > MaxRadiusKm:
			return q, 0, fmt.Sprintf("radius_km must be a number of kilometres above 0 and at most %d", MaxRadiusKm), nil
		}
		q.RadiusKm = km
	}
	if s := v.Get("cursor"); s != "" {
		c, err := decodeCursor(s)
		if err != nil {
			return q, 0, "cursor is not one this API gave; start again without it", nil
		}
		q.After = c
	}
	return q, limit, "", nil
}

func parseNear(s string) (Point, bool) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return Point{}, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180) {
		return Point{}, false
	}
	return Point{Lat: lat, Lon: lon}, true
}

// apiFail answers 500 in JSON, quoting the request id. The renderer holds
// the only logger, so the error goes through rn.Error with its page thrown
// away: the log line is the same as for any failed page.
func (h *handlers) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	h.rn.Error(apiDiscard{http.Header{}}, r, http.StatusInternalServerError, err)
	web.JSON(w, http.StatusInternalServerError, apiError{"internal error; request id " + web.RequestID(r)})
}

// apiDiscard is a ResponseWriter that drops everything.
type apiDiscard struct{ h http.Header }

func (d apiDiscard) Header() http.Header         { return d.h }
func (d apiDiscard) Write(b []byte) (int, error) { return len(b), nil }
func (d apiDiscard) WriteHeader(int)             {}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	q, limit, msg, err := h.apiQuery(r)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	if msg != "" {
		web.JSON(w, http.StatusBadRequest, apiError{msg})
		return
	}
	q.Limit = limit
	res, err := h.svc.store.Find(r.Context(), q)
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	items := res.Items
	page := apiPage{Initiatives: make([]apiInitiative, 0, len(items))}
	if res.Next != nil {
		next := encodeCursor(*res.Next)
		page.NextCursor = &next
	}
	for _, it := range items {
		a := toAPI(h.svc.BaseURL, it.Initiative)
		if q.Near != nil {
			d := math.Round(it.DistanceKm*100) / 100
			a.DistanceKm = &d
		}
		page.Initiatives = append(page.Initiatives, a)
	}
	web.JSON(w, http.StatusOK, page)
}

func (h *handlers) apiGet(w http.ResponseWriter, r *http.Request) {
	notFound := apiError{"no published initiative has the id " + r.PathValue("id")}
	id, ok := web.PathID(r, "")
	if !ok {
		web.JSON(w, http.StatusNotFound, notFound)
		return
	}
	in, err := h.svc.store.Get(r.Context(), id)
	if errors.Is(err, ErrNotFound) || (err == nil && !in.Visible()) {
		web.JSON(w, http.StatusNotFound, notFound)
		return
	}
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, toAPI(h.svc.BaseURL, in))
}
