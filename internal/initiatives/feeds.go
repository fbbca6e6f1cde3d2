package initiatives

import (
	"strconv"
	"time"

	"climatevolunteers/internal/web"
)

// feedSize is how many of the newest initiatives a feed carries: enough for
// a reader polling daily, small enough to stay a few tens of kilobytes.
const feedSize = 50

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

// entryID names an initiative's entry after the day it was published.
func entryID(baseURL string, in Initiative) string {
	day := in.CreatedAt
	if in.PublishedAt != nil {
		day = *in.PublishedAt
	}
	return web.AtomTagID(baseURL, day, "initiative", in.ID)
}

// buildFeed turns the newest initiatives into an Atom feed.
func buildFeed(p feedParams, items []Found) web.AtomFeed {
	f := web.AtomFeed{Lang: p.Lang, ID: p.Self, Title: p.Title, Subtitle: p.Subtitle,
		Links: []web.AtomLink{
			{Rel: "self", Type: "application/atom+xml", Href: p.Self},
			{Rel: "alternate", Type: "text/html", Href: p.Alternate},
		},
		Author: web.AtomPerson{Name: p.Author, URI: p.BaseURL + "/"},
	}
	updated := time.Time{}
	for _, it := range items {
		in := it.Initiative
		link := p.BaseURL + "/initiatives/" + strconv.FormatInt(in.ID, 10)
		published := in.CreatedAt
		if in.PublishedAt != nil {
			published = *in.PublishedAt
		}
		e := web.AtomEntry{ID: entryID(p.BaseURL, in), Title: in.Title, Updated: web.AtomTime(in.UpdatedAt),
			Published: web.AtomTime(published), Summary: in.Summary,
			Links:    []web.AtomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Category: &web.AtomCategory{Term: in.Theme, Label: p.Themes[in.Theme]},
		}
		if in.Description != "" {
			e.Content = &web.AtomText{Type: "html", Body: string(RenderMarkdown(in.Description))}
		}
		if in.Partner != "" {
			e.Authors = []web.AtomPerson{{Name: in.Partner}}
		}
		if in.Point != nil {
			e.Where = &web.AtomGeoPoint{Value: strconv.FormatFloat(in.Point.Lat, 'f', 5, 64) + " " + strconv.FormatFloat(in.Point.Lon, 'f', 5, 64)}
		}
		if in.UpdatedAt.After(updated) {
			updated = in.UpdatedAt
		}
		f.Entries = append(f.Entries, e)
	}
	if updated.IsZero() {
		updated = p.Now
	}
	f.Updated = web.AtomTime(updated)
	return f
}
