package network

import "slices"

// Training is a version of the built-in training: its text lives in the
// catalog (network.training.*), its quiz here. Questions and options are
// shown through the catalog keys network.quiz.<id>.question,
// network.quiz.<id>.<option> and network.quiz.<id>.why.
type Training struct {
	Version   int
	PassMark  int // right answers needed to pass
	Questions []Question
}

// Question is one multiple-choice question with a single right answer.
type Question struct {
	ID      string
	Options []string
	Answer  string
}

// Heatwave is the "heatwave check-in" training. Raise Version when the
// content or the quiz changes in substance: every member is then asked to
// pass it again before being given people to call.
var Heatwave = Training{
	Version:  1,
	PassMark: 5,
	Questions: []Question{
		{ID: "levels", Options: []string{"a", "b", "c"}, Answer: "c"},
		{ID: "risk", Options: []string{"a", "b", "c"}, Answer: "b"},
		{ID: "stroke", Options: []string{"a", "b", "c"}, Answer: "a"},
		{ID: "cool", Options: []string{"a", "b", "c"}, Answer: "c"},
		{ID: "medical", Options: []string{"a", "b", "c"}, Answer: "b"},
		{ID: "privacy", Options: []string{"a", "b", "c"}, Answer: "a"},
	},
}

// Result is a graded attempt.
type Result struct {
	Version      int
	Score, Total int
	Passed       bool
	Answers      map[string]string // the option chosen, by question
	Wrong        map[string]bool   // questions answered wrongly
	PassMark     int
}

func (t Training) question(id string) (Question, bool) {
	for _, q := range t.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// Read checks submitted answers against the quiz: ErrTampered when a field
// is not one of its questions, is sent twice, or names an option the
// question does not have (the page never sends those). It returns the
// answers and the questions left unanswered, in quiz order.
func (t Training) Read(fields map[string][]string) (map[string]string, []string, error) {
	answers := map[string]string{}
	for id, values := range fields {
		q, ok := t.question(id)
		if !ok || len(values) != 1 || !slices.Contains(q.Options, values[0]) {
			return nil, nil, ErrTampered
		}
		answers[id] = values[0]
	}
	var missing []string
	for _, q := range t.Questions {
		if _, ok := answers[q.ID]; !ok {
			missing = append(missing, q.ID)
		}
	}
	return answers, missing, nil
}

// Grade scores complete answers (read by Read).
func (t Training) Grade(answers map[string]string) Result {
	r := Result{Version: t.Version, Total: len(t.Questions), Answers: answers, Wrong: map[string]bool{}, PassMark: t.PassMark}
	for _, q := range t.Questions {
		if answers[q.ID] == q.Answer {
			r.Score++
		} else {
			r.Wrong[q.ID] = true
		}
	}
	r.Passed = r.Score >= t.PassMark
	return r
}
