package network

import (
	"errors"
	"net/http"
	"strconv"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// Guards are the part's access checks, all decided here: any signed-in
// person for their own membership and training (every handler acts on the
// viewer's own rows only), coordinators and admins for the members' list.
type Guards struct {
	User        func(http.Handler) http.Handler
	Coordinator func(http.Handler) http.Handler
}

type handlers struct {
	svc   *Service
	rn    *web.Renderer
	views map[string]*web.View
}

// Register adds the network's pages.
func Register(r *web.Router, rn *web.Renderer, svc *Service, g Guards) {
	h := &handlers{svc: svc, rn: rn, views: map[string]*web.View{
		"network":      rn.MustParse(templates, "templates/network.html"),
		"training":     rn.MustParse(templates, "templates/training.html"),
		"coordination": rn.MustParse(templates, "templates/coordination.html"),
	}}
	user := func(f http.HandlerFunc) http.Handler { return g.User(f) }
	r.Handle("GET /solidarity/network", user(h.networkPage))
	r.Handle("POST /solidarity/network", user(h.save))
	r.Handle("POST /solidarity/network/withdraw", user(h.withdraw))
	r.Handle("GET /solidarity/training", user(h.trainingPage))
	r.Handle("POST /solidarity/training", user(h.submitQuiz))
	r.Handle("GET /coordination/network", g.Coordinator(http.HandlerFunc(h.coordinationPage)))
}

func viewerID(r *http.Request) int64 { return web.ViewerOf(r).UserID }

// fail turns a service error into the right page.
func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrStale):
		h.rn.Error(w, r, http.StatusConflict, nil)
	case errors.Is(err, ErrTampered):
		h.rn.Error(w, r, http.StatusBadRequest, nil)
	default:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
	}
}

func addErrors(f *web.Form, errs []FieldError) {
	for _, e := range errs {
		f.AddError(e.Field, e.Key)
	}
}

// networkData feeds templates/network.html.
type networkData struct {
	Status       Status
	Districts    []districts.District
	Languages    []string
	Capacities   []int
	Checked      map[string]bool // "languages:fr", "also:11"
	MaxDistricts int
}

// memberForm fills the form from the membership, or from the profile for
// someone joining.
func memberForm(st Status) *web.Form {
	f := web.NewForm(nil)
	f.Values.Set("version", "0")
	if m := st.Member; m != nil {
		f.Values.Set("version", strconv.Itoa(m.Version))
		f.Values.Set("capacity", strconv.Itoa(m.Capacity))
		f.Values["languages"] = m.Languages
		if len(m.Districts) > 0 {
			f.Values.Set("district", m.Districts[0])
			f.Values["also"] = m.Districts[1:]
		}
		if m.Lat != nil {
			f.Values.Set("lat", strconv.FormatFloat(*m.Lat, 'f', 3, 64))
			f.Values.Set("lon", strconv.FormatFloat(*m.Lon, 'f', 3, 64))
		}
		if m.Active() {
			f.Values.Set("consent", "1")
		}
		return f
	}
	f.Values["languages"] = st.Profile.Languages
	f.Values.Set("district", st.Profile.DistrictCode)
	return f
}

func (h *handlers) renderNetwork(w http.ResponseWriter, r *http.Request, status int, st Status, f *web.Form) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := networkData{Status: st, Districts: ds, Languages: volunteers.Languages, MaxDistricts: MaxDistricts,
		Checked: map[string]bool{}}
	for c := MinCapacity; c <= MaxCapacity; c++ {
		d.Capacities = append(d.Capacities, c)
	}
	for _, field := range []string{"languages", "also"} {
		for _, v := range f.Values[field] {
			d.Checked[field+":"+v] = true
		}
	}
	h.rn.Render(w, r, status, h.views["network"], web.Page{Title: h.rn.T(r, "network.page.title"), Form: f, Data: d})
}

func (h *handlers) networkPage(w http.ResponseWriter, r *http.Request) {
	st, err := h.svc.Status(r.Context(), viewerID(r))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	h.renderNetwork(w, r, http.StatusOK, st, memberForm(st))
}

func (h *handlers) save(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	version := 0
	if v := f.Get("version"); v != "" {
		if version, err = strconv.Atoi(v); err != nil || version < 0 {
			h.rn.Error(w, r, http.StatusBadRequest, nil)
			return
		}
	}
	in := Input{Consent: f.Get("consent") == "1", Capacity: f.Get("capacity"), Languages: f.Values["languages"],
		Districts: append([]string{f.Get("district")}, f.Values["also"]...), Lat: f.Get("lat"), Lon: f.Get("lon"), Version: version}
	errs, err := h.svc.Save(r.Context(), viewerID(r), in)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(errs) > 0 {
		st, err := h.svc.Status(r.Context(), viewerID(r))
		if err != nil {
			h.rn.Error(w, r, http.StatusInternalServerError, err)
			return
		}
		addErrors(f, errs)
		h.renderNetwork(w, r, http.StatusUnprocessableEntity, st, f)
		return
	}
	h.rn.SetFlash(w, "success", "flash.network_saved")
	web.Redirect(w, r, "/solidarity/network")
}

func (h *handlers) withdraw(w http.ResponseWriter, r *http.Request) {
	err := h.svc.Withdraw(r.Context(), viewerID(r))
	switch {
	case errors.Is(err, ErrNotMember):
		h.rn.SetFlash(w, "info", "flash.network_not_member")
	case err != nil:
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	default:
		h.rn.SetFlash(w, "success", "flash.network_withdrawn")
	}
	web.Redirect(w, r, "/solidarity/network")
}
