package maps

import (
	"cmp"
	"math"
	"slices"
)

// cell is a tile's place in the grid.
type cell struct{ col, row int }

// gridLayout places each area on its own cell of a grid, as near as it can
// to where its centroid lies: the tile-grid map used when boundaries are
// unknown. Empty outer rows and columns are trimmed.
//
// It returns the cells (in the order of areas), the grid's size, and the
// function that maps a position into fractional grid coordinates (for
// markers).
func gridLayout(areas []Area) ([]cell, int, int, func(lon, lat float64) (float64, float64)) {
	n := len(areas)
	b := newBounds()
	for _, a := range areas {
		b.add(a.Lon, a.Lat)
	}
	k := math.Cos((b.minLat + b.maxLat) / 2 * math.Pi / 180)
	w := math.Max((b.maxLon-b.minLon)*k, 1e-9)
	h := math.Max(b.maxLat-b.minLat, 1e-9)
	aspect := math.Min(math.Max(w/h, 0.25), 4)
	// Room for about twice as many cells as areas leaves space to keep the
	// shape without crowding.
	cols := max(1, int(math.Round(math.Sqrt(2*float64(n)*aspect))))
	rows := max(1, int(math.Round(math.Sqrt(2*float64(n)/aspect))))
	for cols*rows < n {
		rows++
	}
	toGrid := func(lon, lat float64) (float64, float64) {
		return (lon*k - b.minLon*k) / w * float64(cols-1), (b.maxLat - lat) / h * float64(rows-1)
	}

	fx, fy := make([]float64, n), make([]float64, n)
	for i, a := range areas {
		fx[i], fy[i] = toGrid(a.Lon, a.Lat)
	}
	cells := assign(fx, fy, cols, rows)
	return trim(cells, toGrid)
}

// trim drops empty outer rows and columns.
func trim(cells []cell, toGrid func(lon, lat float64) (float64, float64)) ([]cell, int, int, func(lon, lat float64) (float64, float64)) {
	if len(cells) == 0 {
		return cells, 0, 0, toGrid
	}
	minC, minR, maxC, maxR := cells[0].col, cells[0].row, cells[0].col, cells[0].row
	for _, c := range cells {
		minC, maxC = min(minC, c.col), max(maxC, c.col)
		minR, maxR = min(minR, c.row), max(maxR, c.row)
	}
	for i := range cells {
		cells[i].col -= minC
		cells[i].row -= minR
	}
	shifted := func(lon, lat float64) (float64, float64) {
		x, y := toGrid(lon, lat)
		return x - float64(minC), y - float64(minR)
	}
	return cells, maxC - minC + 1, maxR - minR + 1, shifted
}

// assign gives each wanted point (fx, fy) its own cell, keeping the total
// squared displacement low: a greedy matching of the closest pairs first,
// then moves and swaps while they help. Squares of distances make one long
// displacement cost more than several short ones, which keeps neighbours
// together.
func assign(fx, fy []float64, cols, rows int) []cell {
	n := len(fx)
	cost := func(i int, c cell) float64 {
		dx, dy := float64(c.col)-fx[i], float64(c.row)-fy[i]
		return dx*dx + dy*dy
	}
	type pair struct {
		i int
		c cell
		d float64
	}
	pairs := make([]pair, 0, n*cols*rows)
	for i := range n {
		for r := range rows {
			for c := range cols {
				pairs = append(pairs, pair{i, cell{c, r}, cost(i, cell{c, r})})
			}
		}
	}
	// Ties go to the first area and the upper-left cell: a stable layout.
	slices.SortStableFunc(pairs, func(p, q pair) int { return cmp.Compare(p.d, q.d) })
	cells := make([]cell, n)
	done := make([]bool, n)
	owner := map[cell]int{}
	for _, p := range pairs {
		if _, taken := owner[p.c]; taken || done[p.i] {
			continue
		}
		cells[p.i], done[p.i], owner[p.c] = p.c, true, p.i
	}
	// Improve: move an area to a better free cell, or swap two areas. Each
	// change lowers the total, so the loop ends; the bound keeps it short.
	for round := 0; round < 20; round++ {
		improved := false
		for i := range n {
			for r := range rows {
				for c := range cols {
					to := cell{c, r}
					j, taken := owner[to]
					switch {
					case !taken:
						if cost(i, to) < cost(i, cells[i])-1e-9 {
							delete(owner, cells[i])
							cells[i], owner[to], improved = to, i, true
						}
					case j != i:
						if cost(i, to)+cost(j, cells[i]) < cost(i, cells[i])+cost(j, to)-1e-9 {
							from := cells[i]
							cells[i], cells[j] = to, from
							owner[to], owner[from], improved = i, j, true
						}
					}
				}
			}
		}
		if !improved {
			break
		}
	}
	return cells
}
