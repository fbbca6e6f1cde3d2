package auth

import (
	"errors"
	"net/http"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

type signinData struct {
	Next        string
	NotVerified bool // offer to resend the verification mail
}

func (h *handlers) signinPage(w http.ResponseWriter, r *http.Request) {
	next := web.SafeLocalPath(r.URL.Query().Get("next"), "")
	if web.ViewerOf(r) != nil {
		web.Redirect(w, r, web.SafeLocalPath(next, "/account"))
		return
	}
	h.render(w, r, http.StatusOK, "signin", "auth.signin.title", web.NewForm(nil), signinData{Next: next})
}

func (h *handlers) signin(w http.ResponseWriter, r *http.Request) {
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	m := h.meta(r)
	email := NormaliseEmail(f.Get("email"))
	data := signinData{Next: web.SafeLocalPath(f.Get("next"), "")}
	f.Required("email")
	if f.Values.Get("password") == "" {
		f.AddError("password", "form.error.required")
	}
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, "signin", "auth.signin.title", f, data)
		return
	}
	if len(email) > 254 {
		email = email[:254] // never a valid address; keeps limiter keys small
	}
	if !h.allowSignIn(w, r, email, m.IPNetwork) {
		return
	}
	token, err := h.svc.SignIn(r.Context(), email, f.Values.Get("password"), m)
	switch {
	case errors.Is(err, ErrInvalidCredentials):
		f.AddError("email", "auth.signin.invalid")
	case errors.Is(err, ErrNotVerified):
		f.AddError("email", "auth.signin.not_verified")
		data.NotVerified = true
	case errors.Is(err, ErrSuspended):
		f.AddError("email", "auth.signin.suspended")
	case err != nil:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, "signin", "auth.signin.title", f, data)
		return
	}
	h.signedIn(email, m.IPNetwork)
	h.startSession(w, r, token, data.Next)
}

func (h *handlers) startSession(w http.ResponseWriter, r *http.Request, token, next string) {
	// The session this browser had before, if any, ends: one cookie, one session.
	if v := web.ViewerOf(r); v != nil {
		if err := h.svc.SignOut(r.Context(), v.SessionID, v.UserID, h.meta(r)); err != nil {
			h.svc.log.Warn("end previous session", "request_id", web.RequestID(r), "err", err)
		}
	}
	h.sess.set(w, token)
	h.rn.SetFlash(w, "success", "flash.auth_signed_in")
	landing := "/account"
	if h.svc.Landing != nil {
		if _, u, err := h.svc.store.sessionUser(r.Context(), hashToken(token), db.Now()); err == nil {
			landing = h.svc.Landing(r.Context(), u.ID)
		}
	}
	web.Redirect(w, r, web.SafeLocalPath(next, landing))
}

func (h *handlers) resend(w http.ResponseWriter, r *http.Request) {
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	m := h.meta(r)
	email := NormaliseEmail(f.Get("email"))
	if !ValidEmail(email) {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	if !h.allowMail(w, r, PurposeVerify, email, m.IPNetwork) {
		return
	}
	if err := h.svc.ResendVerification(r.Context(), email); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.render(w, r, http.StatusOK, "sent", "auth.sent.title", nil, sentData{Key: "auth.sent.verify"})
}

func (h *handlers) signout(w http.ResponseWriter, r *http.Request) {
	if v := web.ViewerOf(r); v != nil {
		if err := h.svc.SignOut(r.Context(), v.SessionID, v.UserID, h.meta(r)); err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	h.sess.clear(w)
	h.rn.SetFlash(w, "success", "flash.auth_signed_out")
	web.Redirect(w, r, "/")
}

func (h *handlers) linkPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "link", "auth.link.title", web.NewForm(nil), nil)
}

func (h *handlers) requestLink(w http.ResponseWriter, r *http.Request) {
	h.mailRequest(w, r, PurposeMagic, "link", "auth.link.title", "auth.sent.link", h.svc.RequestMagicLink)
}

func (h *handlers) signinWithLink(w http.ResponseWriter, r *http.Request) {
	f, m, ok := h.tokenForm(w, r)
	if !ok {
		return
	}
	token, err := h.svc.SignInWithLink(r.Context(), f.Get("token"), m)
	if errors.Is(err, ErrInvalidToken) || errors.Is(err, ErrSuspended) {
		h.badToken(w, r, PurposeMagic)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.startSession(w, r, token, "")
}
