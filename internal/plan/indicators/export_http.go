package indicators

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"climatevolunteers/internal/web"
)

func (h *handlers) exportCSV(w http.ResponseWriter, r *http.Request) {
	entries, err := h.svc.All(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, entries); err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="plan-indicators.csv"`)
	w.Write(b.Bytes())
}

// APIIndicator is an indicator in the JSON export and the API
// (GET /api/v1/plan/indicators).
type APIIndicator struct {
	ID            int64      `json:"id"`
	Slug          string     `json:"slug"`
	Name          string     `json:"name"`
	Description   string     `json:"description"`
	Unit          string     `json:"unit"`
	Direction     string     `json:"direction"`
	BaselineYear  int        `json:"baseline_year"`
	BaselineValue float64    `json:"baseline_value"`
	Theme         *string    `json:"theme"` // the theme's slug
	Source        string     `json:"source"`
	Goals         []APIGoal  `json:"goals"`
	Values        []APIValue `json:"values"`
	Latest        *APIValue  `json:"latest"`
	Status        string     `json:"status"`
	UpdatedAt     string     `json:"updated_at"`
	URL           string     `json:"url"`
}

// APIGoal is a goal of the API.
type APIGoal struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// APIValue is a value of the API; date is null for a yearly figure.
type APIValue struct {
	Year   int     `json:"year"`
	Date   *string `json:"date"`
	Value  float64 `json:"value"`
	Source string  `json:"source"`
}

func apiValue(v Value) APIValue {
	out := APIValue{Year: v.year(), Value: v.Value, Source: v.Source}
	if d := v.DateText(); d != "" {
		out.Date = &d
	}
	return out
}

// APIOf turns stored indicators into the API's objects.
func APIOf(entries []Entry) []APIIndicator {
	out := make([]APIIndicator, 0, len(entries))
	for _, e := range entries {
		a := APIIndicator{ID: e.ID, Slug: e.Slug, Name: e.Name, Description: e.Description, Unit: e.Unit,
			Direction: string(e.Direction), BaselineYear: e.BaselineYear, BaselineValue: e.BaselineValue, Source: e.Source,
			Goals: []APIGoal{}, Values: []APIValue{}, Status: string(e.Status()),
			UpdatedAt: e.UpdatedAt.Format(time.RFC3339), URL: PublicPath + "/" + strconv.FormatInt(e.ID, 10)}
		if e.ThemeSlug != "" {
			slug := e.ThemeSlug
			a.Theme = &slug
		}
		for _, p := range NewTrajectory(e.Indicator).Points()[1:] {
			a.Goals = append(a.Goals, APIGoal{p.Year, p.Value})
		}
		for _, v := range e.Values {
			a.Values = append(a.Values, apiValue(v.Value))
		}
		if l, ok := e.Latest(); ok {
			lv := apiValue(l)
			a.Latest = &lv
		}
		out = append(out, a)
	}
	return out
}

func (h *handlers) exportJSON(w http.ResponseWriter, r *http.Request) {
	entries, err := h.svc.All(r.Context())
	if err != nil {
		// A JSON client gets JSON, as the OpenAPI document says, not the
		// HTML error page.
		h.rn.LogError(r, err)
		web.JSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error; request id " + web.RequestID(r)})
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"indicators": APIOf(entries)})
}
