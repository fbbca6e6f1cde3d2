package network

import (
	"context"
	"slices"
	"strings"
	"time"

	"climatevolunteers/internal/volunteers"
)

// Member states the coordinators' list filters on.
const (
	StateActive    = "active"    // not withdrawn
	StateReady     = "ready"     // not withdrawn and trained at the current version
	StateRetrain   = "retrain"   // not withdrawn, not trained at the current version
	StateWithdrawn = "withdrawn" // withdrawn
)

// States lists the filter's states in the order the form offers them.
var States = []string{StateActive, StateReady, StateRetrain, StateWithdrawn}

// ListFilter selects members for the coordinators' list; empty fields
// match everyone.
type ListFilter struct {
	District, Language, State string
	Limit, Offset             int
}

// Valid reports whether the filter's values are ones the page offers
// (districts are checked by the database: an unknown one matches nobody).
func (f ListFilter) Valid() bool {
	return (f.Language == "" || slices.Contains(volunteers.Languages, f.Language)) &&
		(f.State == "" || slices.Contains(States, f.State)) && f.Limit >= 0 && f.Offset >= 0
}

// ListRow is a member as coordinators see them.
type ListRow struct {
	Member
	Name    string // empty when the account is suspended or gone
	Trained bool   // at the current training version
}

// DistrictCount sums the network in one district: members who have not
// withdrawn, those of them trained, and how many people the trained ones
// can call.
type DistrictCount struct {
	Code                     string
	Members, Ready, Capacity int
}

// List is a page of the coordinators' list with the network's counts.
type List struct {
	Rows       []ListRow
	Total      int // rows matching the filter
	ByDistrict map[string]DistrictCount
	Counts     DistrictCount // the whole network (Code empty)
}

// where turns the filter into SQL over solidarity_members m.
func (f ListFilter) where(version int) (string, []any) {
	conds := []string{"1 = 1"}
	var args []any
	if f.District != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM solidarity_member_districts d WHERE d.user_id = m.user_id AND d.district_code = ?)")
		args = append(args, f.District)
	}
	if f.Language != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM solidarity_member_languages l WHERE l.user_id = m.user_id AND l.lang = ?)")
		args = append(args, f.Language)
	}
	switch f.State {
	case StateActive:
		conds = append(conds, "m.withdrawn_at IS NULL")
	case StateReady:
		conds = append(conds, "m.withdrawn_at IS NULL", trainedClause)
		args = append(args, version, true)
	case StateRetrain:
		conds = append(conds, "m.withdrawn_at IS NULL", "NOT "+trainedClause)
		args = append(args, version, true)
	case StateWithdrawn:
		conds = append(conds, "m.withdrawn_at IS NOT NULL")
	}
	return strings.Join(conds, " AND "), args
}

// List reads one page of members, newest first, with the counts by
// district of the whole network.
func (s *Service) List(ctx context.Context, f ListFilter) (List, error) {
	var out List
	version := s.Training.Version
	where, args := f.where(version)
	if err := s.DB.QueryRow(ctx, "SELECT COUNT(*) FROM solidarity_members m WHERE "+where, args...).Scan(&out.Total); err != nil {
		return out, err
	}
	q := "SELECT " + memberColumns + ", " + trainedClause + " FROM solidarity_members m WHERE " + where +
		" ORDER BY m.joined_at DESC, m.user_id DESC"
	qargs := append([]any{version, true}, args...)
	if f.Limit > 0 {
		q += " LIMIT ? OFFSET ?"
		qargs = append(qargs, f.Limit, f.Offset)
	}
	rows, err := s.DB.Query(ctx, q, qargs...)
	if err != nil {
		return out, err
	}
	var ids []int64
	for rows.Next() {
		var r ListRow
		var lat, lon *float64
		var withdrawn *time.Time
		if err := rows.Scan(&r.UserID, &r.Capacity, &lat, &lon, &r.JoinedAt, &withdrawn, &r.Version, &r.Trained); err != nil {
			rows.Close()
			return out, err
		}
		r.Lat, r.Lon, r.WithdrawnAt = lat, lon, withdrawn
		out.Rows = append(out.Rows, r)
		ids = append(ids, r.UserID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return out, err
	}
	if ids == nil {
		ids = []int64{}
	}
	lists, err := memberLists(ctx, s.DB, ids)
	if err != nil {
		return out, err
	}
	contacts, err := s.Volunteers.Contacts(ctx, ids)
	if err != nil {
		return out, err
	}
	names := map[int64]string{}
	for _, c := range contacts {
		names[c.UserID] = c.Name
	}
	for i := range out.Rows {
		r := &out.Rows[i]
		r.Districts, r.Languages, r.Name = lists[r.UserID].districts, lists[r.UserID].languages, names[r.UserID]
	}
	out.ByDistrict, out.Counts, err = s.countByDistrict(ctx)
	return out, err
}

// countByDistrict counts the active members per district they cover (a
// member covering two districts counts in both) and in the whole network.
func (s *Service) countByDistrict(ctx context.Context) (map[string]DistrictCount, DistrictCount, error) {
	by := map[string]DistrictCount{}
	var total DistrictCount
	version := s.Training.Version
	rows, err := s.DB.Query(ctx, `SELECT d.district_code, COUNT(*),
		SUM(CASE WHEN `+trainedClause+` THEN 1 ELSE 0 END),
		SUM(CASE WHEN `+trainedClause+` THEN m.capacity ELSE 0 END)
		FROM solidarity_member_districts d JOIN solidarity_members m ON m.user_id = d.user_id
		WHERE m.withdrawn_at IS NULL GROUP BY d.district_code`, version, true, version, true)
	if err != nil {
		return nil, total, err
	}
	defer rows.Close()
	for rows.Next() {
		var c DistrictCount
		if err := rows.Scan(&c.Code, &c.Members, &c.Ready, &c.Capacity); err != nil {
			return nil, total, err
		}
		by[c.Code] = c
	}
	if err := rows.Err(); err != nil {
		return nil, total, err
	}
	err = s.DB.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN `+trainedClause+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+trainedClause+` THEN m.capacity ELSE 0 END), 0)
		FROM solidarity_members m WHERE m.withdrawn_at IS NULL`, version, true, version, true).
		Scan(&total.Members, &total.Ready, &total.Capacity)
	return by, total, err
}
