package matching

import (
	"math"
	"slices"
	"strings"
)

const (
	earthRadius = 6371008.8 // metres, mean radius
	degToRad    = math.Pi / 180
)

// DistanceMeters is the distance used for costs and MaxKm: equirectangular
// approximation, rounded to the metre.
func DistanceMeters(lat1, lon1, lat2, lon2 float64) int64 {
	return distRad(lat1*degToRad, lon1*degToRad, lat2*degToRad, lon2*degToRad)
}

func distRad(lat1, lon1, lat2, lon2 float64) int64 {
	x := (lon2 - lon1) * math.Cos((lat1+lat2)/2)
	y := lat2 - lat1
	return int64(math.Round(earthRadius * math.Sqrt(x*x+y*y)))
}

// candGraph is the bipartite candidate graph in compressed rows: person i's
// edges are candStart[i]..candStart[i+1].
type candGraph struct {
	n, m       int
	candStart  []int32
	candVol    []int32
	candCost   []int64 // metres + bonus, minus bonus for last episode's pair
	candMeters []int64
	candPrev   []bool
	capacity   []int32
	maxCost    int64
}

// grid is a uniform grid over the volunteers who speak one language.
type grid struct {
	minLat, minLon   float64 // radians
	cellLat, cellLon float64 // radians
	nx, ny           int
	start            []int32 // cell c holds vols[start[c]:start[c+1]]
	vols             []int32 // volunteer indices, ascending within a cell
	ringMeters       float64 // every point r rings away is at least r*ringMeters away
}

func newGrid(vols []int32, lat, lon []float64, cosMin float64) *grid {
	minLat, maxLat := math.Inf(1), math.Inf(-1)
	minLon, maxLon := math.Inf(1), math.Inf(-1)
	for _, v := range vols {
		minLat, maxLat = min(minLat, lat[v]), max(maxLat, lat[v])
		minLon, maxLon = min(minLon, lon[v]), max(maxLon, lon[v])
	}
	cosMid := max(math.Cos((minLat+maxLat)/2), 1e-6)
	h := (maxLat - minLat) * earthRadius
	w := (maxLon - minLon) * earthRadius * cosMid
	// About two volunteers per cell keeps both the rings scanned and the
	// empty cells few.
	target := float64(max(len(vols)/2, 1))
	cs := math.Sqrt(w * h / target)
	if cs == 0 || math.IsNaN(cs) {
		cs = max(w, h) / target
	}
	cs = max(cs, 1)
	limit := 4*len(vols) + 16
	g := &grid{minLat: minLat, minLon: minLon}
	for {
		g.cellLat = cs / earthRadius
		g.cellLon = cs / (earthRadius * cosMid)
		g.nx = int((maxLon-minLon)/g.cellLon) + 1
		g.ny = int((maxLat-minLat)/g.cellLat) + 1
		if g.nx*g.ny <= limit {
			break
		}
		cs *= 1.5
	}
	// Half a metre of slack absorbs rounding in cell assignment.
	g.ringMeters = max(earthRadius*min(g.cellLat, g.cellLon*cosMin)-0.5, 0)

	g.start = make([]int32, g.nx*g.ny+1)
	cells := make([]int32, len(vols))
	for i, v := range vols {
		c := g.cell(lat[v], lon[v])
		cells[i] = int32(c)
		g.start[c+1]++
	}
	for c := 1; c < len(g.start); c++ {
		g.start[c] += g.start[c-1]
	}
	g.vols = make([]int32, len(vols))
	fill := slices.Clone(g.start[:len(g.start)-1])
	for i, v := range vols {
		c := cells[i]
		g.vols[fill[c]] = v
		fill[c]++
	}
	return g
}

// cell clamps points outside the grid to its border; distance bounds still
// hold because such points are only further from the cells beyond.
func (g *grid) cell(lat, lon float64) int {
	cx := min(max(int((lon-g.minLon)/g.cellLon), 0), g.nx-1)
	cy := min(max(int((lat-g.minLat)/g.cellLat), 0), g.ny-1)
	return cy*g.nx + cx
}

