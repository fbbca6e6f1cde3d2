package events

import (
	"context"
	"strings"
	"time"
)

// PageSize is the number of events a list page shows.
const PageSize = 20

// NearKm is the radius of the "near a district" filter, around the
// district's centroid.
const NearKm = 2.5

// Place filters of the list.
const (
	ModeOnline   = "online"
	ModeInPerson = "in_person"
)

// ListQuery selects upcoming public events (published, and cancelled ones,
// which stay listed and marked so that people who planned to come learn it).
type ListQuery struct {
	Theme    string
	District string
	Mode     string    // "", ModeOnline or ModeInPerson
	From     time.Time // events not ended at this moment
	Near     *Point    // within NearKm of this point
	Offset   int
	Limit    int
}

// ListResult is one page of the selection, its size and its count per
// district (for the map).
type ListResult struct {
	Items      []Event
	Total      int
	ByDistrict map[string]int
}

// kmPerDegLat is the length of a degree of latitude; a degree of longitude
// at Paris's latitude is kmPerDegLat×cos(48.86°). Within a city, this flat
// approximation is off by less than a metre a kilometre.
const (
	kmPerDegLat = 111.2
	kmPerDegLon = 73.1
)

func (q ListQuery) where() (string, []any) {
	conds := []string{"e.status IN (?, ?)", "e.ends_at > ?"}
	args := []any{string(Published), string(Cancelled), q.From}
	if q.Theme != "" {
		conds, args = append(conds, "e.theme = ?"), append(args, q.Theme)
	}
	if q.District != "" {
		conds, args = append(conds, "e.district_code = ?"), append(args, q.District)
	}
	switch q.Mode {
	case ModeOnline:
		conds = append(conds, "e.district_code IS NULL", "e.online_url <> ''")
	case ModeInPerson:
		conds = append(conds, "e.district_code IS NOT NULL")
	}
	if q.Near != nil {
		// A box first (indexes and cheap), then the circle.
		dLat, dLon := NearKm/kmPerDegLat, NearKm/kmPerDegLon
		conds = append(conds, "e.district_code IS NOT NULL", "e.geo_lat BETWEEN ? AND ?", "e.geo_lon BETWEEN ? AND ?",
			"((e.geo_lat - ?) * ?) * ((e.geo_lat - ?) * ?) + ((e.geo_lon - ?) * ?) * ((e.geo_lon - ?) * ?) <= ?")
		args = append(args, q.Near.Lat-dLat, q.Near.Lat+dLat, q.Near.Lon-dLon, q.Near.Lon+dLon,
			q.Near.Lat, kmPerDegLat, q.Near.Lat, kmPerDegLat, q.Near.Lon, kmPerDegLon, q.Near.Lon, kmPerDegLon, NearKm*NearKm)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List reads one page of upcoming public events, soonest first.
func (s *Store) List(ctx context.Context, q ListQuery) (ListResult, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = PageSize
	}
	if q.From.IsZero() {
		q.From = time.Now().UTC()
	}
	res := ListResult{ByDistrict: map[string]int{}}
	where, args := q.where()
	rows, err := s.db.Query(ctx, "SELECT COALESCE(e.district_code, ''), COUNT(*) FROM events e"+where+
		" GROUP BY COALESCE(e.district_code, '')", args...)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			rows.Close()
			return res, err
		}
		res.Total += n
		if code != "" {
			res.ByDistrict[code] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	if res.Total == 0 || q.Offset >= res.Total {
		return res, nil
	}
	rows, err = s.db.Query(ctx, "SELECT "+Columns+" FROM events e"+where+" ORDER BY e.starts_at, e.id LIMIT ? OFFSET ?",
		append(args, q.Limit, q.Offset)...)
	if err != nil {
		return res, err
	}
	res.Items, err = collectEvents(rows)
	return res, err
}

type eventRows interface {
	Next() bool
	Close() error
	Err() error
	scanner
}

func collectEvents(rows eventRows) ([]Event, error) {
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := ScanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MyRegistration is an event a person registered for, with their place.
type MyRegistration struct {
	Event
	RegStatus string // RegConfirmed or RegWaitlisted
	Ticket    string
}

// Registered lists the events a person is confirmed or waitlisted for:
// those not ended yet (soonest first), or, with past, the last ones ended
// (most recent first, at most limit).
func (s *Store) Registered(ctx context.Context, userID int64, now time.Time, past bool, limit int) ([]MyRegistration, error) {
	q := "SELECT " + Columns + `, r.status, r.ticket FROM event_registrations r JOIN events e ON e.id = r.event_id
		WHERE r.user_id = ? AND r.status IN (?, ?) AND e.status <> ?`
	if past {
		q += " AND e.ends_at <= ? ORDER BY e.starts_at DESC, e.id DESC LIMIT ?"
	} else {
		q += " AND e.ends_at > ? ORDER BY e.starts_at, e.id LIMIT ?"
	}
	rows, err := s.db.Query(ctx, q, userID, RegConfirmed, RegWaitlisted, string(Draft), now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MyRegistration
	for rows.Next() {
		var m MyRegistration
		ev, err := ScanEvent(extraScanner{rows, []any{&m.RegStatus, &m.Ticket}})
		if err != nil {
			return nil, err
		}
		m.Event = ev
		out = append(out, m)
	}
	return out, rows.Err()
}

// extraScanner lets ScanEvent read a row of Columns followed by more
// columns.
type extraScanner struct {
	s     scanner
	extra []any
}

func (x extraScanner) Scan(dest ...any) error { return x.s.Scan(append(dest, x.extra...)...) }

// Organised lists the events a person organises: listed as an organiser,
// or through the initiatives they run (initiativeIDs). Those not ended
// first, then the past ones, each in time order; at most limit.
func (s *Store) Organised(ctx context.Context, userID int64, initiativeIDs []int64, now time.Time, limit int) ([]Event, error) {
	cond := "e.id IN (SELECT event_id FROM event_organisers WHERE user_id = ?)"
	args := []any{userID}
	if len(initiativeIDs) > 0 {
		cond += " OR e.initiative_id IN (?" + strings.Repeat(", ?", len(initiativeIDs)-1) + ")"
		for _, id := range initiativeIDs {
			args = append(args, id)
		}
	}
	args = append(args, now, limit)
	rows, err := s.db.Query(ctx, "SELECT "+Columns+" FROM events e WHERE ("+cond+`)
		ORDER BY CASE WHEN e.ends_at > ? THEN 0 ELSE 1 END, e.starts_at, e.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	return collectEvents(rows)
}
