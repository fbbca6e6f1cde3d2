package planimport

// RollUp returns the progress of every action that has one: its own when
// set by hand, 100 when done, otherwise the weighted mean of its children's,
// recursively. Cancelled and merged children are left out of the mean: they
// will never progress and must not drag their parent down. A child with no
// progress counts 0, because nothing reported is nothing shown as done.
// Actions with neither their own progress nor counted children are absent.
func RollUp(actions []Action) map[string]float64 {
	children := map[string][]Action{}
	for _, a := range actions {
		if a.Parent != "" {
			children[a.Parent] = append(children[a.Parent], a)
		}
	}
	r := rollup{children: children, result: map[string]float64{}, visiting: map[string]bool{}, done: map[string]bool{}}
	for _, a := range actions {
		r.progress(a)
	}
	return r.result
}

type rollup struct {
	children map[string][]Action
	result   map[string]float64
	visiting map[string]bool // guards against cycles in input that did not come from ParseActions
	done     map[string]bool
}

// progress computes (once) and returns an action's progress and whether it has one.
func (r *rollup) progress(a Action) (float64, bool) {
	if r.done[a.Identifier] {
		p, ok := r.result[a.Identifier]
		return p, ok
	}
	if r.visiting[a.Identifier] {
		return 0, false
	}
	r.visiting[a.Identifier] = true
	p, ok := r.compute(a)
	r.visiting[a.Identifier] = false
	r.done[a.Identifier] = true
	if ok {
		r.result[a.Identifier] = p
	}
	return p, ok
}

func (r *rollup) compute(a Action) (float64, bool) {
	switch {
	case a.Status == StatusDone:
		return 100, true
	case a.Progress != nil:
		return float64(*a.Progress), true
	}
	var sum, weights float64
	for _, c := range r.children[a.Identifier] {
		if c.Status == StatusCancelled || c.Status == StatusMerged {
			continue
		}
		p, _ := r.progress(c) // no progress counts 0
		sum += p * c.Weight
		weights += c.Weight
	}
	if weights == 0 {
		return 0, false
	}
	return sum / weights, true
}