// nearest keeps the k smallest (metres, volunteer) pairs in order.
type nearest struct {
	k     int
	meter []int64
	vol   []int32
}

func (h *nearest) full() bool { return len(h.vol) == h.k }

func (h *nearest) offer(d int64, v int32) {
	n := len(h.vol)
	if n == h.k && (d > h.meter[n-1] || d == h.meter[n-1] && v > h.vol[n-1]) {
		return
	}
	i := n
	for i > 0 && (h.meter[i-1] > d || h.meter[i-1] == d && h.vol[i-1] > v) {
		i--
	}
	if n < h.k {
		h.meter = append(h.meter, 0)
		h.vol = append(h.vol, 0)
	} else {
		n--
	}
	copy(h.meter[i+1:n+1], h.meter[i:n])
	copy(h.vol[i+1:n+1], h.vol[i:n])
	h.meter[i], h.vol[i] = d, v
}

func buildCandidates(ps []Person, vs []Volunteer, k int, maxM, bonus int64) *candGraph {
	n, m := len(ps), len(vs)
	g := &candGraph{n: n, m: m, candStart: make([]int32, n+1), capacity: make([]int32, m)}

	// Language ids come from volunteers only: a language no volunteer speaks
	// cannot make a pair.
	langID := map[string]int32{}
	vLang := make([][]int32, m)
	for j, v := range vs {
		g.capacity[j] = int32(v.Capacity)
		for _, l := range v.Languages {
			l = normLang(l)
			if l == "" {
				continue
			}
			id, ok := langID[l]
			if !ok {
				id = int32(len(langID))
				langID[l] = id
			}
			vLang[j] = append(vLang[j], id)
		}
		slices.Sort(vLang[j])
		vLang[j] = slices.Compact(vLang[j])
	}
	pLang := make([][]int32, n)
	for i, p := range ps {
		for _, l := range p.Languages {
			if id, ok := langID[normLang(l)]; ok {
				pLang[i] = append(pLang[i], id)
			}
		}
		slices.Sort(pLang[i])
		pLang[i] = slices.Compact(pLang[i])
	}

	lat := make([]float64, m)
	lon := make([]float64, m)
	cosMin := 1.0
	for j, v := range vs {
		lat[j], lon[j] = v.Lat*degToRad, v.Lon*degToRad
		cosMin = min(cosMin, math.Cos(lat[j]))
	}
	for _, p := range ps {
		cosMin = min(cosMin, math.Cos(p.Lat*degToRad))
	}
	cosMin = max(cosMin, 0)

	// One grid per language, or per language and district for people with a
	// District: a person speaking a rare language, or living in a district
	// few volunteers cover, searches only among those who may take them
	// instead of scanning past thousands of others. Only the grids some
	// person searches are built.
	keyID := map[gridKey]int32{}
	pKeys := make([][]int32, n)
	for i, p := range ps {
		d := strings.TrimSpace(p.District)
		for _, l := range pLang[i] {
			k := gridKey{l, d}
			id, ok := keyID[k]
			if !ok {
				id = int32(len(keyID))
				keyID[k] = id
			}
			pKeys[i] = append(pKeys[i], id)
		}
	}
	members := make([][]int32, len(keyID))
	for j := range vs {
		if vs[j].Capacity == 0 {
			continue
		}
		for _, l := range vLang[j] {
			if id, ok := keyID[gridKey{l, ""}]; ok {
				members[id] = append(members[id], int32(j))
			}
			for _, d := range coveredDistricts(vs[j]) {
				if id, ok := keyID[gridKey{l, d}]; ok {
					members[id] = append(members[id], int32(j))
				}
			}
		}
	}
	grids := make([]*grid, len(keyID))
	for id, vols := range members {
		if len(vols) > 0 {
			grids[id] = newGrid(vols, lat, lon, cosMin)
		}
	}

	seen := make([]int32, m) // person index + 1 that last looked at a volunteer
	h := &nearest{k: k, meter: make([]int64, 0, k), vol: make([]int32, 0, k)}
	g.candVol = make([]int32, 0, n*k)
	g.candMeters = make([]int64, 0, n*k)
	g.candPrev = make([]bool, 0, n*k)
	for i, p := range ps {
		plat, plon := p.Lat*degToRad, p.Lon*degToRad
		h.meter, h.vol = h.meter[:0], h.vol[:0]
		mark := int32(i + 1)
		for _, id := range pKeys[i] {
			if gr := grids[id]; gr != nil {
				gr.search(plat, plon, lat, lon, seen, mark, maxM, h)
			}
		}
		for c := range h.vol {
			g.candVol = append(g.candVol, h.vol[c])
			g.candMeters = append(g.candMeters, h.meter[c])
			g.candPrev = append(g.candPrev, vs[h.vol[c]].ID == p.Previous)
		}
		if p.Previous != 0 {
			j, ok := slices.BinarySearchFunc(vs, p.Previous, func(v Volunteer, id int64) int { return cmpInt64(v.ID, id) })
			if ok && !slices.Contains(h.vol, int32(j)) && vs[j].Capacity > 0 && shareLanguage(pLang[i], vLang[j]) &&
				covers(vs[j], p.District) {
				if d := distRad(plat, plon, lat[j], lon[j]); d <= maxM {
					g.candVol = append(g.candVol, int32(j))
					g.candMeters = append(g.candMeters, d)
					g.candPrev = append(g.candPrev, true)
				}
			}
		}
		g.candStart[i+1] = int32(len(g.candVol))
	}

	g.candCost = make([]int64, len(g.candVol))
	for e, d := range g.candMeters {
		c := d + bonus
		if g.candPrev[e] {
			c = d
		}
		g.candCost[e] = c
		g.maxCost = max(g.maxCost, c)
	}
	return g
}

