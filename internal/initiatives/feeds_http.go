package initiatives

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// registerFeeds adds the Atom feeds, the JSON API and the exports: the
// public, read-only ways out of the platform.
func (h *handlers) registerFeeds(r *web.Router) {
	h.views["feeds_error"] = h.rn.MustParse(templates, "templates/feeds_error.html")
	r.HandleFunc("GET /initiatives/feed.atom", h.feed)
	r.HandleFunc("GET /api/v1/initiatives", h.apiList)
	r.HandleFunc("GET /api/v1/initiatives/{id}", h.apiGet)
	r.HandleFunc("GET /initiatives.csv", h.exportCSV)
	r.HandleFunc("GET /initiatives.geojson", h.exportGeoJSON)
}

// publicFilter is the theme and district that feeds, the API and exports
// narrow to.
type publicFilter struct {
	Theme, District string
}

// readFilter reads ?theme= and ?district=. bad names the parameter whose
// value is unknown, "" when both are fine; ds is the districts' list, read
// once for the check and for the answer.
func (h *handlers) readFilter(ctx context.Context, q url.Values) (f publicFilter, ds []districts.District, bad string, err error) {
	f = publicFilter{Theme: q.Get("theme"), District: q.Get("district")}
	if f.Theme != "" && !slices.Contains(Themes, f.Theme) {
		return f, nil, "theme", nil
	}
	if ds, err = h.svc.Districts.List(ctx); err != nil {
		return f, nil, "", err
	}
	if f.District != "" && !slices.ContainsFunc(ds, func(d districts.District) bool { return d.Code == f.District }) {
		return f, ds, "district", nil
	}
	return f, ds, "", nil
}

// query encodes the filter back, for links.
func (f publicFilter) query() string {
	v := url.Values{}
	if f.Theme != "" {
		v.Set("theme", f.Theme)
	}
	if f.District != "" {
		v.Set("district", f.District)
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// feedErrorData fills templates/feeds_error.html: what was wrong, and the
// feeds that exist instead.
type feedErrorData struct {
	Param, Value string
	Themes       []string
	Districts    []districts.District
}

func (h *handlers) feed(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f, ds, bad, err := h.readFilter(ctx, r.URL.Query())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	if bad != "" {
		if ds == nil {
			if ds, err = h.svc.Districts.List(ctx); err != nil {
				h.rn.Error(w, r, http.StatusInternalServerError, err)
				return
			}
		}
		h.rn.Render(w, r, http.StatusBadRequest, h.views["feeds_error"], web.Page{Title: h.rn.T(r, "initiatives.feeds.error.title"),
			Data: feedErrorData{Param: bad, Value: r.URL.Query().Get(bad), Themes: Themes, Districts: ds}})
		return
	}
	res, err := h.svc.store.Find(ctx, Query{Theme: f.Theme, District: f.District, Sort: SortNewest, Limit: feedSize})
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	themes := make(map[string]string, len(Themes))
	for _, t := range Themes {
		themes[t] = h.rn.T(r, "volunteers.theme."+t)
	}
	title := h.rn.T(r, "initiatives.feeds.title")
	switch {
	case f.Theme != "" && f.District != "":
		title = h.rn.T(r, "initiatives.feeds.title_both", themes[f.Theme], districtName(ds, f.District))
	case f.Theme != "":
		title = h.rn.T(r, "initiatives.feeds.title_theme", themes[f.Theme])
	case f.District != "":
		title = h.rn.T(r, "initiatives.feeds.title_district", districtName(ds, f.District))
	}
	base := h.svc.BaseURL
	doc, err := web.MarshalAtom(buildFeed(feedParams{Lang: web.Lang(r), Title: title, Subtitle: h.rn.T(r, "initiatives.feeds.subtitle"),
		Author: h.rn.T(r, "site.name"), BaseURL: base, Self: base + "/initiatives/feed.atom" + f.query(),
		Alternate: base + "/initiatives" + f.query(), Themes: themes, Now: db.Now()}, res.Items))
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/atom+xml; charset=utf-8")
	hd.Set("Content-Language", web.Lang(r))
	hd.Add("Vary", "Accept-Language, Cookie")
	// Readers poll; a few minutes' delay costs nobody anything.
	hd.Set("Cache-Control", "public, max-age=300")
	w.Write(doc)
}

// districtName is the name of a district for titles, its code if unknown.
func districtName(ds []districts.District, code string) string {
	for _, d := range ds {
		if d.Code == code {
			return d.Name
		}
	}
	return code
}
