package volunteers

import (
	"context"
	"strconv"
	"strings"
)

// DirectoryRow is a volunteer as coordinators see them: never a private
// profile, and contact details only with the sharing consent.
type DirectoryRow struct {
	UserID       int64
	DisplayName  string
	DistrictCode string
	Availability Availability
	Skills       []string
	Languages    []string
	Interests    []string
	Email        string // empty without the share_with_organisers consent
	Phone        string // same
}

// Counts are the figures at a glance for a filter: every matching volunteer
// counts, private profiles included, since a count shows nobody.
type Counts struct {
	Total      int
	ByDistrict map[string]int
	BySkill    map[string]int
}

// Count computes the figures at a glance.
func (s *Store) Count(ctx context.Context, f Filter) (Counts, error) {
	where, args := f.where()
	c := Counts{ByDistrict: map[string]int{}, BySkill: map[string]int{}}
	rows, err := s.db.Query(ctx, `SELECT COALESCE(p.district_code, ''), COUNT(*) FROM volunteer_profiles p
		JOIN users u ON u.id = p.user_id WHERE `+where+` GROUP BY p.district_code`, args...)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			rows.Close()
			return c, err
		}
		c.ByDistrict[code] = n
		c.Total += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return c, err
	}
	rows, err = s.db.Query(ctx, `SELECT k.skill_code, COUNT(*) FROM volunteer_skills k
		JOIN volunteer_profiles p ON p.user_id = k.user_id JOIN users u ON u.id = p.user_id
		WHERE `+where+` GROUP BY k.skill_code`, args...)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int
		if err := rows.Scan(&code, &n); err != nil {
			return c, err
		}
		c.BySkill[code] = n
	}
	return c, rows.Err()
}

var sharing = `EXISTS (SELECT 1 FROM consents c WHERE c.user_id = p.user_id AND c.purpose = 'share_with_organisers'
	AND c.version = ` + strconv.Itoa(PurposeVersion("share_with_organisers")) + ` AND c.withdrawn_at IS NULL)`

// Directory lists a page of community profiles matching the filter; limit 0
// means all (for the export).
func (s *Store) Directory(ctx context.Context, f Filter, limit, offset int) ([]DirectoryRow, int, error) {
	where, args := f.where()
	where += " AND p.visibility = 'community'"
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM volunteer_profiles p JOIN users u ON u.id = p.user_id WHERE "+where,
		args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := `SELECT p.user_id, p.display_name, COALESCE(p.district_code, ''), p.availability,
		CASE WHEN ` + sharing + ` THEN u.email ELSE '' END, CASE WHEN ` + sharing + ` THEN p.phone ELSE '' END
		FROM volunteer_profiles p JOIN users u ON u.id = p.user_id WHERE ` + where + ` ORDER BY p.display_name, p.user_id`
	if limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args, limit, offset)
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	var out []DirectoryRow
	index := map[int64]int{}
	for rows.Next() {
		var r DirectoryRow
		if err := rows.Scan(&r.UserID, &r.DisplayName, &r.DistrictCode, &r.Availability, &r.Email, &r.Phone); err != nil {
			rows.Close()
			return nil, 0, err
		}
		index[r.UserID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, total, err
	}
	return out, total, s.fillLists(ctx, out, index)
}

// fillLists reads the page's skills, languages and interests in three
// queries, whatever the page's length (no query per volunteer).
func (s *Store) fillLists(ctx context.Context, out []DirectoryRow, index map[int64]int) error {
	const chunk = 500 // bounded statement size, whatever the export's length
	for start := 0; start < len(out); start += chunk {
		ids := make([]any, 0, chunk)
		for _, r := range out[start:min(start+chunk, len(out))] {
			ids = append(ids, r.UserID)
		}
		if err := s.fillChunk(ctx, out, index, ids); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) fillChunk(ctx context.Context, out []DirectoryRow, index map[int64]int, ids []any) error {
	in := "(" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	for _, l := range []struct {
		table, column string
		dst           func(*DirectoryRow) *[]string
	}{
		{"volunteer_skills", "skill_code", func(r *DirectoryRow) *[]string { return &r.Skills }},
		{"volunteer_languages", "lang", func(r *DirectoryRow) *[]string { return &r.Languages }},
		{"volunteer_interests", "theme", func(r *DirectoryRow) *[]string { return &r.Interests }},
	} {
		rows, err := s.db.Query(ctx, "SELECT user_id, "+l.column+" FROM "+l.table+" WHERE user_id IN "+in+" ORDER BY "+l.column, ids...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return err
			}
			r := &out[index[id]]
			*l.dst(r) = append(*l.dst(r), v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}
