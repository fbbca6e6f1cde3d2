package initiatives

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// registerSynergy adds the coordinators' synergy board and introductions.
func (h *handlers) registerSynergy(r *web.Router) {
	h.views["synergy"] = h.rn.MustParse(templates, "templates/synergy.html")
	r.Handle("GET /coordination/synergy", h.guards.Coordinator(http.HandlerFunc(h.synergyPage)))
	r.Handle("POST /coordination/synergy/introduce", h.guards.Coordinator(http.HandlerFunc(h.introduce)))
}

// similarLimit is how many suggestions the initiative page shows.
const similarLimit = 5

// similarData fills templates/similar.html.
type similarData struct {
	Items []similarItem
}

type similarItem struct {
	Suggestion
	District string // the district's name
}

// similar is what the initiative page shows of similar initiatives nearby:
// the "similar" partial (templates/similar.html) renders it, nil when there
// is none.
func (h *handlers) similar(r *http.Request, in Initiative) (any, error) {
	ss, err := h.svc.Similar(r.Context(), in, similarLimit)
	if err != nil || len(ss) == 0 {
		return nil, err
	}
	names, err := h.districtNames(r)
	if err != nil {
		return nil, err
	}
	d := &similarData{}
	for _, s := range ss {
		d.Items = append(d.Items, similarItem{Suggestion: s, District: names[s.DistrictCode]})
	}
	return d, nil
}

func (h *handlers) districtNames(r *http.Request) (map[string]string, error) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(ds))
	for _, d := range ds {
		m[d.Code] = d.Name
	}
	return m, nil
}

// synergyData fills templates/synergy.html.
type synergyData struct {
	Themes    []string
	Districts []districts.District
	Theme     string // the filters in force
	District  string
	Clusters  []clusterView
	Total     int
	// FormCluster is the number of the cluster whose introduction was
	// refused, 0 when none shows the refused selection.
	FormCluster int
}

type clusterView struct {
	N       int // 1, 2… on the page
	Members []memberView
	Pairs   []pairView
	Pending bool
}

type memberView struct {
	ClusterMember
	District string
	Checked  bool
}

type pairView struct {
	ClusterPair
	ATitle, BTitle string
}

// synergyFilter reads the board's filters; unknown values are field errors,
// never silently widened.
func synergyFilter(q url.Values, ds []districts.District) (ClusterFilter, *web.Form) {
	f := web.NewForm(q)
	flt := ClusterFilter{Theme: f.Get("theme"), District: f.Get("district")}
	if flt.Theme != "" && !slices.Contains(Themes, flt.Theme) {
		f.AddError("theme", "form.error.choice")
		flt.Theme = ""
	}
	if flt.District != "" && !slices.ContainsFunc(ds, func(d districts.District) bool { return d.Code == flt.District }) {
		f.AddError("district", "form.error.choice")
		flt.District = ""
	}
	return flt, f
}

func (h *handlers) synergyPage(w http.ResponseWriter, r *http.Request) {
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	flt, f := synergyFilter(r.URL.Query(), ds)
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusBadRequest
	}
	h.renderSynergy(w, r, status, f, flt, ds, nil)
}

// renderSynergy shows the board; picked are the initiatives of a refused
// introduction, kept ticked in their cluster.
func (h *handlers) renderSynergy(w http.ResponseWriter, r *http.Request, status int, f *web.Form, flt ClusterFilter, ds []districts.District, picked []int64) {
	cs, total, err := h.svc.Clusters(r.Context(), flt)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	names := make(map[string]string, len(ds))
	for _, d := range ds {
		names[d.Code] = d.Name
	}
	data := synergyData{Themes: Themes, Districts: ds, Theme: flt.Theme, District: flt.District, Total: total}
	for i, c := range cs {
		cv := clusterView{N: i + 1, Pending: c.Pending()}
		titles := map[int64]string{}
		holds := len(picked) > 0 && data.FormCluster == 0
		for _, m := range c.Members {
			titles[m.ID] = m.Title
			cv.Members = append(cv.Members, memberView{ClusterMember: m, District: names[m.DistrictCode], Checked: m.Consent})
		}
		for _, id := range picked {
			if _, ok := titles[id]; !ok {
				holds = false
			}
		}
		if holds {
			data.FormCluster = cv.N
			for j := range cv.Members {
				cv.Members[j].Checked = slices.Contains(picked, cv.Members[j].ID)
			}
		}
		for _, p := range c.Pairs {
			cv.Pairs = append(cv.Pairs, pairView{ClusterPair: p, ATitle: titles[p.A], BTitle: titles[p.B]})
		}
		data.Clusters = append(data.Clusters, cv)
	}
	h.rn.Render(w, r, status, h.views["synergy"], web.Page{Title: h.rn.T(r, "initiatives.synergy.title"), Form: f, Data: data})
}

// introErrorKeys are the catalog keys of refused introductions.
var introErrorKeys = []struct {
	err error
	key string
}{
	{ErrIntroTooFew, "initiatives.synergy.error.too_few"},
	{ErrIntroTooMany, "initiatives.synergy.error.too_many"},
	{ErrIntroNotVisible, "initiatives.synergy.error.not_visible"},
	{ErrIntroNoConsent, "initiatives.synergy.error.no_consent"},
	{ErrIntroDone, "initiatives.synergy.error.done"},
}

func (h *handlers) introduce(w http.ResponseWriter, r *http.Request) {
	f, err := web.ParseForm(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusBadRequest, err)
		return
	}
	ds, err := h.svc.Districts.List(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	// The board's filters come back as hidden fields: the page after the
	// introduction is the one the coordinator was on.
	flt, _ := synergyFilter(url.Values{"theme": {f.Get("theme")}, "district": {f.Get("district")}}, ds)
	var ids []int64
	for _, v := range f.Values["ids"] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			h.rn.Error(w, r, http.StatusBadRequest, nil)
			return
		}
		ids = append(ids, id)
	}
	res, err := h.svc.Introduce(r.Context(), actor(r), ids)
	if err != nil {
		for _, e := range introErrorKeys {
			if errors.Is(err, e.err) {
				var ie *IntroError
				arg := ""
				if errors.As(err, &ie) {
					arg = "« " + strings.Join(ie.Titles, " », « ") + " »"
					if web.Lang(r) != "fr" {
						arg = `"` + strings.Join(ie.Titles, `", "`) + `"`
					}
				}
				form := web.NewForm(f.Values)
				form.AddError("ids", e.key, arg, MaxIntroduction)
				h.renderSynergy(w, r, http.StatusUnprocessableEntity, form, flt, ds, ids)
				return
			}
		}
		h.fail(w, r, err)
		return
	}
	key := "flash.initiatives_synergy_introduced"
	if res.Mails == 0 {
		key = "flash.initiatives_synergy_introduced_nomail"
	}
	h.rn.SetFlash(w, "success", key)
	q := url.Values{}
	if flt.Theme != "" {
		q.Set("theme", flt.Theme)
	}
	if flt.District != "" {
		q.Set("district", flt.District)
	}
	to := "/coordination/synergy"
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	web.Redirect(w, r, to)
}
