package auth

import (
	"errors"
	"net/http"

	"climatevolunteers/internal/web"
)

type accountData struct {
	User     User
	Sessions []Session
	Current  string // this browser's session id
	Section  string // which form the errors belong to: "email" or "password"
}

func (h *handlers) accountPage(w http.ResponseWriter, r *http.Request) {
	h.renderAccount(w, r, http.StatusOK, web.NewForm(nil), "")
}

func (h *handlers) renderAccount(w http.ResponseWriter, r *http.Request, status int, f *web.Form, section string) {
	v := web.ViewerOf(r)
	u, err := h.svc.store.UserByID(r.Context(), v.UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	sessions, err := h.svc.store.ListSessions(r.Context(), v.UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.render(w, r, status, "account", "auth.account.title", f,
		accountData{User: u, Sessions: sessions, Current: v.SessionID, Section: section})
}

func (h *handlers) changePassword(w http.ResponseWriter, r *http.Request) {
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	v := web.ViewerOf(r)
	m := h.meta(r)
	if !h.allowPasswordCheck(w, r, v.Email, h.meta(r).IPNetwork) {
		return
	}
	pw := f.Values.Get("new_password")
	if f.Values.Get("current_password") == "" {
		f.AddError("current_password", "form.error.required")
	}
	checkNewPassword(f, "new_password", pw, f.Values.Get("new_password_confirm"), v.Email)
	if f.Valid() {
		err := h.svc.ChangePassword(r.Context(), v.UserID, v.SessionID, f.Values.Get("current_password"), pw, m)
		if errors.Is(err, ErrInvalidCredentials) {
			f.AddError("current_password", "auth.account.wrong_password")
		} else if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	if !f.Valid() {
		h.renderAccount(w, r, http.StatusUnprocessableEntity, f, "password")
		return
	}
	h.rn.SetFlash(w, "success", "flash.auth_password_changed")
	web.Redirect(w, r, "/account")
}

func (h *handlers) changeEmail(w http.ResponseWriter, r *http.Request) {
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	v := web.ViewerOf(r)
	if !h.allowPasswordCheck(w, r, v.Email, h.meta(r).IPNetwork) || !h.allowMail(w, r, PurposeEmailChange, v.Email, h.meta(r).IPNetwork) {
		return
	}
	email := NormaliseEmail(f.Get("new_email"))
	if f.Required("new_email") && !ValidEmail(email) {
		f.AddError("new_email", "form.error.email")
	}
	if f.Values.Get("email_password") == "" {
		f.AddError("email_password", "form.error.required")
	}
	if f.Valid() {
		err := h.svc.RequestEmailChange(r.Context(), v.UserID, f.Values.Get("email_password"), email)
		if errors.Is(err, ErrInvalidCredentials) {
			f.AddError("email_password", "auth.account.wrong_password")
		} else if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	if !f.Valid() {
		h.renderAccount(w, r, http.StatusUnprocessableEntity, f, "email")
		return
	}
	h.rn.SetFlash(w, "info", "flash.auth_email_change_sent")
	web.Redirect(w, r, "/account")
}

func (h *handlers) confirmEmail(w http.ResponseWriter, r *http.Request) {
	f, m, ok := h.tokenForm(w, r)
	if !ok {
		return
	}
	err := h.svc.ConfirmEmailChange(r.Context(), f.Get("token"), m)
	if errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrEmailTaken) {
		h.badToken(w, r, PurposeEmailChange)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.auth_email_changed")
	web.Redirect(w, r, "/account")
}

func (h *handlers) signoutEverywhere(w http.ResponseWriter, r *http.Request) {
	v := web.ViewerOf(r)
	if err := h.svc.SignOutEverywhere(r.Context(), v.UserID, h.meta(r)); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.sess.clear(w)
	h.rn.SetFlash(w, "success", "flash.auth_signed_out_everywhere")
	web.Redirect(w, r, "/signin")
}
