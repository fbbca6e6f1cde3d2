package districts

import (
	"net/http"

	"climatevolunteers/internal/maps"
	"climatevolunteers/internal/web"
)

type listData struct {
	Districts       []stat
	Map             maps.Map
	TotalPopulation int
	TotalArea       float64
	TotalVolunteers int
	TotalRate       float64
	HasTotalRate    bool
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stats, err := h.stats(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	shapes, err := h.store.Shapes(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := listData{Districts: stats}
	areas := make([]maps.Area, len(stats))
	for i, s := range stats {
		data.TotalPopulation += s.Population
		data.TotalArea += s.AreaKm2
		data.TotalVolunteers += s.Volunteers
		areas[i] = Area(s.District, shapes)
		areas[i].Value, areas[i].HasValue = s.PerThousand, s.HasRate
	}
	if data.TotalPopulation > 0 {
		data.TotalRate = float64(data.TotalVolunteers) * 1000 / float64(data.TotalPopulation)
		data.HasTotalRate = true
	}
	data.Map = maps.Choropleth(areas, maps.Options{
		ID: "districts-map", Lang: web.Lang(r), Decimals: 1,
		Title:       h.rn.T(r, "districts.map.title"),
		Desc:        h.rn.T(r, "districts.map.desc"),
		LegendTitle: h.rn.T(r, "districts.map.legend"),
		NoData:      h.rn.T(r, "districts.no_data"),
	})
	h.rn.Render(w, r, http.StatusOK, h.list, web.Page{Title: h.rn.T(r, "districts.title"), Data: data})
}

// Area turns a district into a map area, with its boundary when known.
func Area(d District, shapes map[string][]maps.Polygon) maps.Area {
	return maps.Area{ID: d.Code, Name: d.Name, Label: d.Code, Lat: d.Lat, Lon: d.Lon, Shape: shapes[d.Code]}
}

// CountAreas are the districts as map areas valued by a count each (zero
// when absent): the maps of a list's selection.
func CountAreas(ds []District, shapes map[string][]maps.Polygon, counts map[string]int) []maps.Area {
	areas := make([]maps.Area, len(ds))
	for i, d := range ds {
		areas[i] = Area(d, shapes)
		areas[i].Value, areas[i].HasValue = float64(counts[d.Code]), true
	}
	return areas
}

type districtData struct {
	stat
	Map      maps.Map
	SignedIn bool
	Names    []string
	Capped   bool // the list stops at namesShown
}

func (h *handlers) districtPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stats, err := h.stats(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	code := r.PathValue("code")
	var data districtData
	found := false
	for _, s := range stats {
		if s.Code == code {
			data.stat, found = s, true
		}
	}
	if !found {
		h.rn.Error(w, r, http.StatusNotFound, nil)
		return
	}
	shapes, err := h.store.Shapes(ctx)
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	areas := make([]maps.Area, len(stats))
	for i, s := range stats {
		areas[i] = Area(s.District, shapes)
	}
	data.Map = maps.Locator(areas, code, maps.Options{
		ID: "district-map", Lang: web.Lang(r),
		Title: h.rn.T(r, "districts.locator.title", data.Name),
		Desc:  h.rn.T(r, "districts.locator.desc", data.Name),
	})
	// Names are for members only: visitors learn that the list exists.
	if web.ViewerOf(r) != nil {
		data.SignedIn = true
		if h.vols != nil {
			data.Names, err = h.vols.CommunityInDistrict(ctx, code, namesShown)
			if err != nil {
				h.rn.Error(w, r, http.StatusInternalServerError, err)
				return
			}
			data.Capped = len(data.Names) >= namesShown
		}
	}
	h.rn.Render(w, r, http.StatusOK, h.district, web.Page{Title: data.Name, Data: data})
}
