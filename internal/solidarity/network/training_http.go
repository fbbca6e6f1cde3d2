package network

import (
	"net/http"
	"net/url"
	"strconv"

	"climatevolunteers/internal/web"
)

// trainingData feeds templates/training.html.
type trainingData struct {
	Status    Status
	Version   int
	PassMark  int
	Total     int
	Questions []quizQuestion
	Result    *Result // a failed attempt, shown with the wrong answers
}

type quizQuestion struct {
	N       int
	ID      string
	Options []quizOption
	Wrong   bool
}

type quizOption struct {
	ID      string
	Checked bool
}

func (h *handlers) renderTraining(w http.ResponseWriter, r *http.Request, status int, answers map[string]string, res *Result, f *web.Form) {
	st, err := h.svc.Status(r.Context(), viewerID(r))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	t := h.svc.Training
	d := trainingData{Status: st, Version: t.Version, PassMark: t.PassMark, Total: len(t.Questions), Result: res}
	for i, q := range t.Questions {
		qq := quizQuestion{N: i + 1, ID: q.ID, Wrong: res != nil && res.Wrong[q.ID]}
		for _, o := range q.Options {
			qq.Options = append(qq.Options, quizOption{ID: o, Checked: answers[q.ID] == o})
		}
		d.Questions = append(d.Questions, qq)
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.rn.Render(w, r, status, h.views["training"], web.Page{Title: h.rn.T(r, "network.training.title"), Form: f, Data: d})
}

func (h *handlers) trainingPage(w http.ResponseWriter, r *http.Request) {
	h.renderTraining(w, r, http.StatusOK, nil, nil, nil)
}

// submitQuiz grades the quiz: a pass leads to the network page, a failure
// shows the wrong answers with their explanations and the quiz again.
func (h *handlers) submitQuiz(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	fields := url.Values{}
	for k, v := range f.Values {
		fields[k] = v
	}
	versions := fields["version"]
	delete(fields, "version")
	version, err := 0, error(nil)
	if len(versions) == 1 {
		version, err = strconv.Atoi(versions[0])
	}
	if len(versions) != 1 || err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	res, errs, err := h.svc.SubmitQuiz(r.Context(), viewerID(r), version, fields)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderTraining(w, r, http.StatusUnprocessableEntity, res.Answers, nil, f)
		return
	}
	if res.Passed {
		h.rn.SetFlash(w, "success", "flash.network_training_passed")
		web.Redirect(w, r, "/solidarity/network")
		return
	}
	h.renderTraining(w, r, http.StatusOK, res.Answers, &res, nil)
}
