package questions

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

type showData struct {
	Q               item
	SignedIn        bool
	Following       bool
	Staff           bool
	Moderator       bool
	AnswerForm      *web.Form // staff's new answer, empty
	DepartmentField departmentField
}

// departmentField feeds the "q-department" partial.
type departmentField struct {
	Form        *web.Form
	Departments []string
}

// show is a question's page: its answers, follow buttons, and the staff's
// and moderators' forms. Page.Form is the hide form's.
func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	h.renderShow(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderShow(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	a := actor(r)
	q, answers, err := h.svc.Question(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.items(r, []Question{q}, map[int64][]Answer{q.ID: answers})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := showData{Q: items[0], SignedIn: a.UserID != 0, Staff: isStaff(a), Moderator: canModerate(a)}
	if d.Following, err = h.svc.Following(r.Context(), q.ID, a.UserID); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Staff {
		deps, err := h.svc.Departments(r.Context(), q.Action.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		d.AnswerForm = web.NewForm(nil)
		d.AnswerForm.Values.Set("department", deps[0])
		d.DepartmentField = departmentField{Form: d.AnswerForm, Departments: deps}
	}
	h.rn.Render(w, r, status, h.views["show"], web.Page{Title: q.Title, Form: f, Data: d})
}

func (h *handlers) follow(w http.ResponseWriter, r *http.Request)   { h.setFollow(w, r, true) }
func (h *handlers) unfollow(w http.ResponseWriter, r *http.Request) { h.setFollow(w, r, false) }

func (h *handlers) setFollow(w http.ResponseWriter, r *http.Request, on bool) {
	id, _, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	var err error
	if on {
		err = h.svc.Follow(r.Context(), actor(r), id)
	} else {
		err = h.svc.Unfollow(r.Context(), actor(r), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	key := "flash.plan.questions.unfollowed"
	if on {
		key = "flash.plan.questions.followed"
	}
	h.rn.SetFlash(w, "success", key)
	web.Redirect(w, r, questionPath(id))
}

func (h *handlers) hide(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	errs, err := h.svc.Hide(r.Context(), actor(r), id, f.Values.Get("reason"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderShow(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.questions.hidden")
	web.Redirect(w, r, questionPath(id))
}

func (h *handlers) restore(w http.ResponseWriter, r *http.Request) {
	id, _, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	if err := h.svc.Restore(r.Context(), actor(r), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.questions.restored")
	web.Redirect(w, r, questionPath(id))
}

type answerData struct {
	Q               Question
	DepartmentField departmentField
	Editing         *Answer // the version being edited, nil for a new answer
	Conflict        bool
}

// editAnswer is the form to edit an official answer's current version.
func (h *handlers) editAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	answerID, ok2 := web.PathID(r, "answer")
	if !ok || !ok2 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	q, answers, err := h.svc.Question(r.Context(), actor(r), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range answers {
		if a.ID == answerID && a.Current() {
			f := web.NewForm(nil)
			f.Values.Set("answer", a.Body)
			f.Values.Set("department", a.Department)
			f.Values.Set("replaces", strconv.FormatInt(a.ID, 10))
			h.renderAnswer(w, r, http.StatusOK, q, &a, f, false)
			return
		}
	}
	h.rn.Error(w, r, http.StatusNotFound, nil)
}

// answer posts a new official answer or a new version of one. On a
// conflict (someone edited it first) the form comes back with the typed
// text, now editing the latest version.
func (h *handlers) answer(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	in := AnswerInput{Body: f.Values.Get("answer"), Department: f.Get("department")}
	if v := f.Get("replaces"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			h.rn.Error(w, r, http.StatusBadRequest, nil)
			return
		}
		in.Replaces = n
	}
	_, errs, err := h.svc.Answer(r.Context(), actor(r), id, in)
	if err != nil && !errors.Is(err, ErrConflict) {
		h.fail(w, r, err)
		return
	}
	if err == nil && len(errs) == 0 {
		h.rn.SetFlash(w, "success", "flash.plan.questions.answered")
		web.Redirect(w, r, questionPath(id))
		return
	}
	q, answers, qerr := h.svc.Question(r.Context(), actor(r), id)
	if qerr != nil {
		h.fail(w, r, qerr)
		return
	}
	editing, found := versionOf(answers, in.Replaces)
	if in.Replaces != 0 && !found {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	status := http.StatusUnprocessableEntity
	if err != nil {
		status = http.StatusConflict
		f.Values.Set("replaces", strconv.FormatInt(editing.ID, 10))
	}
	addErrors(f, errs)
	var ed *Answer
	if in.Replaces != 0 {
		ed = &editing
	}
	h.renderAnswer(w, r, status, q, ed, f, err != nil)
}

// versionOf finds the current version of the answer that id was a version of.
func versionOf(answers []Answer, id int64) (Answer, bool) {
	for _, v := range threads(answers) {
		if v.ID == id {
			return v.Answer, true
		}
		for _, e := range v.Earlier {
			if e.ID == id {
				return v.Answer, true
			}
		}
	}
	return Answer{}, false
}

func (h *handlers) renderAnswer(w http.ResponseWriter, r *http.Request, status int, q Question, editing *Answer, f *web.Form, conflict bool) {
	deps, err := h.svc.Departments(r.Context(), q.Action.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	title := "plan.questions.answer.title"
	if editing != nil {
		deps, title = []string{editing.Department}, "plan.questions.answer.edit_title" // an edit keeps its department
	}
	h.rn.Render(w, r, status, h.views["answer"], web.Page{Title: h.rn.T(r, title), Form: f,
		Data: answerData{Q: q, DepartmentField: departmentField{Form: f, Departments: deps}, Editing: editing, Conflict: conflict}})
}
