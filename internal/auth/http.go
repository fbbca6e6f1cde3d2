package auth

import (
	"embed"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"climatevolunteers/internal/ratelimit"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Templates gives the mail templates to the outbox (templates/mail).
var Templates = templates

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

// Limiter answers whether a key may go on, and when it may try again.
type Limiter interface {
	Allow(key string) (bool, time.Duration)
	Reset(key string)
}

// Limits are the rate limits of the account pages. Limits on an account are
// kept per account and network, with a looser cap on the account alone: a
// stranger hammering someone's address from one network cannot lock its
// owner out, while guessing from many networks is still slowed down.
type Limits struct {
	SignInByNetwork, SignInByAccountAndNetwork, SignInByAccount Limiter
	SignUpByNetwork, SignUpByAccount                            Limiter
	// Mails (verification, reset, sign-in link): keys carry the purpose, so
	// asking for one kind of mail never blocks another.
	MailByNetwork, MailByAccountAndNetwork, MailByAccount Limiter
	TokenByNetwork                                        Limiter // using mailed links
}

// DefaultLimits are generous for people and tight for scripts.
func DefaultLimits() Limits {
	per := func(n int, d time.Duration) Limiter { return ratelimit.New(rate.Every(d/time.Duration(n)), n) }
	return Limits{
		SignInByNetwork:           per(30, 10*time.Minute),
		SignInByAccountAndNetwork: per(10, 15*time.Minute),
		SignInByAccount:           per(100, time.Hour),
		SignUpByNetwork:           per(10, time.Hour),
		SignUpByAccount:           per(3, time.Hour),
		MailByNetwork:             per(20, time.Hour),
		MailByAccountAndNetwork:   per(3, time.Hour),
		MailByAccount:             per(10, time.Hour),
		TokenByNetwork:            per(30, time.Hour),
	}
}

type handlers struct {
	svc        *Service
	rn         *web.Renderer
	sess       *Sessions
	limits     Limits
	trustProxy bool
	views      map[string]*web.View
}

// Register adds the account pages, the account area and the admin's account
// list. guard protects the pages that need a signed-in person.
func Register(r *web.Router, rn *web.Renderer, svc *Service, sess *Sessions, guard *Guard, limits Limits, trustProxy bool) {
	h := &handlers{svc: svc, rn: rn, sess: sess, limits: limits, trustProxy: trustProxy, views: map[string]*web.View{}}
	for _, name := range []string{"signup", "sent", "signin", "link", "token", "reset_confirm", "account", "admin_index", "admin_users"} {
		h.views[name] = rn.MustParse(templates, "templates/"+name+".html")
	}
	r.HandleFunc("GET /signup", h.signupPage)
	r.HandleFunc("POST /signup", h.signup)
	r.HandleFunc("GET /verify", h.tokenPage(PurposeVerify))
	r.HandleFunc("POST /verify", h.verify)
	r.HandleFunc("GET /signin", h.signinPage)
	r.HandleFunc("POST /signin", h.signin)
	r.HandleFunc("POST /signin/resend", h.resend)
	r.HandleFunc("GET /signin/link", h.linkPage)
	r.HandleFunc("POST /signin/link", h.requestLink)
	r.HandleFunc("GET /signin/link/confirm", h.tokenPage(PurposeMagic))
	r.HandleFunc("POST /signin/link/confirm", h.signinWithLink)
	r.HandleFunc("POST /signout", h.signout)
	r.HandleFunc("GET /reset", h.resetPage)
	r.HandleFunc("POST /reset", h.requestReset)
	r.HandleFunc("GET /reset/confirm", h.resetConfirmPage)
	r.HandleFunc("POST /reset/confirm", h.resetConfirm)
	r.HandleFunc("GET /account/email/confirm", h.tokenPage(PurposeEmailChange))
	r.HandleFunc("POST /account/email/confirm", h.confirmEmail)

	user := guard.RequireUser
	r.Handle("GET /account", user(http.HandlerFunc(h.accountPage)))
	r.Handle("POST /account/password", user(http.HandlerFunc(h.changePassword)))
	r.Handle("POST /account/email", user(http.HandlerFunc(h.changeEmail)))
	r.Handle("POST /account/signout-everywhere", user(http.HandlerFunc(h.signoutEverywhere)))

	admin := guard.RequireRole(RoleAdmin)
	r.Handle("GET /admin", admin(http.HandlerFunc(h.adminIndex)))
	r.Handle("GET /admin/users", admin(http.HandlerFunc(h.adminUsers)))
	r.Handle("POST /admin/users/{id}/role", admin(http.HandlerFunc(h.adminSetRole)))
	r.Handle("POST /admin/users/{id}/suspend", admin(http.HandlerFunc(h.adminSuspend(true))))
	r.Handle("POST /admin/users/{id}/reinstate", admin(http.HandlerFunc(h.adminSuspend(false))))
}

func (h *handlers) meta(r *http.Request) Meta {
	return Meta{IPNetwork: ratelimit.Network(ratelimit.ClientIP(r, h.trustProxy)), UserAgent: r.UserAgent(), Lang: web.Lang(r)}
}

type limitCheck struct {
	l   Limiter
	key string
}

// allow checks each limiter with its key and answers 429 when one says no.
func (h *handlers) allow(w http.ResponseWriter, r *http.Request, checks ...limitCheck) bool {
	for _, c := range checks {
		if ok, retry := c.l.Allow(c.key); !ok {
			h.rn.RateLimited(w, r, retry)
			return false
		}
	}
	return true
}

func (h *handlers) allowSignIn(w http.ResponseWriter, r *http.Request, email, network string) bool {
	l := h.limits
	return h.allow(w, r, limitCheck{l.SignInByNetwork, network},
		limitCheck{l.SignInByAccountAndNetwork, email + "|" + network}, limitCheck{l.SignInByAccount, email})
}

// allowPasswordCheck limits the password checks of signed-in pages
// (changing password or address) by account only: the person is known.
func (h *handlers) allowPasswordCheck(w http.ResponseWriter, r *http.Request, email, network string) bool {
	l := h.limits
	return h.allow(w, r, limitCheck{l.SignInByAccountAndNetwork, email + "|" + network}, limitCheck{l.SignInByAccount, email})
}

// signedIn forgets the failures of an account on this network.
func (h *handlers) signedIn(email, network string) {
	h.limits.SignInByAccountAndNetwork.Reset(email + "|" + network)
}

func (h *handlers) allowSignUp(w http.ResponseWriter, r *http.Request, email, network string) bool {
	return h.allow(w, r, limitCheck{h.limits.SignUpByNetwork, network}, limitCheck{h.limits.SignUpByAccount, email})
}

func (h *handlers) allowMail(w http.ResponseWriter, r *http.Request, purpose, email, network string) bool {
	l := h.limits
	return h.allow(w, r, limitCheck{l.MailByNetwork, network},
		limitCheck{l.MailByAccountAndNetwork, purpose + "|" + email + "|" + network},
		limitCheck{l.MailByAccount, purpose + "|" + email})
}

func (h *handlers) allowToken(w http.ResponseWriter, r *http.Request, network string) bool {
	return h.allow(w, r, limitCheck{h.limits.TokenByNetwork, network})
}

func (h *handlers) render(w http.ResponseWriter, r *http.Request, status int, view, titleKey string, form *web.Form, data any) {
	h.rn.Render(w, r, status, h.views[view], web.Page{Title: h.rn.T(r, titleKey), Form: form, Data: data})
}

func (h *handlers) form(w http.ResponseWriter, r *http.Request) (*web.Form, bool) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return nil, false
	}
	return f, true
}

// tokenForm reads the form of a mailed link's page, within the limit on
// token guesses; ok is false when the answer is already written.
func (h *handlers) tokenForm(w http.ResponseWriter, r *http.Request) (*web.Form, Meta, bool) {
	f, ok := h.form(w, r)
	if !ok {
		return nil, Meta{}, false
	}
	m := h.meta(r)
	if !h.allowToken(w, r, m.IPNetwork) {
		return nil, Meta{}, false
	}
	return f, m, true
}
