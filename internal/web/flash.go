package web

import (
	"net/http"
	"strings"
)

const flashCookie = "cv_flash"

// Flash is a one-time message shown on the next page after a redirect.
// The cookie holds only a catalog key, so a forged cookie can show nothing
// but one of the platform's own messages.
type Flash struct {
	Kind string // success, info or error
	Key  string // catalog key, always under "flash."
}

var flashKinds = map[string]bool{"success": true, "info": true, "error": true}

// SetFlash queues a message for the next page this browser shows.
func (rn *Renderer) SetFlash(w http.ResponseWriter, kind, key string) {
	http.SetCookie(w, &http.Cookie{
		Name: flashCookie, Value: kind + ":" + key, Path: "/",
		MaxAge: 60, HttpOnly: true, Secure: rn.secure, SameSite: http.SameSiteLaxMode,
	})
}

// takeFlash reads and clears the pending message, if any.
func (rn *Renderer) takeFlash(w http.ResponseWriter, r *http.Request) *Flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: rn.secure, SameSite: http.SameSiteLaxMode})
	kind, key, ok := strings.Cut(c.Value, ":")
	if !ok || !flashKinds[kind] || !strings.HasPrefix(key, "flash.") || !rn.cat.Has(key) {
		return nil
	}
	return &Flash{Kind: kind, Key: key}
}
