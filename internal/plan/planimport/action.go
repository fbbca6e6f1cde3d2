// Package planimport reads Climate Plan actions from a CSV file, checks them
// as a whole, and compares them with the actions already stored, so that an
// import can be shown as a dry run before it is applied all at once
// (issue 8). It knows nothing of the database: the store loads the existing
// actions, calls Diff, and applies the Plan in one transaction.
package planimport

import "time"

// Status is the state of an action, as shown on the public dashboard.
type Status string

// The statuses of issue 8. The string values are the stored codes and the
// English column values accepted in a CSV file.
const (
	StatusNotStarted Status = "not_started"
	StatusOnTrack    Status = "on_track"
	StatusLate       Status = "late"
	StatusDone       Status = "done"
	StatusCancelled  Status = "cancelled"
	StatusMerged     Status = "merged"
)

// Action is one row of the import file.
type Action struct {
	Identifier  string // e.g. "1.2.3"; unique within the plan
	Title       string
	Theme       string // identifier of a theme; themes are not checked here
	Status      Status // StatusNotStarted when the cell is empty
	Phase       string
	Start       time.Time // zero when not set
	End         time.Time // zero when not set
	Progress    *int      // 0–100; nil when not set by hand
	Departments []string  // responsible City departments, in file order
	Partners    []string  // partners (agencies, companies, associations), in file order
	Description string
	Parent      string  // identifier of the parent action; empty for a top-level action
	Weight      float64 // share in the parent's rolled-up progress; 1 when not set
	Line        int     // line of the row in the file, for messages; 0 for stored actions
}

// dateLayout is the only date format accepted: unambiguous in French and English.
const dateLayout = "2006-01-02"
