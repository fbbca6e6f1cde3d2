package events

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/web/webtest"
)

type calAPIPage struct {
	Events []struct {
		ID         int64  `json:"id"`
		StartsAt   string `json:"starts_at"`
		District   *string
		Theme      string `json:"theme"`
		PlacesLeft *int   `json:"places_left"`
		Sessions   []struct {
			ID         int64  `json:"id"`
			StartsAt   string `json:"starts_at"`
			PlacesLeft *int   `json:"places_left"`
		} `json:"sessions"`
	} `json:"events"`
	NextCursor *string `json:"next_cursor"`
}

func TestEventsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := calSetup(t, d)
		site := calSite(t, s)
		now := db.Now()
		base := time.Date(now.Year()+1, 1, 10, 9, 0, 0, 0, Paris).UTC()
		var want []int64
		themes := []string{"energy", "waste", "greening"}
		for i := range 23 {
			// Three events a slot: the cursor must break ties by id.
			start := base.Add(time.Duration(i/3) * 24 * time.Hour)
			id := calEvent(t, d, calEv{Title: "E" + strconv.Itoa(i), District: strconv.Itoa(1 + i%4), Theme: themes[i%3], Start: start, Capacity: 10})
			want = append(want, id)
		}
		calEvent(t, d, calEv{Title: "draft", District: "1", Status: Draft, Start: base})
		calEvent(t, d, calEv{Title: "cancelled", District: "1", Status: Cancelled, Start: base})
		calEvent(t, d, calEv{Title: "past", District: "1", Start: now.Add(-72 * time.Hour)})
		summer := calEvent(t, d, calEv{Title: "summer", District: "11", Theme: "water", Start: time.Date(now.Year()+1, 7, 14, 10, 0, 0, 0, Paris).UTC(), Capacity: 3})
		want = append(want, summer)
		ws := calSession(t, d, summer, "atelier", time.Date(now.Year()+1, 7, 14, 10, 0, 0, 0, Paris).UTC(), time.Date(now.Year()+1, 7, 14, 11, 0, 0, 0, Paris).UTC(), 4)
		u := calUser(t, d)
		reg, _ := calRegister(t, d, summer, u, RegConfirmed, now)
		calChoose(t, d, reg, ws, RegConfirmed)

		get := func(q string, code int) (calAPIPage, string) {
			t.Helper()
			w := webtest.Do(t, site, "GET", "/api/v1/events"+q, nil)
			if w.Code != code {
				t.Fatalf("%s: %d %s", q, w.Code, w.Body.String())
			}
			var p calAPIPage
			if code == 200 {
				if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
					t.Fatal(err)
				}
			}
			return p, w.Body.String()
		}
		// Walk every page: each event once, in time order.
		var got []int64
		cursor := ""
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("too many pages")
			}
			p, _ := get("?limit=5&cursor="+url.QueryEscape(cursor), 200)
			for _, e := range p.Events {
				got = append(got, e.ID)
			}
			if p.NextCursor == nil {
				break
			}
			cursor = *p.NextCursor
		}
		if !slices.Equal(got, want) {
			t.Errorf("walk: %v, want %v", got, want)
		}
		p, _ := get("?district=11", 200)
		if len(p.Events) != 1 || p.Events[0].ID != summer || p.Events[0].PlacesLeft == nil || *p.Events[0].PlacesLeft != 2 ||
			len(p.Events[0].Sessions) != 1 || *p.Events[0].Sessions[0].PlacesLeft != 3 ||
			!strings.HasSuffix(p.Events[0].StartsAt, "T10:00:00+02:00") || !strings.HasSuffix(p.Events[0].Sessions[0].StartsAt, "+02:00") {
			t.Errorf("district 11: %+v", p)
		}
		p, _ = get("?theme=waste&limit=100", 200)
		if len(p.Events) != 8 || p.NextCursor != nil {
			t.Errorf("waste: %d events", len(p.Events))
		}
		for _, e := range p.Events {
			if e.Theme != "waste" || !strings.HasSuffix(e.StartsAt, "T09:00:00+01:00") {
				t.Errorf("waste: %+v", e)
			}
		}
		day := base.In(Paris).Format(apiDateLayout)
		p, _ = get("?from="+day+"&to="+day, 200)
		if len(p.Events) != 3 {
			t.Errorf("one day: %d events", len(p.Events))
		}
		if p, _ = get("?initiative=999", 200); len(p.Events) != 0 {
			t.Errorf("unknown initiative: %d", len(p.Events))
		}
		for q, msg := range map[string]string{"?limit=0": "limit", "?limit=101": "limit", "?theme=weather": "unknown theme",
			"?district=99": "no district", "?from=2027-13-01": "from", "?from=" + day + "&to=2000-01-01": "to must not",
			"?initiative=x": "initiative", "?cursor=bm9wZQ": "cursor"} {
			if _, body := get(q, 400); !strings.Contains(body, `"error": "`+msg) {
				t.Errorf("%s: %s", q, body)
			}
		}

		one := func(id int64, code int) string {
			w := webtest.Do(t, site, "GET", "/api/v1/events/"+strconv.FormatInt(id, 10), nil)
			if w.Code != code {
				t.Errorf("event %d: %d", id, w.Code)
			}
			return w.Body.String()
		}
		body := one(summer, 200)
		for _, want := range []string{`"time_zone": "Europe/Paris"`, `"calendar_url": "https://volontaires.example/events/` + strconv.FormatInt(summer, 10) + `/event.ics"`,
			`"capacity": 3`, `"places_left": 2`, `"status": "published"`} {
			if !strings.Contains(body, want) {
				t.Errorf("event lacks %s: %s", want, body)
			}
		}
		var draft, cancelled int64
		d.QueryRow(t.Context(), "SELECT id FROM events WHERE title = 'draft'").Scan(&draft)
		d.QueryRow(t.Context(), "SELECT id FROM events WHERE title = 'cancelled'").Scan(&cancelled)
		one(draft, 404)
		one(999999, 404)
		if !strings.Contains(one(cancelled, 200), `"status": "cancelled"`) {
			t.Errorf("cancelled event")
		}
	})
}
