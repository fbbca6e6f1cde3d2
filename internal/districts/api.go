package districts

import (
	"math"
	"net/http"

	"climatevolunteers/internal/web"
)

// apiDistrict is a district in the public JSON API: aggregates only, never a
// person. The OpenAPI document in internal/api describes it.
type apiDistrict struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Population int     `json:"population"`
	AreaKm2    float64 `json:"area_km2"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Volunteers int     `json:"volunteers"`
	// Null when the population is unknown.
	PerThousand *float64 `json:"volunteers_per_1000"`
}

// round keeps figures stable and honest: metres for positions, hundredths
// for the rest (the inputs are not more precise than that).
func round(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p) / p
}

func toAPI(s stat) apiDistrict {
	out := apiDistrict{Code: s.Code, Name: s.Name, Population: s.Population, AreaKm2: round(s.AreaKm2, 2),
		Lat: round(s.Lat, 5), Lon: round(s.Lon, 5), Volunteers: s.Volunteers}
	if s.HasRate {
		r := round(s.PerThousand, 2)
		out.PerThousand = &r
	}
	return out
}

type apiError struct {
	Error string `json:"error"`
}

// apiFail answers 500 in JSON, quoting the request id. The renderer holds
// the only logger, so the error goes through rn.Error with its page thrown
// away: the log line is then the same as for any failed page.
func (h *handlers) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	h.rn.Error(discard{http.Header{}}, r, http.StatusInternalServerError, err)
	web.JSON(w, http.StatusInternalServerError, apiError{"internal error; request id " + web.RequestID(r)})
}

// discard is a ResponseWriter that drops everything.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	stats, err := h.stats(r.Context())
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	out := struct {
		Districts []apiDistrict `json:"districts"`
	}{Districts: make([]apiDistrict, 0, len(stats))}
	for _, s := range stats {
		out.Districts = append(out.Districts, toAPI(s))
	}
	web.JSON(w, http.StatusOK, out)
}

func (h *handlers) apiDistrict(w http.ResponseWriter, r *http.Request) {
	d, err := h.store.Get(r.Context(), r.PathValue("code"))
	if err == ErrNotFound {
		web.JSON(w, http.StatusNotFound, apiError{"no district has the code " + r.PathValue("code")})
		return
	}
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	counts, err := h.counts(r.Context())
	if err != nil {
		h.apiFail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, toAPI(newStat(d, counts[d.Code])))
}
