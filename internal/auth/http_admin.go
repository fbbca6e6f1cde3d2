package auth

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"climatevolunteers/internal/web"
)

func (h *handlers) adminIndex(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "admin_index", "auth.admin.title", nil, nil)
}

type adminUsersData struct {
	Users      []User
	Total      int
	Filter     UserFilter
	Roles      []Role
	Me         int64
	PrevURL    string
	NextURL    string
	PageNumber int
	Back       string // this list with its filters, to come back to after an action
}

func (h *handlers) adminUsers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := UserFilter{Query: q.Get("q"), Role: q.Get("role"), Status: q.Get("status"), PerPage: 50}
	if _, err := ParseRole(f.Role); err != nil {
		f.Role = ""
	}
	if f.Status != StatusActive && f.Status != StatusSuspended {
		f.Status = ""
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	users, total, err := h.svc.store.ListUsers(r.Context(), f)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := adminUsersData{Users: users, Total: total, Filter: f, Roles: Roles, Me: web.ViewerOf(r).UserID, PageNumber: f.Page}
	page := func(n int) string {
		v := url.Values{"q": {f.Query}, "role": {f.Role}, "status": {f.Status}, "page": {strconv.Itoa(n)}}
		return "/admin/users?" + v.Encode()
	}
	data.Back = page(f.Page)
	if f.Page > 1 {
		data.PrevURL = page(f.Page - 1)
	}
	if f.Page*f.PerPage < total {
		data.NextURL = page(f.Page + 1)
	}
	h.render(w, r, http.StatusOK, "admin_users", "auth.admin.users.title", web.NewForm(q), data)
}

func (h *handlers) targetUser(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return 0, false
	}
	return id, true
}

// adminDone reports the outcome of an admin action on the list page.
func (h *handlers) adminDone(w http.ResponseWriter, r *http.Request, err error, okFlash string) {
	switch {
	case errors.Is(err, ErrSelfChange):
		h.rn.SetFlash(w, "error", "flash.auth_admin_self")
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	case err != nil:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	default:
		h.rn.SetFlash(w, "success", okFlash)
	}
	f, _ := web.ParseForm(r)
	back := "/admin/users"
	if f != nil {
		back = web.SafeLocalPath(f.Get("back"), back)
	}
	web.Redirect(w, r, back)
}

func (h *handlers) adminSetRole(w http.ResponseWriter, r *http.Request) {
	id, ok := h.targetUser(w, r)
	if !ok {
		return
	}
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	role, err := ParseRole(f.Get("role"))
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	err = h.svc.SetRole(r.Context(), web.ViewerOf(r).UserID, id, role, h.meta(r))
	h.adminDone(w, r, err, "flash.auth_admin_role_changed")
}

func (h *handlers) adminSuspend(suspend bool) http.HandlerFunc {
	flash := "flash.auth_admin_reinstated"
	if suspend {
		flash = "flash.auth_admin_suspended"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := h.targetUser(w, r)
		if !ok {
			return
		}
		err := h.svc.SetSuspended(r.Context(), web.ViewerOf(r).UserID, id, suspend, h.meta(r))
		h.adminDone(w, r, err, flash)
	}
}
