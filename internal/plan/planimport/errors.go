package planimport

import (
	"fmt"
	"strings"
)

// Reason is a stable code for one problem, so that the web page can show a
// translated message and the tests do not depend on wording.
type Reason string

// Reasons a file or a row is refused.
const (
	ReasonEmptyFile         Reason = "empty_file"
	ReasonMalformedCSV      Reason = "malformed_csv"
	ReasonUnknownColumn     Reason = "unknown_column"
	ReasonDuplicateColumn   Reason = "duplicate_column"
	ReasonMissingColumn     Reason = "missing_column"
	ReasonFieldCount        Reason = "wrong_field_count"
	ReasonMissingIdentifier Reason = "missing_identifier"
	ReasonMissingTitle      Reason = "missing_title"
	ReasonUnknownStatus     Reason = "unknown_status"
	ReasonBadProgress       Reason = "bad_progress" // not a whole number
	ReasonProgressRange     Reason = "progress_out_of_range"
	ReasonBadDate           Reason = "bad_date"
	ReasonEndBeforeStart    Reason = "end_before_start"
	ReasonBadWeight         Reason = "bad_weight"
	ReasonDuplicateID       Reason = "duplicate_identifier"
	ReasonUnknownParent     Reason = "unknown_parent"
	ReasonParentCycle       Reason = "parent_cycle"
	ReasonBadIdentifier     Reason = "bad_identifier" // too long, or a space or separator in it
	ReasonTooLong           Reason = "too_long"       // longer than the staff form accepts
	ReasonNotUTF8           Reason = "not_utf8"       // e.g. a Latin-1 export: re-save as UTF-8
	ReasonFileTooLarge      Reason = "file_too_large" // over MaxFileSize
)

// Problem is one refusal, tied to the line of the file where it was found
// (line 1 is the header).
type Problem struct {
	Line       int
	Identifier string // the row's identifier, when it has one
	Column     string // the canonical column name, when one column is at fault
	Value      string // the offending value, as written in the file
	Reason     Reason
}

func (p Problem) String() string {
	s := fmt.Sprintf("line %d: %s", p.Line, p.Reason)
	if p.Column != "" {
		s += fmt.Sprintf(" in column %s", p.Column)
	}
	if p.Value != "" {
		s += fmt.Sprintf(" (%q)", p.Value)
	}
	return s
}

// ImportError lists every problem of a refused file, in line order, so that
// a person can fix them all in one pass instead of one upload per mistake.
type ImportError struct {
	Problems []Problem
}

func (e *ImportError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("plan import refused, %d problem(s): %s", len(e.Problems), strings.Join(lines, "; "))
}
