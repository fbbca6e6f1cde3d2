package web

import (
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The Atom 1.0 document (RFC 4287), as much of it as the platform's feeds
// use. encoding/xml escapes every text and attribute, so titles and
// summaries written by people cannot break out of their element.
type AtomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []AtomLink  `xml:"link"`
	Author   AtomPerson  `xml:"author"`
	Entries  []AtomEntry `xml:"entry"`
}

type AtomLink struct {
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type AtomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type AtomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

type AtomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

// AtomGeoPoint is a GeoRSS-Simple point ("lat lon"), which map-aware
// readers show.
type AtomGeoPoint struct {
	Value string `xml:",chardata"`
}

type AtomEntry struct {
	ID        string        `xml:"id"`
	Title     string        `xml:"title"`
	Updated   string        `xml:"updated"`
	Published string        `xml:"published,omitempty"`
	Summary   string        `xml:"summary"`
	Content   *AtomText     `xml:"content,omitempty"`
	Links     []AtomLink    `xml:"link"`
	Category  *AtomCategory `xml:"category,omitempty"`
	Authors   []AtomPerson  `xml:"author,omitempty"`
	Where     *AtomGeoPoint `xml:"http://www.georss.org/georss point,omitempty"`
}

// AtomTime writes a date as RFC 3339 in UTC, which Atom requires.
func AtomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// AtomTagID is an entry's tag: URI (RFC 4151), built from the site's host
// and a day the host owned its name (the thing's creation): it never changes
// with the thing's title or path.
func AtomTagID(baseURL string, day time.Time, kind string, id int64) string {
	host := "localhost"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return "tag:" + host + "," + day.UTC().Format(time.DateOnly) + ":" + kind + ":" + strconv.FormatInt(id, 10)
}

// MarshalAtom writes the document with its XML declaration.
func MarshalAtom(f AtomFeed) ([]byte, error) {
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
