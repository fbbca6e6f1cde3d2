package initiatives

import (
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// feedSize is how many of the newest initiatives a feed carries: enough for
// a reader polling daily, small enough to stay a few tens of kilobytes.
const feedSize = 50

// The Atom 1.0 document (RFC 4287), as much of it as the feeds use.
// encoding/xml escapes every text and attribute, so titles and summaries
// written by authors cannot break out of their element.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	ID        string        `xml:"id"`
	Title     string        `xml:"title"`
	Updated   string        `xml:"updated"`
	Published string        `xml:"published"`
	Summary   string        `xml:"summary"`
	Content   *atomText     `xml:"content,omitempty"`
	Links     []atomLink    `xml:"link"`
	Category  atomCategory  `xml:"category"`
	Author    []atomPerson  `xml:"author,omitempty"`
	Where     *atomGeoPoint `xml:"http://www.georss.org/georss point,omitempty"`
}

// atomGeoPoint is a GeoRSS-Simple point ("lat lon"), which map-aware
// readers show.
type atomGeoPoint struct {
	Value string `xml:",chardata"`
}

// feedParams are what a feed is made of, beyond its entries.
type feedParams struct {
	Lang      string
	Title     string
	Subtitle  string
	Author    string            // the platform's name
	BaseURL   string            // public address, no trailing slash
	Self      string            // the feed's own address, query included
	Alternate string            // the HTML page listing the same initiatives
	Themes    map[string]string // theme code -> label in Lang
	Now       time.Time         // the feed's date when it has no entry
}

// atomTime writes a date as RFC 3339 in UTC, which Atom requires.
func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// entryID is a tag: URI (RFC 4151) built from the host and the day the
// initiative was published: it never changes with the initiative's title
// or path, and the host owned the name on that day.
func entryID(baseURL string, in Initiative) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	day := in.CreatedAt
	if in.PublishedAt != nil {
		day = *in.PublishedAt
	}
	return "tag:" + host + "," + day.UTC().Format(time.DateOnly) + ":initiative:" + strconv.FormatInt(in.ID, 10)
}

// buildFeed turns the newest initiatives into an Atom feed.
func buildFeed(p feedParams, items []Found) atomFeed {
	f := atomFeed{Lang: p.Lang, ID: p.Self, Title: p.Title, Subtitle: p.Subtitle,
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: p.Self},
			{Rel: "alternate", Type: "text/html", Href: p.Alternate},
		},
		Author: atomPerson{Name: p.Author, URI: p.BaseURL + "/"},
	}
	updated := time.Time{}
	for _, it := range items {
		in := it.Initiative
		link := p.BaseURL + "/initiatives/" + strconv.FormatInt(in.ID, 10)
		published := in.CreatedAt
		if in.PublishedAt != nil {
			published = *in.PublishedAt
		}
		e := atomEntry{ID: entryID(p.BaseURL, in), Title: in.Title, Updated: atomTime(in.UpdatedAt),
			Published: atomTime(published), Summary: in.Summary,
			Links:    []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Category: atomCategory{Term: in.Theme, Label: p.Themes[in.Theme]},
		}
		if in.Description != "" {
			e.Content = &atomText{Type: "html", Body: string(RenderMarkdown(in.Description))}
		}
		if in.Partner != "" {
			e.Author = []atomPerson{{Name: in.Partner}}
		}
		if in.Point != nil {
			e.Where = &atomGeoPoint{strconv.FormatFloat(in.Point.Lat, 'f', 5, 64) + " " + strconv.FormatFloat(in.Point.Lon, 'f', 5, 64)}
		}
		if in.UpdatedAt.After(updated) {
			updated = in.UpdatedAt
		}
		f.Entries = append(f.Entries, e)
	}
	if updated.IsZero() {
		updated = p.Now
	}
	f.Updated = atomTime(updated)
	return f
}

// marshalFeed writes the document with its XML declaration.
func marshalFeed(f atomFeed) ([]byte, error) {
	var b strings.Builder
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	b.WriteString("\n")
	return []byte(b.String()), nil
}
