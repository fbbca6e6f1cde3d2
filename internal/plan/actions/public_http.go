package actions

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/web"
)

const pageSize = 25

type listData struct {
	Items       []Action
	Total       int
	Themes      []Theme
	Statuses    []string
	Departments []string
	Pagination  web.Pagination
	Filtered    bool
	Today       string
	Now         time.Time
	Staff       bool
}

// filterOf reads the list filters of a query, dropping unknown values
// (a stale bookmark shows everything rather than an error page).
func filterOf(r *http.Request) (Filter, *web.Form) {
	q := r.URL.Query()
	f := web.NewForm(q)
	var flt Filter
	if id, err := strconv.ParseInt(q.Get("theme"), 10, 64); err == nil && id > 0 {
		flt.ThemeID = id
	}
	if s := q.Get("status"); slices.Contains(Statuses, s) {
		flt.Status = s
	}
	flt.Department = f.Get("department")
	flt.Q = f.Get("q")
	if fl := q.Get("flag"); fl == FlagLate || fl == FlagStale {
		flt.Flag = fl
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		flt.Offset = (p - 1) * pageSize
	}
	flt.Limit = pageSize
	return flt, f
}

func (h *handlers) listData(r *http.Request, path string) (listData, *web.Form, error) {
	flt, f := filterOf(r)
	items, total, err := h.svc.List(r.Context(), flt)
	if err != nil {
		return listData{}, f, err
	}
	d := listData{Items: items, Total: total, Statuses: Statuses, Now: h.svc.now(),
		Today:    h.svc.today(),
		Filtered: flt.ThemeID != 0 || flt.Status != "" || flt.Department != "" || flt.Q != "" || flt.Flag != ""}
	if d.Themes, err = h.svc.Themes(r.Context()); err != nil {
		return d, f, err
	}
	if d.Departments, err = h.svc.Departments(r.Context()); err != nil {
		return d, f, err
	}
	d.Pagination = web.Paginate(path, r.URL.Query(), flt.Offset, pageSize, total)
	return d, f, nil
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	d, f, err := h.listData(r, "/plan/actions")
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["list"], web.Page{Title: h.rn.T(r, "plan.actions.title"), Form: f, Data: d})
}

type showData struct {
	Detail
	Today     string
	Now       time.Time
	Questions int
	Staff     bool
}

func (h *handlers) showPage(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "")
	if !ok {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	d, err := h.svc.Get(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.svc.QuestionCount(r.Context(), id)
	if err != nil {
		h.rn.LogError(r, err) // the page stands without the count
	}
	h.rn.Render(w, r, http.StatusOK, h.views["show"], web.Page{Title: d.Label(), Data: showData{Detail: d,
		Today: h.svc.today(), Now: h.svc.now(), Questions: n, Staff: isStaff(r)}})
}

// isStaff only decides whether to show a link to the staff page; the staff
// pages themselves are guarded by Guards.Staff.
func isStaff(r *http.Request) bool {
	v := web.ViewerOf(r)
	return v != nil && (v.Role == string(auth.RoleCoordinator) || v.Role == string(auth.RoleAdmin))
}
