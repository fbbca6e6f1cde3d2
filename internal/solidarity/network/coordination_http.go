package network

import (
	"math"
	"net/http"
	"slices"
	"strconv"

	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
)

// listPageSize is the coordinators' list page size; pages past
// maxListPage are read as maxListPage (still empty), so an offset never
// overflows.
const (
	listPageSize = 50
	maxListPage  = math.MaxInt32 / listPageSize
)

// coordinationData feeds templates/coordination.html.
type coordinationData struct {
	List
	Districts    []districts.District
	DistrictName map[string]string
	Languages    []string
	States       []string
	Pagination   web.Pagination
	Filtered     bool
}

// coordinationPage lists the members for coordinators, filtered by
// district, language and state; unknown filter values are refused (400),
// never widened to everyone.
func (h *handlers) coordinationPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := web.NewForm(q)
	ds, err := h.svc.Districts.List(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d := coordinationData{Districts: ds, DistrictName: map[string]string{}, Languages: volunteers.Languages, States: States}
	for _, x := range ds {
		d.DistrictName[x.Code] = x.Name
	}
	flt := ListFilter{District: f.Get("district"), Language: f.Get("language"), State: f.Get("state"), Limit: listPageSize}
	if _, ok := d.DistrictName[flt.District]; flt.District != "" && !ok {
		f.AddError("district", "form.error.choice")
	}
	if flt.Language != "" && !slices.Contains(volunteers.Languages, flt.Language) {
		f.AddError("language", "form.error.choice")
	}
	if flt.State != "" && !slices.Contains(States, flt.State) {
		f.AddError("state", "form.error.choice")
	}
	page, err := strconv.Atoi(f.Get("page"))
	if err != nil || page < 1 {
		page = 1 // a page number is only ever a link of ours: no error to show
	}
	status := http.StatusOK
	if !f.Valid() {
		status, flt = http.StatusBadRequest, ListFilter{Limit: listPageSize}
	}
	flt.Offset = (min(page, maxListPage) - 1) * listPageSize
	d.Filtered = flt.District != "" || flt.Language != "" || flt.State != ""
	if d.List, err = h.svc.List(ctx, flt); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	d.Pagination = web.Paginate("/coordination/network", q, flt.Offset, listPageSize, d.Total)
	h.rn.Render(w, r, status, h.views["coordination"], web.Page{Title: h.rn.T(r, "network.coordination.title"), Form: f, Data: d})
}
