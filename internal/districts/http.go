package districts

import (
	"embed"
	"net/http"

	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

type handlers struct {
	rn    *web.Renderer
	store *Store
	list  *web.View
}

// Register adds the districts pages to the router.
func Register(r *web.Router, rn *web.Renderer, store *Store) {
	h := &handlers{rn: rn, store: store, list: rn.MustParse(templates, "templates/list.html")}
	r.HandleFunc("GET /districts", h.listPage)
}

type listData struct {
	Districts       []District
	TotalPopulation int
	TotalArea       float64
}

func (h *handlers) listPage(w http.ResponseWriter, r *http.Request) {
	ds, err := h.store.List(r.Context())
	if err != nil {
		h.rn.Error(w, r, http.StatusInternalServerError, err)
		return
	}
	data := listData{Districts: ds}
	for _, d := range ds {
		data.TotalPopulation += d.Population
		data.TotalArea += d.AreaKm2
	}
	h.rn.Render(w, r, http.StatusOK, h.list, web.Page{Title: h.rn.T(r, "districts.title"), Data: data})
}
