package initiatives

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/web"
)

func TestFeedEscapesAndHoldsTheRequiredElements(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	items := []Found{{Initiative: Initiative{ID: 7, Title: `<script>alert("x")</script> & co`, Summary: "Fin ]]> de \x01bloc",
		Description: "**gras** <b>brut</b>", Theme: "waste", Status: Published, CreatedAt: at, UpdatedAt: at.Add(time.Hour),
		PublishedAt: &at, Point: &Point{Lat: 48.86, Lon: 2.38}}}}
	p := feedParams{Lang: "fr", Title: "Initiatives", Author: "Volontaires", BaseURL: "https://volontaires.example",
		Self: "https://volontaires.example/initiatives/feed.atom?theme=waste", Alternate: "https://volontaires.example/initiatives?theme=waste",
		Themes: map[string]string{"waste": "Déchets"}, Now: at.Add(48 * time.Hour)}
	out, err := web.MarshalAtom(buildFeed(p, items))
	if err != nil {
		t.Fatal(err)
	}
	raw := string(out)
	if strings.Contains(raw, "<script>") || strings.Contains(raw, "<b>") || !strings.HasPrefix(raw, `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Errorf("unescaped feed:\n%s", raw)
	}
	var back struct {
		Lang    string `xml:"lang,attr"`
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Author  string `xml:"author>name"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entry struct {
			ID        string `xml:"id"`
			Title     string `xml:"title"`
			Updated   string `xml:"updated"`
			Published string `xml:"published"`
			Summary   string `xml:"summary"`
			Content   string `xml:"content"`
			Category  struct {
				Term  string `xml:"term,attr"`
				Label string `xml:"label,attr"`
			} `xml:"category"`
			Link struct {
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Point string `xml:"point"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(out, &back); err != nil {
		t.Fatalf("not XML: %v\n%s", err, raw)
	}
	e := back.Entry
	if back.Lang != "fr" || back.ID != p.Self || back.Updated != "2026-03-01T10:30:00Z" || back.Author != "Volontaires" || len(back.Links) != 2 ||
		back.Links[0].Rel != "self" || back.Links[1].Rel != "alternate" {
		t.Errorf("feed head: %+v", back)
	}
	if e.ID != "tag:volontaires.example,2026-03-01:initiative:7" || e.Title != items[0].Title || e.Published != "2026-03-01T09:30:00Z" ||
		e.Updated != "2026-03-01T10:30:00Z" || e.Summary != "Fin ]]> de \uFFFDbloc" || e.Category.Term != "waste" || e.Category.Label != "Déchets" ||
		e.Link.Href != "https://volontaires.example/initiatives/7" || e.Point != "48.86000 2.38000" ||
		!strings.Contains(e.Content, "<strong>gras</strong>") || strings.Contains(e.Content, "<b>") {
		t.Errorf("entry: %+v", e)
	}

	// Without entries the feed is still valid, dated now.
	empty, _ := web.MarshalAtom(buildFeed(p, nil))
	if !strings.Contains(string(empty), "<updated>2026-03-03T09:30:00Z</updated>") || strings.Contains(string(empty), "<entry>") {
		t.Errorf("empty feed:\n%s", empty)
	}
}
