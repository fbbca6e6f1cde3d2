package web

import (
	"net/http"

	"climatevolunteers/internal/web/i18n"
)

// SwitchLanguage answers POST /language: it keeps the visitor's choice in a
// cookie for a year and sends them back to the page they were on.
func (rn *Renderer) SwitchLanguage(w http.ResponseWriter, r *http.Request) {
	form, err := ParseForm(r)
	if err != nil {
		rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	lang := form.Get("lang")
	if !i18n.Supported(lang) {
		rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: i18n.CookieName, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: rn.secure, SameSite: http.SameSiteLaxMode,
	})
	if rn.OnLanguage != nil {
		rn.OnLanguage(r, lang)
	}
	rn.SetFlash(w, "info", "flash.language_changed")
	// The flash shows on the next page, whose language is read from the new
	// cookie, so the confirmation is in the chosen language.
	Redirect(w, r, SafeLocalPath(form.Get("next"), "/"))
}
