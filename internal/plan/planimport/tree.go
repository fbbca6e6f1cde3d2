package planimport

import (
	"cmp"
	"slices"
)

// checkTree finds the problems that involve more than one row: duplicate
// identifiers, parents missing from the file, and parent cycles (which
// would make the roll-up of progress loop forever). A parent must be in the
// same file so that the file can be checked, and rolled up, on its own,
// without the store.
func checkTree(actions []Action) []Problem {
	var problems []Problem
	byID := map[string]Action{}
	for _, a := range actions {
		if a.Identifier == "" {
			continue // already reported as missing
		}
		if _, dup := byID[a.Identifier]; dup {
			problems = append(problems, Problem{Line: a.Line, Identifier: a.Identifier, Column: colIdentifier,
				Value: a.Identifier, Reason: ReasonDuplicateID})
			continue
		}
		byID[a.Identifier] = a
	}
	for _, a := range actions {
		if a.Parent == "" || a.Identifier == "" || byID[a.Identifier].Line != a.Line {
			continue // top-level, or a duplicate already reported
		}
		if _, ok := byID[a.Parent]; !ok {
			problems = append(problems, Problem{Line: a.Line, Identifier: a.Identifier, Column: colParent,
				Value: a.Parent, Reason: ReasonUnknownParent})
			continue
		}
		if onCycle(a.Identifier, byID) {
			problems = append(problems, Problem{Line: a.Line, Identifier: a.Identifier, Column: colParent,
				Value: a.Parent, Reason: ReasonParentCycle})
		}
	}
	return problems
}

// onCycle reports whether following parents from id comes back to id. An
// action that merely hangs below a cycle is not on it, and is not reported:
// fixing the cycle fixes it.
func onCycle(id string, byID map[string]Action) bool {
	seen := map[string]bool{}
	for cur := byID[id].Parent; cur != ""; cur = byID[cur].Parent {
		if cur == id {
			return true
		}
		if seen[cur] {
			return false // a cycle above id, not through it
		}
		seen[cur] = true
	}
	return false
}

// sortProblems puts problems in line order; the stable sort keeps the order
// of the checks within a line.
func sortProblems(problems []Problem) {
	slices.SortStableFunc(problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
}
