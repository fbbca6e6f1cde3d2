package dashboard

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/web"
)

// feedSize is how many of the newest change sets the feed carries.
const feedSize = 50

// feedEntry turns a change set into an entry: the subject and how it
// changed as the title, every difference as one line of the summary.
func feedEntry(base string, s history.Set, wd Words) web.AtomEntry {
	e := NewEntry(s, wd)
	var lines []string
	for _, c := range e.Changes {
		lines = append(lines, wd.T("plan.history.feed.change", c.Field, c.Old, c.New))
	}
	link := base + HistoryPath + "?" + url.Values{"kind": {string(s.Kind)}, "id": {strconv.FormatInt(s.SubjectID, 10)}}.Encode()
	if e.Href != "" {
		link = base + e.Href
	}
	return web.AtomEntry{
		ID:      web.AtomTagID(base, s.At, "plan-change", s.ID),
		Title:   wd.T("plan.history.feed.entry", e.Label, e.How),
		Updated: web.AtomTime(s.At),
		Authors: []web.AtomPerson{{Name: e.Who}},
		Summary: strings.Join(lines, "\n"),
		Links:   []web.AtomLink{{Rel: "alternate", Type: "text/html", Href: link}},
	}
}

// feed serves the latest change sets as Atom, with the timeline's kind and
// subject filters.
func (h *handlers) feed(w http.ResponseWriter, r *http.Request) {
	form := web.NewForm(r.URL.Query())
	f, _ := readHistoryFilter(form, h.svc.loc)
	if !form.Valid() {
		http.Error(w, h.rn.T(r, "plan.history.feed.bad_filter"), http.StatusBadRequest)
		return
	}
	f.Offset, f.Limit = 0, feedSize
	res, err := h.svc.History(r.Context(), f)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	wd := h.words(r)
	base := h.opt.BaseURL
	self := base + FeedPath
	if r.URL.RawQuery != "" {
		self += "?" + r.URL.RawQuery
	}
	doc := web.AtomFeed{Lang: wd.Lang, ID: self, Title: wd.T("plan.history.feed.title"),
		Links: []web.AtomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + HistoryPath},
		},
		Author: web.AtomPerson{Name: wd.T("site.name")},
	}
	updated := db.Now()
	for i, s := range res.Sets {
		if i == 0 {
			updated = s.At
		}
		doc.Entries = append(doc.Entries, feedEntry(base, s, wd))
	}
	doc.Updated = web.AtomTime(updated)
	body, err := web.MarshalAtom(doc)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/atom+xml; charset=utf-8")
	hd.Set("Content-Language", wd.Lang)
	hd.Add("Vary", "Accept-Language, Cookie")
	hd.Set("Cache-Control", "public, max-age=300")
	w.Write(body)
}
