package auth

import (
	"errors"
	"net/http"

	"climatevolunteers/internal/auth/password"
	"climatevolunteers/internal/web"
)

type sentData struct{ Key string } // which "check your mailbox" text to show

func (h *handlers) signupPage(w http.ResponseWriter, r *http.Request) {
	if web.ViewerOf(r) != nil {
		web.Redirect(w, r, "/account")
		return
	}
	h.render(w, r, http.StatusOK, "signup", "auth.signup.title", web.NewForm(nil), nil)
}

func (h *handlers) signup(w http.ResponseWriter, r *http.Request) {
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	m := h.meta(r)
	email := NormaliseEmail(f.Get("email"))
	pw := f.Values.Get("password")
	if f.Required("email") && !ValidEmail(email) {
		f.AddError("email", "form.error.email")
	}
	if f.Valid() && !h.allowSignUp(w, r, email, m.IPNetwork) {
		return
	}
	checkNewPassword(f, "password", pw, f.Values.Get("password_confirm"), email)
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, "signup", "auth.signup.title", f, nil)
		return
	}
	if err := h.svc.SignUp(r.Context(), email, pw, m); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.render(w, r, http.StatusOK, "sent", "auth.sent.title", nil, sentData{Key: "auth.sent.signup"})
}

// checkNewPassword applies the password policy and the confirmation match.
func checkNewPassword(f *web.Form, field, pw, confirm, email string) {
	if pw == "" {
		f.AddError(field, "form.error.required")
		return
	}
	if err := password.Check(pw, email); err != nil {
		var pe *password.PolicyError
		if errors.As(err, &pe) {
			f.AddError(field, pe.Key, pe.Args...)
		} else {
			f.AddError(field, "auth.password.invalid")
		}
		return
	}
	if pw != confirm {
		f.AddError(field+"_confirm", "auth.password.mismatch")
	}
}

// tokenPage shows the button that uses a mailed link. Using it takes a POST,
// so mail scanners that open links do not spend them.
func (h *handlers) tokenPage(purpose string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.URL.Query().Get("token")
		data := tokenData{Purpose: purpose, Token: token, Action: r.URL.Path, Usable: h.svc.TokenUsable(r.Context(), token, purpose)}
		status := http.StatusOK
		if !data.Usable {
			status = http.StatusBadRequest
		}
		h.render(w, r, status, "token", "auth.token."+purpose+".title", nil, data)
	}
}

type tokenData struct {
	Purpose, Token, Action string
	Usable                 bool
}

// badToken explains that a link no longer works; nothing was changed.
func (h *handlers) badToken(w http.ResponseWriter, r *http.Request, purpose string) {
	h.render(w, r, http.StatusBadRequest, "token", "auth.token."+purpose+".title", nil,
		tokenData{Purpose: purpose, Action: r.URL.Path, Usable: false})
}

func (h *handlers) verify(w http.ResponseWriter, r *http.Request) {
	f, m, ok := h.tokenForm(w, r)
	if !ok {
		return
	}
	err := h.svc.VerifyEmail(r.Context(), f.Get("token"), m)
	if errors.Is(err, ErrInvalidToken) {
		h.badToken(w, r, PurposeVerify)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.SetFlash(w, "success", "flash.auth_verified")
	web.Redirect(w, r, "/signin")
}