// search offers to h every volunteer of the grid that may be among the k
// nearest, scanning square rings of cells outwards until no unseen cell can
// hold a closer one.
func (g *grid) search(plat, plon float64, lat, lon []float64, seen []int32, mark int32, maxM int64, h *nearest) {
	c := g.cell(plat, plon)
	cx, cy := c%g.nx, c/g.nx
	last := max(cx, g.nx-1-cx, cy, g.ny-1-cy)
	scan := func(x, y int) {
		cell := y*g.nx + x
		for _, v := range g.vols[g.start[cell]:g.start[cell+1]] {
			if seen[v] == mark {
				continue
			}
			seen[v] = mark
			if d := distRad(plat, plon, lat[v], lon[v]); d <= maxM {
				h.offer(d, v)
			}
		}
	}
	for r := 0; ; r++ {
		x0, x1 := max(cx-r, 0), min(cx+r, g.nx-1)
		for _, y := range [2]int{cy - r, cy + r} {
			if y >= 0 && y < g.ny {
				for x := x0; x <= x1; x++ {
					scan(x, y)
				}
			}
			if r == 0 {
				break
			}
		}
		for y := max(cy-r+1, 0); y <= min(cy+r-1, g.ny-1); y++ {
			if x := cx - r; x >= 0 {
				scan(x, y)
			}
			if x := cx + r; x < g.nx {
				scan(x, y)
			}
		}
		if r >= last {
			return
		}
		// Cells not yet scanned are more than r rings away.
		bound := int64(math.Round(float64(r) * g.ringMeters))
		if bound > maxM || h.full() && bound > h.meter[len(h.meter)-1] {
			return
		}
	}
}

// gridKey names a grid: a language id and a district ("" for any).
type gridKey struct {
	lang     int32
	district string
}

// coveredDistricts lists a volunteer's districts once each, trimmed.
func coveredDistricts(v Volunteer) []string {
	var out []string
	for _, d := range v.Districts {
		if d = strings.TrimSpace(d); d != "" && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// covers reports whether v may be given a person of district ("" is
// anywhere).
func covers(v Volunteer, district string) bool {
	district = strings.TrimSpace(district)
	return district == "" || slices.Contains(coveredDistricts(v), district)
}

func shareLanguage(a, b []int32) bool {
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}
