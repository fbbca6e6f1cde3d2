// Package home serves the home page: what the platform is, for whom, and the
// key figures of the city's climate plan with their sources.
package home

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

// Fact is a figure shown on the home page, with its source. Facts belong to
// the city (Paris's come with the demo), so they live in the database rather
// than in the catalog.
type Fact struct {
	Value  int64             `json:"value"`
	Year   bool              `json:"year,omitempty"` // a year: shown without thousands separator
	Unit   string            `json:"unit,omitempty"` // "%" or empty
	Label  map[string]string `json:"label"`          // by language
	Source map[string]string `json:"source"`         // by language
}

const factsKey = "home.facts"

// SaveFacts replaces the city's figures inside tx.
func SaveFacts(ctx context.Context, tx *db.Tx, facts []Fact) error {
	b, err := json.Marshal(facts)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO app_meta (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		factsKey, string(b), time.Now().UTC())
	return err
}

func loadFacts(ctx context.Context, d *db.DB) ([]Fact, error) {
	var raw string
	err := d.QueryRow(ctx, "SELECT value FROM app_meta WHERE key = ?", factsKey).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var facts []Fact
	return facts, json.Unmarshal([]byte(raw), &facts)
}

// DistrictCounter is what home needs from the districts feature.
type DistrictCounter interface {
	Count(ctx context.Context) (int, error)
}

type handlers struct {
	rn        *web.Renderer
	db        *db.DB
	districts DistrictCounter
	city      string
	page      *web.View
}

// Register adds the home page.
func Register(r *web.Router, rn *web.Renderer, d *db.DB, districts DistrictCounter, city string) {
	h := &handlers{rn: rn, db: d, districts: districts, city: city, page: rn.MustParse(templates, "templates/home.html")}
	r.HandleFunc("GET /{$}", h.home)
}

type shownFact struct {
	Value  int64
	Year   bool
	Unit   string
	Label  string
	Source string
}

type homeData struct {
	City      string
	Facts     []shownFact
	Districts int
}

func (h *handlers) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	facts, err := loadFacts(ctx, h.db)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	n, err := h.districts.Count(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	lang := web.Lang(r)
	data := homeData{City: h.city, Districts: n}
	for _, f := range facts {
		data.Facts = append(data.Facts, shownFact{Value: f.Value, Year: f.Year, Unit: f.Unit,
			Label: inLang(f.Label, lang), Source: inLang(f.Source, lang)})
	}
	h.rn.Render(w, r, http.StatusOK, h.page, web.Page{Title: h.rn.T(r, "home.title"), Data: data})
}

// inLang picks the text in lang, falling back on French, the default.
func inLang(texts map[string]string, lang string) string {
	if s := texts[lang]; s != "" {
		return s
	}
	return texts["fr"]
}
