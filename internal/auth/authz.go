package auth

import (
	"net/http"
	"net/url"

	"climatevolunteers/internal/web"
)

// Guard is the one place pages check who may see them. Visitors who are not
// signed in are sent to the sign-in page (and back afterwards); people signed
// in without the role get the 403 page.
type Guard struct{ rn *web.Renderer }

// NewGuard builds the guard.
func NewGuard(rn *web.Renderer) *Guard { return &Guard{rn: rn} }

// RequireUser lets any signed-in person through.
func (g *Guard) RequireUser(next http.Handler) http.Handler {
	return g.RequireRole()(next)
}

// RequireRole lets through people with one of the roles; admins pass every
// check. No role listed means any signed-in person.
func (g *Guard) RequireRole(roles ...Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := web.ViewerOf(r)
			if v == nil {
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					web.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()))
					return
				}
				g.rn.Error(w, r, http.StatusForbidden, nil)
				return
			}
			if !Allowed(Role(v.Role), roles...) {
				g.rn.Error(w, r, http.StatusForbidden, nil)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Allowed reports whether role meets one of the required roles.
func Allowed(role Role, required ...Role) bool {
	if role == RoleAdmin || len(required) == 0 {
		return true
	}
	for _, r := range required {
		if r == role {
			return true
		}
	}
	return false
}
