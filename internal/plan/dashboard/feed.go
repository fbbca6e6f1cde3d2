package dashboard

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/web"
)

// feedSize is how many of the newest change sets the feed carries.
const feedSize = 50

// The Atom 1.0 document (RFC 4287), as much of it as the feed uses.
// encoding/xml escapes every text and attribute, so labels typed by staff
// cannot break out of their element.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Author  atomPerson `xml:"author"`
	Summary string     `xml:"summary"`
	Links   []atomLink `xml:"link"`
}

// feedEntry turns a change set into an entry: the subject and how it
// changed as the title, every difference as one line of the summary.
func feedEntry(base string, s history.Set, wd Words) atomEntry {
	e := NewEntry(s, wd)
	var lines []string
	for _, c := range e.Changes {
		lines = append(lines, wd.T("plan.history.feed.change", c.Field, c.Old, c.New))
	}
	link := base + HistoryPath + "?" + url.Values{"kind": {string(s.Kind)}, "id": {strconv.FormatInt(s.SubjectID, 10)}}.Encode()
	if e.Href != "" {
		link = base + e.Href
	}
	return atomEntry{
		ID:      "tag:" + hostOf(base) + "," + s.At.UTC().Format(time.DateOnly) + ":plan-change:" + strconv.FormatInt(s.ID, 10),
		Title:   wd.T("plan.history.feed.entry", e.Label, e.How),
		Updated: s.At.UTC().Format(time.RFC3339),
		Author:  atomPerson{Name: e.Who},
		Summary: strings.Join(lines, "\n"),
		Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
	}
}

func hostOf(base string) string {
	if u, err := url.Parse(base); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "localhost"
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
	doc := atomFeed{Lang: wd.Lang, ID: self, Title: wd.T("plan.history.feed.title"),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: base + HistoryPath},
		},
		Author: atomPerson{Name: wd.T("site.name")},
	}
	updated := db.Now()
	for i, s := range res.Sets {
		if i == 0 {
			updated = s.At
		}
		doc.Entries = append(doc.Entries, feedEntry(base, s, wd))
	}
	doc.Updated = updated.UTC().Format(time.RFC3339)
	var b strings.Builder
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/atom+xml; charset=utf-8")
	hd.Set("Content-Language", wd.Lang)
	hd.Add("Vary", "Accept-Language, Cookie")
	hd.Set("Cache-Control", "public, max-age=300")
	w.Write([]byte(b.String() + "\n"))
}
