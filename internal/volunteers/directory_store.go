package volunteers

import (
	"context"
	"fmt"
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

// Count computes the figures at a glance in one pass over the selected
// profiles: a count per district row, and a sum per skill bit.
func (s *Store) Count(ctx context.Context, sel Selection) (Counts, error) {
	c := Counts{ByDistrict: map[string]int{}, BySkill: map[string]int{}}
	where, args := sel.where, sel.args
	codes := make([]string, 0, len(sel.bits))
	sums := make([]string, 0, len(sel.bits))
	for code, bit := range sel.bits {
		codes = append(codes, code)
		sums = append(sums, fmt.Sprintf("SUM(CASE WHEN (p.skills_mask & %d) <> 0 THEN 1 ELSE 0 END)", int64(1)<<bit))
	}
	rows, err := s.db.Query(ctx, `SELECT COALESCE(p.district_code, ''), COUNT(*)`+prefixComma(sums)+`
		FROM volunteer_profiles p WHERE `+where+` GROUP BY p.district_code`, args...)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var district string
		var n int
		perSkill := make([]int64, len(codes))
		dst := []any{&district, &n}
		for i := range perSkill {
			dst = append(dst, &perSkill[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return c, err
		}
		c.ByDistrict[district] = n
		c.Total += n
		for i, code := range codes {
			if perSkill[i] > 0 {
				c.BySkill[code] += int(perSkill[i])
			}
		}
	}
	return c, rows.Err()
}

func prefixComma(parts []string) string {
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

// skillBits maps each skill to its bit in skills_mask.
func skillBits(ctx context.Context, q querier) (map[string]int, error) {
	return stringInts(ctx, q, "SELECT code, bit FROM skills")
}

// Selection is a filter turned into SQL, with the skill bits it was resolved
// against: made once per request, then shared by the counts and the list.
type Selection struct {
	where string
	args  []any
	bits  map[string]int
}

// Select resolves the filter's skill to its bit and builds the condition.
func (s *Store) Select(ctx context.Context, f Filter) (Selection, error) {
	bits, err := skillBits(ctx, s.db)
	if err != nil {
		return Selection{}, err
	}
	bit := -1
	if b, ok := bits[f.Skill]; ok && f.Skill != "" {
		bit = b
	}
	where, args := f.where(bit)
	return Selection{where: where, args: args, bits: bits}, nil
}

// hasConsent tests the profile's copy of its active consents.
func hasConsent(purpose string) string {
	return "(p.consents_mask & " + strconv.FormatInt(consentBit(purpose), 10) + ") <> 0"
}

// Directory lists a page of community profiles in the selection; limit 0
// means all (for the export).
func (s *Store) Directory(ctx context.Context, sel Selection, limit, offset int) ([]DirectoryRow, int, error) {
	where, args := sel.where+" AND p.visibility = 'community'", sel.args
	var total int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM volunteer_profiles p WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	// Only the page's rows are read in order (an index walk); contact details
	// and lists are then fetched for those rows alone.
	q := `SELECT p.user_id, p.display_name, COALESCE(p.district_code, ''), p.availability
		FROM volunteer_profiles p WHERE ` + where + ` ORDER BY p.display_name, p.user_id`
	if limit > 0 {
		q += " LIMIT ? OFFSET ?"
		args = append(args[:len(args):len(args)], limit, offset) // never write into sel.args
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	var out []DirectoryRow
	index := map[int64]int{}
	for rows.Next() {
		var r DirectoryRow
		if err := rows.Scan(&r.UserID, &r.DisplayName, &r.DistrictCode, &r.Availability); err != nil {
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
	rows, err := s.db.Query(ctx, `SELECT p.user_id, u.email, p.phone FROM volunteer_profiles p JOIN users u ON u.id = p.user_id
		WHERE p.user_id IN `+in+` AND `+hasConsent("share_with_organisers"), ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var email, phone string
		if err := rows.Scan(&id, &email, &phone); err != nil {
			return err
		}
		out[index[id]].Email, out[index[id]].Phone = email, phone
	}
	return rows.Err()
}
