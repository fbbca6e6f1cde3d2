package volunteers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/ratelimit"
	"climatevolunteers/internal/web"
)

const directoryPageSize = 50

// filterFromQuery reads the directory's GET form; unknown values are field
// errors, never silently widened to "everyone".
func filterFromQuery(q url.Values) (Filter, *web.Form) {
	f := web.NewForm(q)
	flt := Everyone()
	flt.District, flt.Skill, flt.Language, flt.Interest, flt.Consent =
		f.Get("district"), f.Get("skill"), f.Get("language"), f.Get("interest"), f.Get("consent")
	for _, p := range []struct {
		field string
		dst   *int
		n     int
	}{{"day", &flt.Day, len(Days)}, {"slot", &flt.Slot, len(Slots)}} {
		if v := f.Get(p.field); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n >= p.n {
				f.AddError(p.field, "form.error.choice")
				continue
			}
			*p.dst = n
		}
	}
	if flt.Language != "" && !allIn([]string{flt.Language}, Languages) {
		f.AddError("language", "form.error.choice")
	}
	if flt.Interest != "" && !allIn([]string{flt.Interest}, Themes) {
		f.AddError("interest", "form.error.choice")
	}
	if flt.Consent != "" && PurposeVersion(flt.Consent) == 0 {
		f.AddError("consent", "form.error.choice")
	}
	return flt, f
}

type directoryData struct {
	profileData
	Counts    Counts
	Rows      []DirectoryRow
	Total     int
	Page      int
	PrevURL   string
	NextURL   string
	CSVURL    string
	SkillName map[string]string
	District  map[string]string
}

func (h *handlers) directoryPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	flt, form := filterFromQuery(r.URL.Query())
	status := http.StatusOK
	if !form.Valid() {
		status, flt = http.StatusBadRequest, Everyone()
	}
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	// The counts and the page are independent reads: run them together.
	sel, err := h.svc.store.Select(ctx, flt)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	var counts Counts
	var countErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		counts, countErr = h.svc.store.Count(ctx, sel)
	}()
	rows, total, err := h.svc.store.Directory(ctx, sel, directoryPageSize, (page-1)*directoryPageSize)
	<-done
	if err = errors.Join(err, countErr); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	skills, districts, err := h.svc.store.choices(ctx, true)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := directoryData{Counts: counts, Rows: rows, Total: total, Page: page,
		SkillName: map[string]string{}, District: map[string]string{}}
	data.profileData = profileData{Skills: skills, Districts: districts, Themes: Themes, Languages: Languages,
		Days: Days, Slots: Slots, Purposes: Purposes}
	for _, k := range skills {
		data.SkillName[k.Code] = k.Label(web.Lang(r))
	}
	for _, d := range districts {
		data.District[d.Code] = d.Name
	}
	q := r.URL.Query()
	q.Del("page")
	link := func(p int) string {
		q.Set("page", strconv.Itoa(p))
		return "/coordination/directory?" + q.Encode()
	}
	if page > 1 {
		data.PrevURL = link(page - 1)
	}
	if page*directoryPageSize < total {
		data.NextURL = link(page + 1)
	}
	q.Del("page")
	data.CSVURL = "/coordination/directory.csv?" + q.Encode()
	h.rn.Render(w, r, status, h.views["directory"], web.Page{Title: h.rn.T(r, "volunteers.directory.title"), Form: form, Data: data})
}

// exportCSV writes the filtered directory as CSV, with contact details only
// where the volunteer consented to share them, and records the export.
func (h *handlers) exportCSV(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	flt, form := filterFromQuery(r.URL.Query())
	if !form.Valid() {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	sel, err := h.svc.store.Select(ctx, flt)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	rows, _, err := h.svc.store.Directory(ctx, sel, 0, 0)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	v := web.ViewerOf(r)
	if err := audit.Record(ctx, h.svc.db, audit.Entry{ActorID: v.UserID, Action: audit.ActionDataExport, TargetType: "directory",
		IPNetwork: ratelimit.Network(ratelimit.ClientIP(r, h.trustProxy)),
		Detail:    fmt.Sprintf("%d volunteers; filter %s", len(rows), r.URL.Query().Encode())}); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="volontaires.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	cw.Write([]string{"display_name", "district", "skills", "languages", "interests", "availability", "email", "phone"})
	for _, row := range rows {
		cw.Write([]string{web.CSVCell(row.DisplayName), row.DistrictCode, strings.Join(row.Skills, " "), strings.Join(row.Languages, " "),
			strings.Join(row.Interests, " "), availabilityCodes(row.Availability), web.CSVCell(row.Email), row.Phone})
	}
	cw.Flush()
}

// availabilityCodes writes "mon:morning sat:evening".
func availabilityCodes(a Availability) string {
	var out []string
	for d, day := range Days {
		for s, slot := range Slots {
			if a.Has(d, s) {
				out = append(out, day+":"+slot)
			}
		}
	}
	return strings.Join(out, " ")
}
