package planimport

import (
	"strconv"
	"strings"
	"time"
)

// parseRow reads one record. It always returns the action, even a faulty
// one, so that later rows can still be checked against it (duplicates, parents).
func parseRow(cols, record []string, line int) (Action, []Problem) {
	a := Action{Status: StatusNotStarted, Weight: 1, Line: line}
	var problems []Problem
	bad := func(col, value string, reason Reason) {
		problems = append(problems, Problem{Line: line, Identifier: a.Identifier, Column: col, Value: value, Reason: reason})
	}
	// The identifier first, so that every problem of the row can name it.
	for i, col := range cols {
		if col == colIdentifier {
			a.Identifier = strings.TrimSpace(undefuse(record[i]))
		}
	}
	for i, col := range cols {
		v := strings.TrimSpace(undefuse(record[i]))
		switch col {
		case colTitle:
			a.Title = v
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
		case colDepartments:
			a.Departments = splitList(v)
		case colPartners:
			a.Partners = splitList(v)
		case colDescription:
			a.Description = v
		case colWeight:
			if v == "" {
				break
			}
			// Accept the French decimal comma: "0,5".
			w, err := strconv.ParseFloat(strings.Replace(v, ",", ".", 1), 64)
			if err != nil || w <= 0 {
				bad(col, v, ReasonBadWeight)
			} else {
				a.Weight = w
			}
		}
	}
	if a.Identifier == "" {
		bad(colIdentifier, "", ReasonMissingIdentifier)
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
// trailing ';' does not create a nameless department.
func splitList(v string) []string {
	var out []string
	for _, part := range strings.Split(v, ";") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
