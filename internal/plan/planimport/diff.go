package planimport

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Change is one field that an import would change, with both values as
// they would be shown on the dry-run page and in the history timeline.
type Change struct {
	Field string // canonical column name
	Old   string
	New   string
}

// Update is an existing action that the import would change.
type Update struct {
	Identifier string
	Changes    []Change
}

// Plan is what an import would do, for the dry run and then for applying it.
//
// Actions stored but absent from the file are left alone, and are not listed:
// a department may upload only its own actions, and a deletion must be a
// deliberate act in the interface, never the side effect of a shorter file.
type Plan struct {
	// Create is in identifier order, which puts a parent before its children
	// only when identifiers follow the tree: the store should insert them all
	// before linking parents.
	Create    []Action // in the file, not stored
	Update    []Update // in both, with at least one changed field
	Unchanged []string // identifiers in both with no change
}

// Diff compares the stored actions with the parsed file. Every list is in
// identifier order (1.2 before 1.10), so two dry runs of the same file read alike.
func Diff(existing, incoming []Action) Plan {
	stored := make(map[string]Action, len(existing))
	for _, a := range existing {
		stored[a.Identifier] = a
	}
	incoming = slices.Clone(incoming)
	slices.SortStableFunc(incoming, func(a, b Action) int { return CompareIdentifiers(a.Identifier, b.Identifier) })

	var p Plan
	for _, in := range incoming {
		old, ok := stored[in.Identifier]
		if !ok {
			p.Create = append(p.Create, in)
			continue
		}
		if changes := changedFields(old, in); len(changes) > 0 {
			p.Update = append(p.Update, Update{Identifier: in.Identifier, Changes: changes})
		} else {
			p.Unchanged = append(p.Unchanged, in.Identifier)
		}
	}
	return p
}

// changedFields lists the fields that differ, in column order.
func changedFields(old, in Action) []Change {
	var changes []Change
	o, n := fieldValues(old), fieldValues(in)
	for i := range o {
		if o[i].value != n[i].value {
			changes = append(changes, Change{Field: o[i].name, Old: o[i].value, New: n[i].value})
		}
	}
	return changes
}

type fieldValue struct{ name, value string }

// fieldValues renders the comparable fields as text: the same form serves
// the comparison and the display, so what is shown as changed really is.
// The identifier is the key, and Line only says where the row was read.
func fieldValues(a Action) []fieldValue {
	date := func(d time.Time) string {
		if d.IsZero() {
			return ""
		}
		return d.Format(dateLayout)
	}
	progress := ""
	if a.Progress != nil {
		progress = strconv.Itoa(*a.Progress)
	}
	return []fieldValue{
		{colTitle, a.Title},
		{colTheme, a.Theme},
		{colStatus, string(a.Status)},
		{colPhase, a.Phase},
		{colStart, date(a.Start)},
		{colEnd, date(a.End)},
		{colProgress, progress},
		{colDepartments, strings.Join(a.Departments, "; ")},
		{colParent, a.Parent},
		{colWeight, strconv.FormatFloat(a.Weight, 'g', -1, 64)},
		{colPartners, strings.Join(a.Partners, "; ")},
		{colDescription, a.Description},
	}
}

// CompareIdentifiers orders identifiers part by part, numerically where both
// parts are numbers: "1.2" < "1.10" < "2". It is exported so that the
// dashboard lists actions in the same order as the dry run.
func CompareIdentifiers(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		var c int
		if errA == nil && errB == nil {
			c = na - nb
		} else {
			c = strings.Compare(pa[i], pb[i])
		}
		if c != 0 {
			return sign(c)
		}
	}
	return sign(len(pa) - len(pb))
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
