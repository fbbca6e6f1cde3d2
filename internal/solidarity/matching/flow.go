package matching

import "math"

const (
	unmatched = -1
	toNobody  = -2 // matched to the "nobody" node: left for City staff
)

// solver runs successive shortest paths on the candidate graph. Nodes are
// people 0..n-1, volunteers n..n+m-1 and the "nobody" node n+m. Only
// residual edges that matter are walked: a person's unused candidate edges,
// and from a full volunteer back to the people it holds.
type solver struct {
	g      *candGraph
	n, m   int
	nobody int32
	bigM   int64 // cost of the edge to "nobody"

	match []int32 // per person: candidate edge, unmatched or toNobody
	count []int32 // per volunteer: people held
	slots []int32 // per volunteer: MaxCapacity slots of people held

	pot      []int64 // Johnson potentials; reduced costs stay >= 0
	dist     []int64
	reached  []uint32 // == stamp when dist is set in this search
	done     []uint32 // == stamp when settled in this search
	predP    []int32  // volunteer node: person it was reached from
	predE    []int32  // volunteer node: candidate edge used
	stamp    uint32
	heap     []item
	settled  []int32
	nobodyD  int64
	nobodyBy int32
}

type item struct {
	d int64
	n int32
}

func newSolver(g *candGraph) *solver {
	n, m := g.n, g.m
	nodes := n + m + 1
	s := &solver{
		g: g, n: n, m: m, nobody: int32(n + m),
		match:   make([]int32, n),
		count:   make([]int32, m),
		slots:   make([]int32, m*MaxCapacity),
		pot:     make([]int64, nodes),
		dist:    make([]int64, nodes),
		reached: make([]uint32, nodes),
		done:    make([]uint32, nodes),
		predP:   make([]int32, nodes),
		predE:   make([]int32, nodes),
	}
	// Any assignment costs at most n*maxCost, so one more real pair always
	// beats any saving in distance. Bounded: maxCost <= ~1.05e9 by validate.
	s.bigM = g.maxCost*int64(n) + 1
	for i := range s.match {
		s.match[i] = unmatched
	}
	return s
}

func (s *solver) run() {
	g := s.g
	for p := 0; p < s.n; p++ {
		if g.candStart[p] == g.candStart[p+1] {
			continue // no candidate: never on any path
		}
		s.augment(int32(p))
	}
}

// augment routes person p along a shortest path in the residual graph to a
// volunteer with room left or to "nobody", then updates potentials.
func (s *solver) augment(p int32) {
	g := s.g
	n := int32(s.n)
	s.stamp++
	st := s.stamp
	s.heap = s.heap[:0]
	s.settled = s.settled[:0]
	s.nobodyD = math.MaxInt64
	s.dist[p] = 0
	s.reached[p] = st
	s.push(item{0, p})

	var term int32
	var D int64
	for {
		// "nobody" has the largest index, so it loses ties with heap nodes.
		if len(s.heap) == 0 || s.nobodyD < s.heap[0].d {
			term, D = s.nobody, s.nobodyD
			break
		}
		it := s.pop()
		u, d := it.n, it.d
		if s.done[u] == st || d > s.dist[u] {
			continue
		}
		s.done[u] = st
		if u >= n {
			v := u - n
			cnt := s.count[v]
			if cnt < g.capacity[v] {
				term, D = u, d
				break
			}
			s.settled = append(s.settled, u)
			// Residual edges back to the people v holds, at cost -c.
			base := d + s.pot[u]
			for _, x := range s.slots[int(v)*MaxCapacity : int(v)*MaxCapacity+int(cnt)] {
				nd := base - g.candCost[s.match[x]] - s.pot[x]
				if s.done[x] != st && (s.reached[x] != st || nd < s.dist[x]) {
					s.dist[x], s.reached[x] = nd, st
					s.push(item{nd, x})
				}
			}
			continue
		}
		s.settled = append(s.settled, u)
		base := d + s.pot[u]
		me := s.match[u]
		for e := g.candStart[u]; e < g.candStart[u+1]; e++ {
			if e == me {
				continue
			}
			w := n + g.candVol[e]
			nd := base + g.candCost[e] - s.pot[w]
			if s.done[w] != st && (s.reached[w] != st || nd < s.dist[w]) {
				s.dist[w], s.reached[w] = nd, st
				s.predP[w], s.predE[w] = u, e
				s.push(item{nd, w})
			}
		}
		// pot[nobody] stays 0: it is settled only as the end of a path.
		if nd := base + s.bigM; nd < s.nobodyD {
			s.nobodyD, s.nobodyBy = nd, u
		}
	}

	// Settled nodes move by dist-D; others by 0. This keeps every residual
	// reduced cost non-negative and makes the path just found tight.
	for _, u := range s.settled {
		s.pot[u] += s.dist[u] - D
	}

	// Walk the path back, shifting each person one volunteer forward.
	node := term
	for {
		var x, e int32
		if node == s.nobody {
			x, e = s.nobodyBy, toNobody
		} else {
			x, e = s.predP[node], s.predE[node]
			v := node - n
			s.slots[int(v)*MaxCapacity+int(s.count[v])] = x
			s.count[v]++
		}
		old := s.match[x]
		s.match[x] = e
		if x == p {
			return
		}
		// x came from the volunteer it held, which now goes to the previous
		// person on the path.
		v := g.candVol[old]
		s.release(v, x)
		node = n + v
	}
}

func (s *solver) release(v, x int32) {
	base := int(v) * MaxCapacity
	c := int(s.count[v])
	for k := 0; k < c; k++ {
		if s.slots[base+k] == x {
			s.slots[base+k] = s.slots[base+c-1]
			s.count[v]--
			return
		}
	}
	panic("matching: person not held by its volunteer")
}

func less(a, b item) bool { return a.d < b.d || a.d == b.d && a.n < b.n }

func (s *solver) push(it item) {
	h := append(s.heap, it)
	i := len(h) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !less(it, h[parent]) {
			break
		}
		h[i] = h[parent]
		i = parent
	}
	h[i] = it
	s.heap = h
}

func (s *solver) pop() item {
	h := s.heap
	top := h[0]
	last := h[len(h)-1]
	h = h[:len(h)-1]
	n := len(h)
	i := 0
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && less(h[c+1], h[c]) {
			c++
		}
		if !less(h[c], last) {
			break
		}
		h[i] = h[c]
		i = c
	}
	if n > 0 {
		h[i] = last
	}
	s.heap = h
	return top
}
