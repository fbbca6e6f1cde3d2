package registry

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// Guards are the access checks of the registry's pages; which entry a
// person may reach is decided in policy.go.
type Guards struct {
	User  func(http.Handler) http.Handler // any signed-in person
	Staff func(http.Handler) http.Handler // coordinators and administrators
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// pages are where each scope's pages live.
type pages struct {
	sc      Scope
	base    string // list and entries: base, base/{id}
	newPath string
}

var (
	minePages  = pages{ScopeMine, "/my/registry", "/registry/new"}
	staffPages = pages{ScopeStaff, "/coordination/registry", "/coordination/registry/new"}
)

// Register adds the registry's pages: the public explanation and form,
// registrants' own entries, and the coordinators' registry.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"about": rn.MustParse(templates, "templates/about.html"),
		"new":   rn.MustParse(templates, "templates/new.html", "templates/form.html"),
		"entry": rn.MustParse(templates, "templates/entry.html", "templates/form.html"),
		"my":    rn.MustParse(templates, "templates/my.html"),
		"list":  rn.MustParse(templates, "templates/list.html"),
	}}
	// Every page but the explanation shows or takes a person's data.
	user := func(f http.HandlerFunc) http.Handler { return g.User(noStore(f)) }
	staff := func(f http.HandlerFunc) http.Handler { return g.Staff(noStore(f)) }

	r.HandleFunc("GET /registry", h.about)
	r.Handle("GET /registry/new", user(h.newPage(minePages)))
	r.Handle("POST /registry/new", user(h.create(minePages)))
	r.Handle("GET /my/registry", user(h.mine))
	r.Handle("GET /my/registry/{id}", user(h.show(minePages)))
	r.Handle("POST /my/registry/{id}", user(h.update(minePages)))
	r.Handle("POST /my/registry/{id}/renew", user(h.renew(minePages)))
	r.Handle("POST /my/registry/{id}/withdraw", user(h.withdraw(minePages)))

	r.Handle("GET /coordination/registry", staff(h.list))
	r.Handle("POST /coordination/registry", staff(h.list)) // a phone search
	r.Handle("GET /coordination/registry/new", staff(h.newPage(staffPages)))
	r.Handle("POST /coordination/registry/new", staff(h.create(staffPages)))
	r.Handle("GET /coordination/registry/{id}", staff(h.show(staffPages)))
	r.Handle("POST /coordination/registry/{id}", staff(h.update(staffPages)))
	r.Handle("POST /coordination/registry/{id}/renew", staff(h.renew(staffPages)))
	r.Handle("POST /coordination/registry/{id}/withdraw", staff(h.withdraw(staffPages)))
}

// noStore keeps a page out of shared caches and the browser's history
// cache (a shared computer at a social centre), its refusals included.
func noStore(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "private, no-store")
		f(w, r)
	}
}

// actor is the signed-in person as the service sees them.
func actor(r *http.Request) Actor {
	if v := web.ViewerOf(r); v != nil {
		return Actor{UserID: v.UserID, Role: v.Role}
	}
	return Actor{}
}

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		h.rn.Error(w, r, http.StatusNotFound, nil)
	case errors.Is(err, ErrForbidden):
		h.rn.Error(w, r, http.StatusForbidden, nil)
	case errors.Is(err, ErrConflict), errors.Is(err, ErrNotDue):
		h.rn.Error(w, r, http.StatusConflict, nil)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key, e.Args...)
	}
}

// inputFromForm reads the registration fields of a submitted form.
func inputFromForm(f *web.Form) Input {
	version, _ := strconv.Atoi(f.Get("version"))
	return Input{Name: f.Get("name"), Phone: f.Get("phone"), Address: f.Get("address"), District: f.Get("district"),
		Lat: f.Get("lat"), Lon: f.Get("lon"), Languages: f.Values["languages"], LivesAlone: f.Get("lives_alone"),
		Mobility: f.Values.Get("mobility"), CareNeeds: f.Values.Get("care_needs"), CallTimes: f.Get("call_times"),
		EmergencyName: f.Get("emergency_name"), EmergencyPhone: f.Get("emergency_phone"), Relation: f.Get("relation"),
		Consent: f.Get("consent") == "yes", Version: version}
}

// formFromEntry fills the edit form as a submission would.
func formFromEntry(e Entry) *web.Form {
	f := web.NewForm(nil)
	set := func(k, v string) { f.Values.Set(k, v) }
	c := e.Card
	set("name", c.Name)
	set("phone", NationalPhone(c.Phone))
	set("address", c.Address)
	set("district", e.District)
	if c.ExactPoint {
		set("lat", strconv.FormatFloat(c.Lat, 'f', -1, 64))
		set("lon", strconv.FormatFloat(c.Lon, 'f', -1, 64))
	}
	f.Values["languages"] = e.Languages
	if c.LivesAlone {
		set("lives_alone", "yes")
	} else {
		set("lives_alone", "no")
	}
	set("mobility", c.Mobility)
	set("care_needs", c.CareNeeds)
	set("call_times", c.CallTimes)
	set("emergency_name", c.EmergencyName)
	if c.EmergencyPhone != "" {
		set("emergency_phone", NationalPhone(c.EmergencyPhone))
	}
	set("version", strconv.Itoa(e.Version))
	return f
}

// formData fills templates/form.html.
type formData struct {
	New, Staff     bool
	Action         string
	Districts      []districts.District
	Languages      []string
	Relations      []string
	Checked        map[string]bool // languages ticked
	ConsentVersion int
}

func (h *handlers) formData(r *http.Request, p pages, f *web.Form, action string, isNew bool) (formData, error) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		return formData{}, err
	}
	d := formData{New: isNew, Staff: p.sc == ScopeStaff, Action: action, Districts: ds, Languages: volunteers.Languages,
		Checked: map[string]bool{}, ConsentVersion: ConsentVersion}
	if isNew && p.sc == ScopeMine {
		d.Relations = Relations
	}
	for _, l := range f.Values["languages"] {
		d.Checked[l] = true
	}
	return d, nil
}

// districtNames maps codes to names for lists.
func (h *handlers) districtNames(r *http.Request) ([]districts.District, map[string]string, error) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		return nil, nil, err
	}
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	return ds, names, nil
}

func (h *handlers) about(w http.ResponseWriter, r *http.Request) {
	h.rn.Render(w, r, http.StatusOK, h.views["about"], web.Page{Title: h.rn.T(r, "registry.about.title"),
		Data: struct{ SignedIn bool }{web.ViewerOf(r) != nil}})
}

// myData fills templates/my.html.
type myData struct {
	Entries       []Entry
	DistrictNames map[string]string
	Now           time.Time
}

func (h *handlers) mine(w http.ResponseWriter, r *http.Request) {
	_, names, err := h.districtNames(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	es, err := h.svc.Mine(r.Context(), actor(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.rn.Render(w, r, http.StatusOK, h.views["my"], web.Page{Title: h.rn.T(r, "registry.my.title"),
		Data: myData{Entries: es, DistrictNames: names, Now: h.svc.now()}})
}
