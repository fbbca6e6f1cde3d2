package actions

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/web"
)

type themesData struct {
	Themes  []Theme
	EditID  int64 // the theme whose form came back with errors, 0 for the new one
	Refused bool
}

func (h *handlers) renderThemes(w http.ResponseWriter, r *http.Request, status int, f *web.Form, d themesData) {
	var err error
	if d.Themes, err = h.svc.Themes(r.Context()); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if f == nil {
		f = web.NewForm(nil)
	}
	h.rn.Render(w, r, status, h.views["themes"], web.Page{Title: h.rn.T(r, "plan.actions.themes.title"), Form: f, Data: d})
}

func (h *handlers) themesPage(w http.ResponseWriter, r *http.Request) {
	h.renderThemes(w, r, http.StatusOK, nil, themesData{})
}

// saveTheme creates a theme (POST /plan/manage/themes) or renames and moves
// one (POST /plan/manage/themes/{id}).
func (h *handlers) saveTheme(w http.ResponseWriter, r *http.Request) {
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = web.PathID(r, ""); !ok {
			h.rn.Error(w, r, http.StatusNotFound, nil)
			return
		}
	}
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	_, err = h.svc.SaveTheme(r.Context(), actorOf(r), id, ThemeForm{Name: f.Get("name"), Slug: f.Get("slug"),
		Description: f.Values.Get("description"), Parent: f.Get("parent"), Version: f.Get("version")})
	if errors.Is(err, ErrConflict) {
		// The typed values come back with the current version: saving again
		// overwrites knowingly, after a look at the table above.
		current, gerr := h.svc.Theme(r.Context(), id)
		if gerr != nil {
			h.fail(w, r, gerr)
			return
		}
		f.Values.Set("version", strconv.Itoa(current.Version))
		f.AddError("version", "plan.actions.error.theme_conflict")
		h.renderThemes(w, r, http.StatusConflict, f, themesData{EditID: id})
		return
	}
	if errs := errorsOf(err); errs != nil {
		addErrors(f, errs)
		h.renderThemes(w, r, http.StatusUnprocessableEntity, f, themesData{EditID: id})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.actions.theme_saved")
	web.Redirect(w, r, "/plan/manage/themes")
}

func (h *handlers) moveTheme(w http.ResponseWriter, r *http.Request) {
	id, f, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	if err := h.svc.MoveTheme(r.Context(), actorOf(r), id, f.Get("direction") == "up"); err != nil {
		h.fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/plan/manage/themes#theme-"+strconv.FormatInt(id, 10))
}

func (h *handlers) deleteTheme(w http.ResponseWriter, r *http.Request) {
	id, _, ok := h.rn.IDAndForm(w, r)
	if !ok {
		return
	}
	err := h.svc.DeleteTheme(r.Context(), actorOf(r), id)
	if errors.Is(err, ErrThemeInUse) {
		h.renderThemes(w, r, http.StatusConflict, nil, themesData{Refused: true})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.plan.actions.theme_deleted")
	web.Redirect(w, r, "/plan/manage/themes")
}
