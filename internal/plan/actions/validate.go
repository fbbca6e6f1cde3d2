package actions

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/plan/planimport"
)

// ActionForm is an action as typed in the staff form: text, checked by validate.
type ActionForm struct {
	Identifier, Title, Description string
	Theme, Parent, Weight          string // ids and a number, as text
	Status, MergedInto, Phase      string
	StartsOn, EndsOn               string // YYYY-MM-DD
	ProgressMode, Progress         string
	Departments, Partners          string // one per line or separated by ';'
}

// Input is a checked action, ready for the store.
type Input struct {
	Identifier, Title, Description string
	ThemeID, ParentID              int64
	Weight                         float64
	Status                         string
	MergedIntoID                   int64
	Phase                          string
	StartsOn, EndsOn               string
	ProgressMode                   string
	ProgressManual                 *int
	Departments, Partners          []string
}

// The form's limits are the import's (planimport), so that an imported
// action can always be saved again from the form.
const (
	maxIdentifier  = planimport.MaxIdentifier
	maxTitle       = planimport.MaxTitle
	maxDescription = planimport.MaxDescription
	maxName        = planimport.MaxName
)

// validate checks f for the action id (0 for a new one) and returns the
// input or the refused fields, each with a catalog key.
func validate(ctx context.Context, q querier, id int64, f ActionForm) (Input, []FieldError) {
	var errs []FieldError
	bad := func(field, code string, args ...any) {
		errs = append(errs, FieldError{Field: field, Key: "plan.actions.error." + code, Args: args})
	}
	in := Input{Identifier: strings.TrimSpace(f.Identifier), Title: strings.TrimSpace(f.Title),
		Description: oneNewline(f.Description), Status: f.Status, Phase: f.Phase,
		StartsOn: strings.TrimSpace(f.StartsOn), EndsOn: strings.TrimSpace(f.EndsOn), ProgressMode: f.ProgressMode,
		Departments: splitNames(f.Departments), Partners: splitNames(f.Partners), Weight: 1}
	// Text that is not UTF-8 cannot be stored (PostgreSQL refuses it): say so
	// at the field instead of failing at the write.
	for field, v := range map[string]string{"identifier": f.Identifier, "title": f.Title, "description": f.Description,
		"departments": f.Departments, "partners": f.Partners} {
		if !utf8.ValidString(v) {
			return in, []FieldError{{Field: field, Key: "plan.actions.error.encoding"}}
		}
	}

	switch {
	case in.Identifier == "":
		bad("identifier", "identifier_required")
	case !planimport.ValidIdentifier(in.Identifier):
		bad("identifier", "identifier_format", maxIdentifier)
	default:
		other, err := actionIDByIdentifier(ctx, q, in.Identifier)
		if err != nil {
			return in, []FieldError{{Field: "identifier", Key: "plan.actions.error.internal"}}
		}
		if other != 0 && other != id {
			bad("identifier", "identifier_taken")
		}
	}
	switch {
	case in.Title == "":
		bad("title", "title_required")
	case utf8.RuneCountInString(in.Title) > maxTitle:
		bad("title", "too_long", maxTitle)
	}
	if utf8.RuneCountInString(in.Description) > maxDescription {
		bad("description", "too_long", maxDescription)
	}
	if themeID, err := strconv.ParseInt(f.Theme, 10, 64); err != nil || themeID <= 0 {
		bad("theme", "theme_required")
	} else if _, err := getTheme(ctx, q, themeID); err != nil {
		bad("theme", "theme_unknown")
	} else {
		in.ThemeID = themeID
	}
	if f.Parent != "" && f.Parent != "0" {
		parent, err := strconv.ParseInt(f.Parent, 10, 64)
		switch {
		case err != nil:
			bad("parent", "parent_unknown")
		case parent == id:
			bad("parent", "parent_cycle")
		default:
			cycle, found, err := wouldCycle(ctx, q, id, parent)
			switch {
			case err != nil || !found:
				bad("parent", "parent_unknown")
			case cycle:
				bad("parent", "parent_cycle")
			default:
				in.ParentID = parent
			}
		}
	}
	if w := strings.TrimSpace(f.Weight); w != "" {
		v, err := strconv.ParseFloat(strings.Replace(w, ",", ".", 1), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 || v > planimport.MaxWeight {
			bad("weight", "weight")
		} else {
			in.Weight = v
		}
	}
	if !slices.Contains(Statuses, in.Status) {
		bad("status", "status")
	}
	if in.Status == StatusMerged {
		target, err := strconv.ParseInt(f.MergedInto, 10, 64)
		switch {
		case err != nil || target <= 0:
			bad("merged_into", "merged_required")
		case target == id:
			bad("merged_into", "merged_self")
		default:
			if _, err := getAction(ctx, q, target); err != nil {
				bad("merged_into", "merged_required")
			} else {
				in.MergedIntoID = target
			}
		}
	}
	if in.Phase != "" && !slices.Contains(Phases, in.Phase) {
		bad("phase", "phase")
	}
	for field, v := range map[string]string{"starts_on": in.StartsOn, "ends_on": in.EndsOn} {
		if v != "" {
			if _, err := time.Parse(dateLayout, v); err != nil {
				bad(field, "date")
			}
		}
	}
	if in.StartsOn != "" && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		bad("ends_on", "end_before_start")
	}
	switch in.ProgressMode {
	case ModeRollup:
	case ModeManual:
		if p := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f.Progress), "%")); p != "" {
			n, err := strconv.Atoi(p)
			switch {
			case err != nil:
				bad("progress", "progress_number")
			case n < 0 || n > 100:
				bad("progress", "progress_range")
			default:
				in.ProgressManual = &n
			}
		}
	default:
		bad("progress_mode", "progress_mode")
	}
	for _, list := range [][]string{in.Departments, in.Partners} {
		for _, n := range list {
			if utf8.RuneCountInString(n) > maxName {
				bad("departments", "too_long", maxName)
			}
		}
	}
	sortErrors(errs)
	return in, errs
}

// fieldOrder is the order of the form, so the error summary reads top down.
var fieldOrder = []string{"identifier", "title", "description", "theme", "parent", "weight", "status", "merged_into",
	"phase", "starts_on", "ends_on", "progress_mode", "progress", "departments", "partners"}

func sortErrors(errs []FieldError) {
	slices.SortStableFunc(errs, func(a, b FieldError) int {
		return slices.Index(fieldOrder, a.Field) - slices.Index(fieldOrder, b.Field)
	})
}

// wouldCycle reports whether making parent the parent of id puts id above
// itself, and whether parent exists.
func wouldCycle(ctx context.Context, q querier, id, parent int64) (cycle, found bool, err error) {
	seen := map[int64]bool{}
	for cur, first := parent, true; cur != 0; first = false {
		if cur == id && id != 0 {
			return true, true, nil
		}
		if seen[cur] {
			return false, true, nil // an older cycle above, not through id
		}
		seen[cur] = true
		var next int64
		err := q.QueryRow(ctx, "SELECT COALESCE(parent_id, 0) FROM plan_actions WHERE id = ?", cur).Scan(&next)
		if err != nil {
			if first {
				return false, false, nil
			}
			return false, true, err
		}
		cur = next
	}
	return false, true, nil
}

// oneNewline trims a typed text and turns the browser's CRLF line ends
// into "\n", as a CSV round trip does, so an export imported again changes
// nothing.
func oneNewline(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// splitNames reads a list typed one per line or separated by ';'.
func splitNames(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if part = strings.TrimSpace(part); part != "" && !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out
}
