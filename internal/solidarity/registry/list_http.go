package registry

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/web"
)

// listData fills templates/list.html, the coordinators' registry.
type listData struct {
	Entries       []Entry
	Phones        map[int64]string // as people write them
	Total         int
	Districts     []districts.District
	DistrictNames map[string]string
	Statuses      []Status
	Filtered      bool
	Pages         web.Pagination
	More          bool // a phone search found more than one page
	Now           time.Time
}

// list shows the coordinators' registry. District, status and page come in
// the URL (GET, and the page links); a phone number only in a POST body, so
// that it stays out of URLs, logs and the result's links. A phone search
// shows one page, since links could not carry the number: its few matches
// (people sharing a line) fit, and district and status narrow it further.
func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	q.Del("phone") // a number in a URL searches nothing
	f := web.NewForm(q)
	if r.Method == http.MethodPost {
		var err error
		if f, err = web.ParseForm(r); err != nil {
			h.rn.Error(w, r, http.StatusBadRequest, err)
			return
		}
	}
	ds, names, err := h.districtNames(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	flt := Filter{District: f.Get("district"), Status: f.Get("status"), Phone: f.Get("phone")}
	if flt.Phone == "" {
		flt.Page, _ = strconv.Atoi(f.Get("page"))
	}
	d := listData{Districts: ds, DistrictNames: names, Statuses: Statuses, Now: h.svc.now(),
		Filtered: flt.District != "" || flt.Status != "" || flt.Phone != ""}
	res, errs, err := h.svc.List(r.Context(), actor(r), flt)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if len(errs) > 0 {
		addErrors(f, errs)
		status = http.StatusUnprocessableEntity
	}
	d.Entries, d.Total = res.Entries, res.Total
	d.Phones = make(map[int64]string, len(res.Entries))
	for _, e := range res.Entries {
		d.Phones[e.ID] = NationalPhone(e.Card.Phone)
	}
	if flt.Phone != "" {
		d.More = res.Total > len(res.Entries)
	} else {
		links := url.Values{}
		for _, k := range []string{"district", "status"} {
			if v := f.Get(k); v != "" {
				links.Set(k, v)
			}
		}
		d.Pages = web.Paginate("/coordination/registry", links, res.Offset, PerPage, res.Total)
	}
	h.rn.Render(w, r, status, h.views["list"], web.Page{Title: h.rn.T(r, "registry.staff.title"), Form: f, Data: d})
}
