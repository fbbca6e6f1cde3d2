package auth

import (
	"context"
	"errors"
	"net/http"

	"climatevolunteers/internal/web"
)

func (h *handlers) resetPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, http.StatusOK, "link", "auth.reset.title", web.NewForm(nil), resetMode{})
}

// resetMode tells the shared "type your email" page it asks for a reset.
type resetMode struct{}

func (h *handlers) requestReset(w http.ResponseWriter, r *http.Request) {
	h.mailRequest(w, r, PurposeReset, "link", "auth.reset.title", "auth.sent.reset", h.svc.RequestReset)
}

// mailRequest handles the forms that mail a link to an address: the answer
// is the same whether or not the address has an account.
func (h *handlers) mailRequest(w http.ResponseWriter, r *http.Request, purpose, view, titleKey, sentKey string,
	send func(ctx context.Context, email string) error) {
	f, ok := h.form(w, r)
	if !ok {
		return
	}
	m := h.meta(r)
	email := NormaliseEmail(f.Get("email"))
	var data any
	if sentKey == "auth.sent.reset" {
		data = resetMode{}
	}
	if f.Required("email") && !ValidEmail(email) {
		f.AddError("email", "form.error.email")
	}
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, view, titleKey, f, data)
		return
	}
	if !h.allowMail(w, r, purpose, email, m.IPNetwork) {
		return
	}
	if err := send(r.Context(), email); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.render(w, r, http.StatusOK, "sent", "auth.sent.title", nil, sentData{Key: sentKey})
}

type resetConfirmData struct {
	Token  string
	Usable bool
}

func (h *handlers) resetConfirmPage(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("token")
	data := resetConfirmData{Token: token, Usable: h.svc.TokenUsable(r.Context(), token, PurposeReset)}
	status := http.StatusOK
	if !data.Usable {
		status = http.StatusBadRequest
	}
	h.render(w, r, status, "reset_confirm", "auth.reset_confirm.title", web.NewForm(nil), data)
}

func (h *handlers) resetConfirm(w http.ResponseWriter, r *http.Request) {
	f, m, ok := h.tokenForm(w, r)
	if !ok {
		return
	}
	token := f.Get("token")
	data := resetConfirmData{Token: token, Usable: true}
	u, err := h.svc.tokenUser(r.Context(), token, PurposeReset)
	if err != nil {
		data.Usable = false
		h.render(w, r, http.StatusBadRequest, "reset_confirm", "auth.reset_confirm.title", web.NewForm(nil), data)
		return
	}
	pw := f.Values.Get("password")
	checkNewPassword(f, "password", pw, f.Values.Get("password_confirm"), u.Email)
	if !f.Valid() {
		h.render(w, r, http.StatusUnprocessableEntity, "reset_confirm", "auth.reset_confirm.title", f, data)
		return
	}
	err = h.svc.ResetPassword(r.Context(), token, pw, m)
	if errors.Is(err, ErrInvalidToken) {
		data.Usable = false
		h.render(w, r, http.StatusBadRequest, "reset_confirm", "auth.reset_confirm.title", web.NewForm(nil), data)
		return
	}
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.sess.clear(w)
	h.rn.SetFlash(w, "success", "flash.auth_password_reset")
	web.Redirect(w, r, "/signin")
}
