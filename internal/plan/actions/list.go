package actions

import (
	"context"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"climatevolunteers/internal/plan/planimport"
)

// Filter narrows the list of actions.
type Filter struct {
	ThemeID    int64  // with its sub-themes
	ThemeSlug  string // used when ThemeID is 0 (API)
	Status     string
	Department string
	Q          string // words of the identifier, title or description
	Flag       string // "late" or "stale"
	Offset     int
	Limit      int // 0: all
}

// Flags of the list filter.
const (
	FlagLate  = "late"
	FlagStale = "stale"
)

// List returns the actions that match f, in identifier order, and how many
// match in all.
func (s *Service) List(ctx context.Context, f Filter) ([]Action, int, error) {
	return s.list(ctx, s.deps.DB, f)
}

func (s *Service) list(ctx context.Context, q querier, f Filter) ([]Action, int, error) {
	var where []string
	var args []any
	themes, err := listThemes(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if f.ThemeID == 0 && f.ThemeSlug != "" {
		f.ThemeID = -1 // an unknown slug matches nothing
		for _, t := range themes {
			if t.Slug == f.ThemeSlug {
				f.ThemeID = t.ID
			}
		}
	}
	if f.ThemeID != 0 {
		ids := Descendants(themes, f.ThemeID)
		where = append(where, "a.theme_id IN (?"+strings.Repeat(", ?", len(ids)-1)+")")
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if f.Status != "" {
		where = append(where, "a.status = ?")
		args = append(args, f.Status)
	}
	if f.Department != "" {
		where = append(where, `EXISTS (SELECT 1 FROM plan_action_responsibles r WHERE r.action_id = a.id AND r.kind = 'department' AND r.name = ?)`)
		args = append(args, f.Department)
	}
	open := "a.status NOT IN ('done', 'cancelled', 'merged')"
	switch f.Flag {
	case FlagLate:
		where = append(where, "(a.status = 'late' OR ("+open+" AND a.ends_on < ?))")
		args = append(args, s.today())
	case FlagStale:
		where = append(where, "("+open+" AND a.updated_at < ?)")
		args = append(args, s.now().UTC().Add(-StaleAfter))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	if words := strings.Fields(fold(f.Q)); len(words) > 0 {
		return s.search(ctx, q, cond, args, words, f)
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM plan_actions a"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rest := cond + " ORDER BY a.identifier"
	if f.Limit > 0 {
		rest += " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	list, err := queryActions(ctx, q, rest, args...)
	return list, total, err
}

// search filters the actions of cond by words in Go: SQLite's LOWER and
// LIKE fold neither accents nor non-ASCII case, so "energie" and "énergie"
// both find "Énergie" only when both sides are folded the same way.
func (s *Service) search(ctx context.Context, q querier, cond string, args []any, words []string, f Filter) ([]Action, int, error) {
	rows, err := q.Query(ctx, "SELECT a.id, a.identifier, a.title, a.description FROM plan_actions a"+cond+" ORDER BY a.identifier", args...)
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		var identifier, title, description string
		if err := rows.Scan(&id, &identifier, &title, &description); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if matchesAll(fold(identifier+" "+title+" "+description), words) {
			ids = append(ids, id)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	total := len(ids)
	if f.Limit > 0 {
		lo := min(max(f.Offset, 0), len(ids))
		ids = ids[lo:min(lo+f.Limit, len(ids))]
	}
	if len(ids) == 0 {
		return nil, total, nil
	}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	list, err := queryActions(ctx, q, "WHERE a.id IN (?"+strings.Repeat(", ?", len(ids)-1)+") ORDER BY a.identifier", in...)
	return list, total, err
}

func matchesAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// ligatures are spelt out, so that "coeur" finds "cœur".
var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss")

// fold lowers s and drops its accents.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(ligatures.Replace(strings.ToLower(s))) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Departments lists every department named on an action, for the filter.
func (s *Service) Departments(ctx context.Context) ([]string, error) {
	rows, err := s.deps.DB.Query(ctx, `SELECT DISTINCT name FROM plan_action_responsibles WHERE kind = 'department' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Export returns every action as the import reads it, parents by identifier
// and themes by slug, so that the CSV export imported again changes nothing.
func (s *Service) Export(ctx context.Context) ([]planimport.Action, error) {
	list, _, err := s.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	return toImport(list), nil
}
