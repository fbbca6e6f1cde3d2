package volunteers

import (
	"embed"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"climatevolunteers/internal/ratelimit"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

type handlers struct {
	svc        *Service
	rn         *web.Renderer
	signOut    func(w http.ResponseWriter) // clears the session cookie after deletion
	trustProxy bool
	views      map[string]*web.View
}

// Guards are the access checks the pages need.
type Guards struct {
	User        func(http.Handler) http.Handler // any signed-in person
	Coordinator func(http.Handler) http.Handler // coordinators (and admins)
	Admin       func(http.Handler) http.Handler // administrators
}

// Register adds the volunteer's own pages and the coordinators' directory.
func Register(r *web.Router, rn *web.Renderer, svc *Service, guards Guards,
	signOut func(w http.ResponseWriter), trustProxy bool) {
	h := &handlers{svc: svc, rn: rn, signOut: signOut, trustProxy: trustProxy, views: map[string]*web.View{}}
	for _, name := range []string{"profile", "data", "delete", "directory", "skills"} {
		h.views[name] = rn.MustParse(templates, "templates/"+name+".html")
	}
	for pattern, fn := range map[string]http.HandlerFunc{
		"GET /welcome":           h.profilePage(true),
		"POST /welcome":          h.saveProfile(true),
		"GET /profile":           h.profilePage(false),
		"POST /profile":          h.saveProfile(false),
		"POST /profile/consent":  h.setConsent,
		"GET /profile/data":      h.dataPage,
		"GET /profile/data.json": h.download,
		"GET /profile/delete":    h.deletePage,
		"POST /profile/delete":   h.deleteAccount,
	} {
		r.Handle(pattern, guards.User(fn))
	}
	r.Handle("GET /coordination/directory", guards.Coordinator(http.HandlerFunc(h.directoryPage)))
	r.Handle("GET /coordination/directory.csv", guards.Coordinator(http.HandlerFunc(h.exportCSV)))
	r.Handle("GET /admin/skills", guards.Admin(http.HandlerFunc(h.skillsPage)))
	r.Handle("POST /admin/skills", guards.Admin(http.HandlerFunc(h.addSkill)))
	r.Handle("POST /admin/skills/{code}", guards.Admin(http.HandlerFunc(h.updateSkill)))
}

type profileData struct {
	Onboarding bool
	Skills     []Skill
	Districts  []districtOption
	Themes     []string
	Languages  []string
	Days       []string
	Slots      []string
	Purposes   []Purpose
	Consents   map[string]Consent
	Checked    map[string]bool // "skills:repair", "avail:0:1"…
	Visibility string
}

type districtOption struct{ Code, Name string }

func (h *handlers) profilePage(onboarding bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := web.ViewerOf(r)
		p, err := h.svc.store.Profile(r.Context(), v.UserID)
		if err != nil && !errors.Is(err, ErrNoProfile) {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		if errors.Is(err, ErrNoProfile) {
			p.Visibility = VisibilityPrivate
		}
		h.renderProfile(w, r, http.StatusOK, onboarding, formFromProfile(p), p.Visibility)
	}
}

// formFromProfile fills the form the way a submission would, so one template
// serves both a first view and a refused submission.
func formFromProfile(p Profile) *web.Form {
	f := web.NewForm(nil)
	f.Values.Set("display_name", p.DisplayName)
	f.Values.Set("district", p.DistrictCode)
	f.Values.Set("phone", p.Phone)
	f.Values.Set("visibility", p.Visibility)
	f.Values["skills"] = p.Skills
	f.Values["interests"] = p.Interests
	f.Values["languages"] = p.Languages
	for d := range Days {
		for s := range Slots {
			if p.Availability.Has(d, s) {
				f.Values.Add("availability", strconv.Itoa(d)+":"+strconv.Itoa(s))
			}
		}
	}
	return f
}

func (h *handlers) renderProfile(w http.ResponseWriter, r *http.Request, status int, onboarding bool, f *web.Form, visibility string) {
	ctx := r.Context()
	skills, districts, err := h.svc.store.choices(ctx, false)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	consents, err := h.svc.store.Consents(ctx, web.ViewerOf(r).UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	checked := map[string]bool{}
	for _, field := range []string{"skills", "interests", "languages", "availability", "consents"} {
		for _, v := range f.Values[field] {
			checked[field+":"+v] = true
		}
	}
	title := "volunteers.profile.title"
	if onboarding {
		title = "volunteers.welcome.title"
	}
	h.rn.Render(w, r, status, h.views["profile"], web.Page{Title: h.rn.T(r, title), Form: f, Data: profileData{
		Onboarding: onboarding, Skills: skills, Districts: districts, Themes: Themes, Languages: Languages,
		Days: Days, Slots: Slots, Purposes: Purposes, Consents: ActiveConsents(consents), Checked: checked, Visibility: visibility,
	}})
}

func (h *handlers) saveProfile(onboarding bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f, err := web.ParseForm(r)
		if err != nil {
			h.rn.Error(w, r, http.StatusBadRequest, err)
			return
		}
		v := web.ViewerOf(r)
		if onboarding && f.Get("skip") != "" {
			web.Redirect(w, r, "/account")
			return
		}
		p := Profile{UserID: v.UserID, DisplayName: f.Get("display_name"), DistrictCode: f.Get("district"),
			Phone: f.Get("phone"), Visibility: f.Get("visibility"),
			Skills: f.Values["skills"], Interests: f.Values["interests"], Languages: f.Values["languages"]}
		for _, a := range f.Values["availability"] {
			d, s, ok := strings.Cut(a, ":")
			di, err1 := strconv.Atoi(d)
			si, err2 := strconv.Atoi(s)
			if !ok || err1 != nil || err2 != nil || di < 0 || di >= len(Days) || si < 0 || si >= len(Slots) {
				f.AddError("availability", "form.error.choice")
				continue
			}
			p.Availability = p.Availability.With(di, si)
		}
		errs, err := h.svc.SaveProfile(r.Context(), p, onboarding)
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		for _, e := range errs {
			f.AddError(e.Field, e.Key)
		}
		if !f.Valid() {
			h.renderProfile(w, r, http.StatusUnprocessableEntity, onboarding, f, f.Get("visibility"))
			return
		}
		if onboarding {
			// Consents asked at onboarding: each box is a separate grant.
			for _, purpose := range f.Values["consents"] {
				if PurposeVersion(purpose) > 0 {
					if err := h.svc.SetConsent(r.Context(), v.UserID, purpose, true); err != nil {
						h.rn.Error(w, r, http.StatusInternalServerError, err)
						return
					}
				}
			}
		}
		h.rn.SetFlash(w, "success", "flash.volunteers_profile_saved")
		web.Redirect(w, r, "/profile")
	}
}

func (h *handlers) setConsent(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	purpose, grant := f.Get("purpose"), f.Get("grant")
	if PurposeVersion(purpose) == 0 || (grant != "1" && grant != "0") {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	if err := h.svc.SetConsent(r.Context(), web.ViewerOf(r).UserID, purpose, grant == "1"); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	flash := "flash.volunteers_consent_withdrawn"
	if grant == "1" {
		flash = "flash.volunteers_consent_given"
	}
	h.rn.SetFlash(w, "success", flash)
	web.Redirect(w, r, "/profile#consents")
}

func (h *handlers) dataPage(w http.ResponseWriter, r *http.Request) {
	consents, err := h.svc.store.Consents(r.Context(), web.ViewerOf(r).UserID)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["data"], web.Page{Title: h.rn.T(r, "volunteers.data.title"), Data: consents})
}

func (h *handlers) download(w http.ResponseWriter, r *http.Request) {
	v := web.ViewerOf(r)
	export, err := h.svc.ExportData(r.Context(), v.UserID, ratelimit.Network(ratelimit.ClientIP(r, h.trustProxy)))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="mes-donnees-volontaires-du-climat.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(export)
}

func (h *handlers) deletePage(w http.ResponseWriter, r *http.Request) {
	h.rn.Render(w, r, http.StatusOK, h.views["delete"], web.Page{Title: h.rn.T(r, "volunteers.delete.title"), Form: web.NewForm(nil)})
}

// deleteAccount asks the person to type their address: a deliberate step
// that a stray click or a forged form cannot take.
func (h *handlers) deleteAccount(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	v := web.ViewerOf(r)
	if !strings.EqualFold(f.Get("confirm_email"), v.Email) {
		f.AddError("confirm_email", "volunteers.delete.mismatch")
		h.rn.Render(w, r, http.StatusUnprocessableEntity, h.views["delete"], web.Page{Title: h.rn.T(r, "volunteers.delete.title"), Form: f})
		return
	}
	if err := h.svc.DeleteAccount(r.Context(), v.UserID, ratelimit.Network(ratelimit.ClientIP(r, h.trustProxy))); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.signOut(w)
	h.rn.SetFlash(w, "success", "flash.volunteers_deleted")
	web.Redirect(w, r, "/")
}
