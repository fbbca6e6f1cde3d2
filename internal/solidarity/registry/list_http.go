package registry

import (
	"net/http"
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
	Now           time.Time
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := web.NewForm(q)
	ds, names, err := h.districtNames(r)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	page, _ := strconv.Atoi(f.Get("page"))
	d := listData{Districts: ds, DistrictNames: names, Statuses: Statuses, Now: h.svc.now(),
		Filtered: f.Get("district") != "" || f.Get("status") != "" || f.Get("phone") != ""}
	res, errs, err := h.svc.List(r.Context(), actor(r), Filter{District: f.Get("district"), Status: f.Get("status"),
		Phone: f.Get("phone"), Page: page})
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
	d.Pages = web.Paginate("/coordination/registry", q, res.Offset, PerPage, res.Total)
	h.rn.Render(w, r, status, h.views["list"], web.Page{Title: h.rn.T(r, "registry.staff.title"), Form: f, Data: d})
}
