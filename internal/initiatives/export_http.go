package initiatives

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/web"
)

// exportBatch is how many initiatives an export asks Find for at a time.
const exportBatch = MaxLimit

// eachVisible calls fn for every visible initiative that matches f, newest
// first, walking the keyset order in batches.
func (h *handlers) eachVisible(ctx context.Context, f publicFilter, fn func(Initiative) error) error {
	q := Query{Theme: f.Theme, District: f.District, Sort: SortNewest, Limit: exportBatch}
	for {
		res, err := h.svc.store.Find(ctx, q)
		if err != nil {
			return err
		}
		for _, it := range res.Items {
			if err := fn(it.Initiative); err != nil {
				return err
			}
		}
		if res.Next == nil {
			return nil
		}
		q.After = res.Next
	}
}

// exportFilter reads the filter of an export; it answers 400 and returns
// false when a value is unknown.
func (h *handlers) exportFilter(w http.ResponseWriter, r *http.Request) (publicFilter, bool) {
	f, _, bad, err := h.readFilter(r.Context(), r.URL.Query())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return f, false
	}
	if bad != "" {
		h.rn.Error(w, r, http.StatusBadRequest, nil)
		return f, false
	}
	return f, true
}

// exportName is the download's file name: what it holds and the day.
func exportName(f publicFilter, ext string) string {
	name := "initiatives"
	if f.Theme != "" {
		name += "-" + f.Theme
	}
	if f.District != "" {
		name += "-district-" + f.District
	}
	return name + "-" + db.Now().Format(time.DateOnly) + "." + ext
}

// collectVisible reads the whole export before anything is written, so a
// failure half-way is a clean error page rather than a truncated file.
func (h *handlers) collectVisible(ctx context.Context, f publicFilter) ([]Initiative, error) {
	var out []Initiative
	err := h.eachVisible(ctx, f, func(in Initiative) error {
		out = append(out, in)
		return nil
	})
	return out, err
}

var csvHeader = []string{"id", "title", "summary", "description", "theme", "district", "address", "lat", "lon",
	"starts_on", "ends_on", "ongoing", "contact", "links", "image_url", "partner", "status", "participants", "followers",
	"published_at", "url"}

func csvRow(a apiInitiative) []string {
	opt := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	var lat, lon string
	if a.Point != nil {
		lat, lon = strconv.FormatFloat(a.Point.Lat, 'f', -1, 64), strconv.FormatFloat(a.Point.Lon, 'f', -1, 64)
	}
	return []string{strconv.FormatInt(a.ID, 10), web.CSVCell(a.Title), web.CSVCell(a.Summary), web.CSVCell(a.Description), a.Theme,
		opt(a.District), web.CSVCell(a.Address), lat, lon, opt(a.StartsOn), opt(a.EndsOn), strconv.FormatBool(a.Ongoing),
		web.CSVCell(a.Contact), web.CSVCell(strings.Join(a.Links, " ")), opt(a.ImageURL), web.CSVCell(opt(a.Partner)), a.Status,
		strconv.Itoa(a.Participants), strconv.Itoa(a.Followers), a.PublishedAt.Format(time.RFC3339), a.URL}
}

func (h *handlers) exportCSV(w http.ResponseWriter, r *http.Request) {
	f, ok := h.exportFilter(w, r)
	if !ok {
		return
	}
	all, err := h.collectVisible(r.Context(), f)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/csv; charset=utf-8")
	hd.Set("Content-Disposition", `attachment; filename="`+exportName(f, "csv")+`"`)
	hd.Set("Cache-Control", "public, max-age=300")
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, in := range all {
		cw.Write(csvRow(toAPI(h.svc.BaseURL, in)))
	}
	cw.Flush()
}

// GeoJSON (RFC 7946): positions are [longitude, latitude].
type geoCollection struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
}

type geoFeature struct {
	Type       string        `json:"type"`
	ID         int64         `json:"id"`
	Geometry   geoPoint      `json:"geometry"`
	Properties apiInitiative `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

func (h *handlers) exportGeoJSON(w http.ResponseWriter, r *http.Request) {
	f, ok := h.exportFilter(w, r)
	if !ok {
		return
	}
	all, err := h.collectVisible(r.Context(), f)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	out := geoCollection{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(all))}
	for _, in := range all {
		// Geo is the given point, or the district's centroid: every
		// initiative has a place on the map; properties.point tells which.
		out.Features = append(out.Features, geoFeature{Type: "Feature", ID: in.ID,
			Geometry:   geoPoint{Type: "Point", Coordinates: [2]float64{round5(in.Geo.Lon), round5(in.Geo.Lat)}},
			Properties: toAPI(h.svc.BaseURL, in)})
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/geo+json")
	hd.Set("Content-Disposition", `attachment; filename="`+exportName(f, "geojson")+`"`)
	hd.Set("Cache-Control", "public, max-age=300")
	json.NewEncoder(w).Encode(out)
}
