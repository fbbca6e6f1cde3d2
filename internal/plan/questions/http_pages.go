package questions

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

// item is a question with what lists show of it.
type item struct {
	Question
	Author  string // "" for a former member or an account without a name
	Former  bool   // the author's account is gone or suspended
	Answers []answerView
}

// answerView is an answer's current version with the earlier ones.
type answerView struct {
	Answer
	Earlier []Answer // oldest first
}

// threads groups answer versions: each current version with the versions
// it replaced.
func threads(all []Answer) []answerView {
	byID := map[int64]Answer{}
	for _, a := range all {
		byID[a.ID] = a
	}
	var out []answerView
	for _, a := range all {
		if !a.Current() {
			continue
		}
		v := answerView{Answer: a}
		for prev, ok := byID[a.SupersedesID]; ok; prev, ok = byID[prev.SupersedesID] {
			v.Earlier = append([]Answer{prev}, v.Earlier...)
		}
		out = append(out, v)
	}
	return out
}

func (h *handlers) items(r *http.Request, list []Question, answers map[int64][]Answer) ([]item, error) {
	names, err := h.svc.AuthorNames(r.Context(), list)
	if err != nil {
		return nil, err
	}
	out := make([]item, len(list))
	for i, q := range list {
		name, ok := names[q.AuthorID]
		out[i] = item{Question: q, Author: name, Former: !ok, Answers: threads(answers[q.ID])}
	}
	return out, nil
}

type actionData struct {
	Action    ActionRef
	Questions []item
	SignedIn  bool
}

// actionPage lists an action's questions with their answers and the ask form.
func (h *handlers) actionPage(w http.ResponseWriter, r *http.Request) {
	h.renderAction(w, r, http.StatusOK, web.NewForm(nil))
}

func (h *handlers) renderAction(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	a := actor(r)
	ref, list, answers, err := h.svc.ForAction(r.Context(), a, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	items, err := h.items(r, list, answers)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.Render(w, r, status, h.views["action"], web.Page{Title: h.rn.T(r, "plan.questions.action.title", ref.Identifier),
		Form: f, Data: actionData{Action: ref, Questions: items, SignedIn: a.UserID != 0}})
}

func (h *handlers) ask(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	qid, errs, err := h.svc.Ask(r.Context(), actor(r), id, AskInput{Title: f.Get("title"), Body: f.Values.Get("body")})
	var limited *RateLimitError
	if errors.As(err, &limited) {
		// The typed question comes back with the wait, rather than a bare
		// 429 page that would lose it.
		minutes := int(math.Ceil(limited.Retry.Minutes()))
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(limited.Retry.Seconds()))))
		f.AddError("title", "plan.questions.error.too_many", max(minutes, 1))
		h.renderAction(w, r, http.StatusTooManyRequests, f)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		addErrors(f, errs)
		h.renderAction(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.questions.asked")
	web.Redirect(w, r, questionPath(qid))
}

type listData struct {
	Questions  []item
	Filter     Filter
	Filters    []Filter
	Total      int
	Pagination web.Pagination
	Manage     bool
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	f := ParseFilter(r.URL.Query().Get("filter"), false)
	p := page(r)
	list, total, err := h.svc.Recent(r.Context(), f, p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderList(w, r, "list", "plan.questions.list.title", list, total, f, p,
		[]Filter{FilterAll, FilterUnanswered, FilterAnswered})
}

// manage is staff's list: unanswered first, hidden questions on demand.
func (h *handlers) manage(w http.ResponseWriter, r *http.Request) {
	f := ParseFilter(r.URL.Query().Get("filter"), true)
	p := page(r)
	list, total, err := h.svc.Manage(r.Context(), actor(r), f, p)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderList(w, r, "manage", "plan.questions.manage.title", list, total, f, p,
		[]Filter{FilterAll, FilterUnanswered, FilterAnswered, FilterHidden})
}

func (h *handlers) renderList(w http.ResponseWriter, r *http.Request, view, title string, list []Question, total int,
	f Filter, p int, filters []Filter) {
	if p > 1 && (p-1)*PageSize >= total {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	items, err := h.items(r, list, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := listData{Questions: items, Filter: f, Filters: filters, Total: total, Manage: view == "manage",
		Pagination: web.Paginate(r.URL.Path, r.URL.Query(), (p-1)*PageSize, PageSize, total)}
	h.rn.Render(w, r, http.StatusOK, h.views[view], web.Page{Title: h.rn.T(r, title), Data: d})
}
