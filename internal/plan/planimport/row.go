package planimport

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The limits of the staff form, so that an imported action can still be
// saved from it. The form (package actions) uses the same constants.
const (
	MaxIdentifier  = 30
	MaxTitle       = 200
	MaxDescription = 10000
	MaxName        = 200 // a department or a partner
	MaxWeight      = 1000
)

// ValidIdentifier is the form's rule: short, no blank or list separator.
func ValidIdentifier(s string) bool {
	return utf8.RuneCountInString(s) <= MaxIdentifier && !strings.ContainsAny(s, " \t\r\n;,")
}

// parseRow reads one record. It always returns the action, even a faulty
// one, so that later rows can still be checked against it (duplicates, parents).
func parseRow(cols, record []string, line int) (Action, []Problem) {
	a := Action{Status: StatusNotStarted, Weight: 1, Line: line}
	var problems []Problem
	bad := func(col, value string, reason Reason) {
		problems = append(problems, Problem{Line: line, Identifier: a.Identifier, Column: col, Value: value, Reason: reason})
	}
	// Text that is not UTF-8 cannot be stored: refuse the row, cell by
	// cell, before reading anything from it.
	encoded := true
	for i, col := range cols {
		if !utf8.ValidString(record[i]) {
			bad(col, "", ReasonNotUTF8)
			encoded = false
		}
	}
	if !encoded {
		return a, problems
	}
	// The identifier first, so that every problem of the row can name it.
	for i, col := range cols {
		if col == colIdentifier {
			a.Identifier = strings.TrimSpace(undefuse(record[i]))
		}
	}
	tooLong := func(col, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			bad(col, "", ReasonTooLong)
		}
	}
	for i, col := range cols {
		v := strings.TrimSpace(undefuse(record[i]))
		switch col {
		case colTitle:
			a.Title = v
			tooLong(col, v, MaxTitle)
		case colTheme:
			a.Theme = v
		case colPhase:
			a.Phase = v
		case colParent:
			a.Parent = v
		case colStatus:
			if v == "" {
				break
			}
			s, ok := statusWords[normaliseStatus(v)]
			if !ok {
				bad(col, v, ReasonUnknownStatus)
			}
			a.Status = s
		case colStart, colEnd:
			if v == "" {
				break
			}
			d, err := time.Parse(dateLayout, v)
			if err != nil {
				bad(col, v, ReasonBadDate)
			} else if col == colStart {
				a.Start = d
			} else {
				a.End = d
			}
		case colProgress:
			if v == "" {
				break
			}
			p, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(v, "%"))) // "40 %" is common
			switch {
			case err != nil:
				bad(col, v, ReasonBadProgress)
			case p < 0 || p > 100:
				bad(col, v, ReasonProgressRange)
			default:
				a.Progress = &p
			}
		case colDepartments, colPartners:
			names := splitList(v)
			for _, n := range names {
				tooLong(col, n, MaxName)
			}
			if col == colDepartments {
				a.Departments = names
			} else {
				a.Partners = names
			}
		case colDescription:
			a.Description = v
			tooLong(col, a.Description, MaxDescription)
		case colWeight:
			if v == "" {
				break
			}
			// Accept the French decimal comma: "0,5".
			w, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil || math.IsNaN(w) || math.IsInf(w, 0) || w <= 0 || w > MaxWeight {
				bad(col, v, ReasonBadWeight)
			} else {
				a.Weight = w
			}
		}
	}
	if a.Identifier == "" {
		bad(colIdentifier, "", ReasonMissingIdentifier)
	} else if !ValidIdentifier(a.Identifier) {
		bad(colIdentifier, a.Identifier, ReasonBadIdentifier)
	}
	if a.Title == "" {
		bad(colTitle, "", ReasonMissingTitle)
	}
	if !a.Start.IsZero() && !a.End.IsZero() && a.End.Before(a.Start) {
		bad(colEnd, a.End.Format(dateLayout), ReasonEndBeforeStart)
	}
	return a, problems
}

// splitList splits "Direction A; Direction B" and drops empty entries, so a
// trailing ';' does not create a nameless department, and repeated ones,
// which an action holds once.
func splitList(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ";") {
		if part = strings.TrimSpace(part); part != "" && !slices.Contains(out, part) {
			out = append(out, part)
		}
	}
	return out
}
