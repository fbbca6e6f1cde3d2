package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/web"
)

// historyPageSize is how many change sets a page of the timeline shows.
const historyPageSize = 20

// maxPage bounds the page number so an offset cannot overflow.
const maxPage = 100000

// History reads a page of the plan's timeline.
func (s *Service) History(ctx context.Context, f history.Filter) (history.Page, error) {
	return history.List(ctx, s.db, f)
}

// historyData fills templates/history.html.
type historyData struct {
	Entries  []entryView
	Total    int
	Subject  string // the filtered subject's label, when known
	Filtered bool
	web.Pagination
	FeedURL string
}

type entryView struct {
	Entry
	When, WhenISO string
}

// readHistoryFilter validates the query; errors land on the form's fields.
// The page number comes back apart: 0 means a bad one.
func readHistoryFilter(form *web.Form, loc *time.Location) (history.Filter, int) {
	var f history.Filter
	switch k := form.Get("kind"); k {
	case "":
	case string(history.KindAction), string(history.KindIndicator), string(history.KindTheme):
		f.Kind = history.Kind(k)
	default:
		form.AddError("kind", "form.error.choice")
	}
	if s := form.Get("id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		switch {
		case err != nil || id <= 0:
			form.AddError("kind", "plan.history.error.id")
		case f.Kind == "":
			form.AddError("kind", "plan.history.error.id_kind")
		default:
			f.SubjectID = id
		}
	}
	if s := form.Get("since"); s != "" {
		day, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			form.AddError("since", "plan.history.error.since")
		} else {
			f.Since = day
		}
	}
	page := 1
	if s := form.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			return f, 0
		}
		page = n
	}
	return f, page
}

func (h *handlers) showHistory(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := web.NewForm(q)
	f, page := readHistoryFilter(form, h.svc.loc)
	if page == 0 {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return
	}
	d := historyData{Filtered: f.Kind != "" || !f.Since.IsZero(), FeedURL: FeedPath}
	p := web.Page{Title: h.rn.T(r, "plan.history.title"), Form: form, Data: &d}
	if !form.Valid() {
		h.rn.Render(w, r, http.StatusBadRequest, h.history, p)
		return
	}
	f.Offset, f.Limit = (page-1)*historyPageSize, historyPageSize
	res, err := h.svc.History(r.Context(), f)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	wd := h.words(r)
	d.Total = res.Total
	d.Pagination = web.Paginate(HistoryPath, q, f.Offset, historyPageSize, res.Total)
	for _, s := range res.Sets {
		d.Entries = append(d.Entries, entryView{Entry: NewEntry(s, wd), When: h.when(r, s.At), WhenISO: s.At.Format(time.RFC3339)})
	}
	if f.SubjectID > 0 && len(res.Sets) > 0 {
		d.Subject = res.Sets[0].SubjectLabel
	}
	if f.Kind != "" {
		v := url.Values{"kind": {string(f.Kind)}}
		if f.SubjectID > 0 {
			v.Set("id", strconv.FormatInt(f.SubjectID, 10))
		}
		d.FeedURL = FeedPath + "?" + v.Encode()
	}
	if d.Subject != "" {
		p.Title = h.rn.T(r, "plan.history.title_subject", d.Subject)
	}
	w.Header().Set("Cache-Control", "public, max-age=60")
	h.rn.Render(w, r, http.StatusOK, h.history, p)
}
