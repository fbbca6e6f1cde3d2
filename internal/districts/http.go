package districts

import (
	"context"
	"embed"

	"climatevolunteers/internal/web"
)

//go:embed templates
var templates embed.FS

// Locales holds this feature's messages.
//
//go:embed locales
var Locales embed.FS

// Volunteers is what the district pages need from the volunteers feature.
// CountByDistrict counts the volunteers of each district, by code (a count
// shows no one, so private profiles may count); CommunityInDistrict gives the
// display names of a district's profiles whose visibility is "community", at
// most limit of them. The pages show those names to signed-in viewers only.
type Volunteers interface {
	CountByDistrict(ctx context.Context) (map[string]int, error)
	CommunityInDistrict(ctx context.Context, code string, limit int) ([]string, error)
}

// namesShown bounds the names listed on a district page.
const namesShown = 100

type handlers struct {
	rn       *web.Renderer
	store    *Store
	vols     Volunteers // nil: counts are 0 and no names are shown
	list     *web.View
	district *web.View
}

// Register adds the districts pages and their JSON API to the router. vols
// may be nil.
func Register(r *web.Router, rn *web.Renderer, store *Store, vols Volunteers) {
	h := &handlers{rn: rn, store: store, vols: vols,
		list:     rn.MustParse(templates, "templates/list.html"),
		district: rn.MustParse(templates, "templates/district.html"),
	}
	r.HandleFunc("GET /districts", h.listPage)
	r.HandleFunc("GET /districts/{code}", h.districtPage)
	r.HandleFunc("GET /api/v1/districts", h.apiList)
	r.HandleFunc("GET /api/v1/districts/{code}", h.apiDistrict)
}

// counts asks the volunteers feature, when there is one.
func (h *handlers) counts(ctx context.Context) (map[string]int, error) {
	if h.vols == nil {
		return map[string]int{}, nil
	}
	return h.vols.CountByDistrict(ctx)
}

// stat is a district with its volunteers.
type stat struct {
	District
	Volunteers int
	// PerThousand is volunteers per 1,000 residents; HasRate is false when
	// the population is unknown (zero), where a rate would mean nothing.
	PerThousand float64
	HasRate     bool
}

func newStat(d District, count int) stat {
	s := stat{District: d, Volunteers: count}
	if d.Population > 0 {
		s.PerThousand, s.HasRate = float64(count)*1000/float64(d.Population), true
	}
	return s
}

// stats lists every district with its volunteers.
func (h *handlers) stats(ctx context.Context) ([]stat, error) {
	ds, err := h.store.List(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := h.counts(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]stat, len(ds))
	for i, d := range ds {
		out[i] = newStat(d, counts[d.Code])
	}
	return out, nil
}
