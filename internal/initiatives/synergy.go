package initiatives

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"hash/maphash"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Synergy: initiatives that do alike things close to each other. The page
// of an initiative suggests its similar neighbours; coordinators see
// clusters of them and introduce their organisers to each other.
//
// Similarity mixes three signals, each explainable on the page: the same
// theme, shared words (stems of title and summary, without stop words) and
// distance. Text is compared as sets (Ochiai: shared / sqrt(|A|·|B|)), not
// with corpus weights, so that two initiatives' similarity does not change
// with what else happens to be nearby.
const (
	// SimilarRadiusKm bounds "nearby" for suggestions: a walk or a short
	// bike ride across Paris.
	SimilarRadiusKm = 3.0
	// SimilarInnerKm is the first, closer look (see Similar).
	SimilarInnerKm = 1.5
	// ClusterRadiusKm bounds the distance between any two initiatives of a
	// cluster: people who could share tools, rooms or volunteers.
	ClusterRadiusKm = 1.0
	// MaxClusterSize keeps a cluster small enough for one introduction.
	MaxClusterSize = 6
	// MaxIntroduction bounds how many initiatives one introduction joins.
	MaxIntroduction = MaxClusterSize

	synWeightText  = 0.5
	synWeightTheme = 0.3
	synWeightNear  = 0.2
	// similarThreshold: the same theme alone counts only within half the
	// radius; another theme needs a strong textual overlap.
	synSimilarThreshold = 0.4
	// linkThreshold: a cluster link needs shared words and more than the
	// theme: stricter than suggestions, or dense districts chain into one
	// blob.
	synLinkThreshold = 0.5
)

// Suggestion is a similar initiative nearby and why it is suggested.
type Suggestion struct {
	ID           int64
	Title        string
	Theme        string
	DistrictCode string
	Status       Status
	DistanceKm   float64
	Score        float64 // 0..1
	SameTheme    bool
	SharedWords  []string // words of the initiative's own text that both use, in its order
}

// Meters is the distance rounded to ten metres, for pages.
func (s Suggestion) Meters() int { return synMeters(s.DistanceKm) }

func synMeters(km float64) int { return int(math.Round(km*100)) * 10 }

// synDoc is an initiative as synergy compares it.
type synDoc struct {
	id       int64
	title    string
	rawTitle []byte // while scanning: valid until the next row
	theme    string
	district string
	status   Status
	geo      Point
	terms    []uint64 // sorted, unique hashes of stems (see synHash)
}

// synMatch is how similar two initiatives are.
type synMatch struct {
	score     float64
	text      float64
	sameTheme bool
	shared    int
}

// synRate compares a and b at distKm apart, where radiusKm is "far".
func synRate(a, b *synDoc, distKm, radiusKm float64) synMatch {
	m := synMatch{sameTheme: a.theme == b.theme}
	m.shared = synIntersect(a.terms, b.terms)
	if m.shared > 0 {
		m.text = float64(m.shared) / math.Sqrt(float64(len(a.terms)*len(b.terms)))
	}
	near := max(0, 1-distKm/radiusKm)
	m.score = synWeightText*m.text + synWeightNear*near
	if m.sameTheme {
		m.score += synWeightTheme
	}
	return m
}

// synIntersect counts the terms two sorted lists share.
func synIntersect(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

// Similar suggests up to limit visible initiatives near in that resemble it,
// the most similar first. in itself, drafts, hidden and archived ones are
// never suggested.
//
// It looks within SimilarInnerKm first and widens to SimilarRadiusKm only
// when that finds fewer than limit: where initiatives are dense, the
// closest similar ones are the useful ones, and reading four times fewer
// rows keeps the page fast; where they are sparse, the wider read is cheap.
func (s *Service) Similar(ctx context.Context, in Initiative, limit int) ([]Suggestion, error) {
	if limit <= 0 {
		limit = 5
	}
	self, surface := synSelfTerms(in.Title, in.Summary)
	me := &synDoc{id: in.ID, theme: in.Theme, geo: in.Geo, terms: self}
	var out []Suggestion
	for _, radius := range []float64{SimilarInnerKm, SimilarRadiusKm} {
		out = out[:0]
		err := s.store.synNeighbours(ctx, in.Geo, radius, in.ID, func(c *synDoc) {
			d := synDistanceKm(in.Geo, c.geo)
			if d > radius {
				return
			}
			// Proximity always counts against the full radius, so that a
			// score means the same whichever read found it.
			m := synRate(me, c, d, SimilarRadiusKm)
			if m.score < synSimilarThreshold {
				return
			}
			out = append(out, Suggestion{ID: c.id, Title: string(c.rawTitle), Theme: c.theme, DistrictCode: c.district, Status: c.status,
				DistanceKm: d, Score: m.score, SameTheme: m.sameTheme, SharedWords: synSharedWords(surface, c.terms)})
		})
		if err != nil {
			return nil, err
		}
		if len(out) >= limit {
			break
		}
	}
	slices.SortFunc(out, func(a, b Suggestion) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.DistanceKm, b.DistanceKm), cmp.Compare(a.ID, b.ID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// synSharedWords lists, in the order of the initiative's text, the words whose
// stems the other initiative also uses (five at most).
func synSharedWords(surface []synWord, other []uint64) []string {
	var out []string
	for _, sw := range surface {
		if _, ok := slices.BinarySearch(other, sw.hash); ok {
			out = append(out, sw.word)
			if len(out) == 5 {
				break
			}
		}
	}
	return out
}

// synDistanceKm is the great-circle distance (haversine).
func synDistanceKm(a, b Point) float64 {
	const earthKm = 6371.0088
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthKm * math.Asin(math.Sqrt(min(1, h)))
}

// synBox is a latitude/longitude rectangle.
type synBox struct{ minLat, maxLat, minLon, maxLon float64 }

// synAround is the rectangle that holds every point within km of p, for an
// index range scan before the exact distance.
func synAround(p Point, km float64) synBox {
	dLat := km / 111.2
	dLon := km / (111.2 * math.Max(0.01, math.Cos(p.Lat*math.Pi/180)))
	return synBox{p.Lat - dLat, p.Lat + dLat, p.Lon - dLon, p.Lon + dLon}
}

// Text to terms.

// synWord is a term of the page's initiative and the word it came from,
// to explain a suggestion with words people wrote, not stems.
type synWord struct {
	hash uint64
	word string
}

// synHash stands for a stem: comparing thousands of neighbours is then
// integer work, and the memo holds 8 bytes a term. A collision (one in
// 2^64 per pair) would at worst add a shared word.
func synHash(stem string) uint64 { return maphash.String(synTermSeed, stem) }

var synTermSeed = maphash.MakeSeed()

// synSelfTerms are the terms of one initiative with their first words.
func synSelfTerms(title, summary string) ([]uint64, []synWord) {
	var surface []synWord
	seen := map[string]bool{}
	synEachTerm(title+"\n"+summary, func(stem, word string) {
		if !seen[stem] {
			seen[stem] = true
			surface = append(surface, synWord{synHash(stem), word})
		}
	})
	terms := make([]uint64, 0, len(surface))
	for _, sw := range surface {
		terms = append(terms, sw.hash)
	}
	slices.Sort(terms)
	return terms, surface
}

// synStems are the unique stems of a title and summary, space-separated:
// stored with the initiative so that comparing neighbours never stems.
func synStems(title, summary string) string {
	var stems []string
	synEachTerm(title+"\n"+summary, func(stem, _ string) { stems = append(stems, stem) })
	slices.Sort(stems)
	return strings.Join(slices.Compact(stems), " ")
}

// synDocTerms are the terms of a title and summary, as stored then read.
func synDocTerms(title, summary string) []uint64 { return synTermsOf([]byte(synStems(title, summary))) }

// synTermsOf hashes stored stems into sorted, unique terms.
func synTermsOf(stems []byte) []uint64 {
	var terms []uint64
	for len(stems) > 0 {
		i := bytes.IndexByte(stems, ' ')
		if i < 0 {
			i = len(stems)
		}
		if i > 0 {
			terms = append(terms, maphash.Bytes(synTermSeed, stems[:i]))
		}
		stems = stems[min(i+1, len(stems)):]
	}
	slices.Sort(terms)
	return slices.Compact(terms)
}

// synEachTerm calls fn with each meaningful word of s and its stem. Words
// are runs of letters and digits, so apostrophes and hyphens split them
// ("l’eau", "vide-grenier"); short words, numbers and stop words carry no
// topic. Stems lose their accents so that "énergie" meets "energie".
func synEachTerm(s string, fn func(stem, word string)) {
	for _, w := range strings.FieldsFunc(strings.ToLower(s), synSplit) {
		if utf8.RuneCountInString(w) < 3 || synNumber(w) || synStopWords[synFold(w)] {
			continue
		}
		for _, st := range strings.Fields(stemText(w)) {
			st = synFold(st)
			if utf8.RuneCountInString(st) >= 2 && !synStopWords[st] {
				fn(st, w)
			}
		}
	}
}

func synSplit(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func synNumber(w string) bool {
	return strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

var synFolder = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u", "ú", "u", "ÿ", "y",
	"œ", "oe", "æ", "ae", "ñ", "n")

// synFold removes the accents of French (and a few other) letters.
func synFold(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return synFolder.Replace(s)
		}
	}
	return s
}

// synStopWords are written without accents: fold before looking up. Beyond
// French and English function words, they hold words every initiative of
// the city uses and that say nothing of what it does.
var synStopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`
		les des une uns unes dans pour par sur sous avec sans entre vers chez aux ces ses leur leurs nos vos notre votre
		est sont etre ete avoir ont fait font faire qui que quoi dont pas plus moins tout tous toute toutes tres bien
		aussi mais donc car comme elle elles ils nous vous cette cet ceux celle celles chaque autre autres meme memes
		apres avant depuis pendant lors afin ainsi encore deja peu son sa mes tes lui eux quand comment alors etc
		mon ton peut peuvent sera seront avons avez tant puis ici via non oui
		paris parisien parisienne parisiens parisiennes quartier quartiers habitant habitants habitante habitantes
		initiative initiatives projet projets association associations ouvert ouverte ouverts ouvertes local locale
		locaux locales rue arrondissement venez rejoignez rejoindre ensemble samedi dimanche lundi mardi mercredi
		jeudi vendredi semaine mois annee annees
		the and for with from that this are was were you your our their they them have has had not but all any can
		will into about over more most other some such only than then there these those what when where which who
		why how its also been being just every each join neighbourhood neighborhood local project`) {
		m[w] = true
	}
	return m
}()

// Clusters.

// ClusterFilter narrows the synergy board.
type ClusterFilter struct {
	Theme    string // only initiatives of this theme, or ""
	District string // only clusters with an initiative in this district, or ""
	Limit    int    // clusters returned; 0 means 50
}

// Cluster is a group of visible initiatives that are pairwise similar and
// within ClusterRadiusKm of each other.
type Cluster struct {
	Members []ClusterMember
	Pairs   []ClusterPair
	Score   float64 // the mean score of its pairs
}

// ClusterMember is an initiative of a cluster.
type ClusterMember struct {
	ID           int64
	Title        string
	Theme        string
	DistrictCode string
	Consent      bool // at least one of its organisers accepts introductions
}

// ClusterPair is two members, their distance and whether a coordinator
// already introduced them.
type ClusterPair struct {
	A, B       int64 // A < B
	DistanceKm float64
	Score      float64
	Introduced bool
}

// Meters is the distance rounded to ten metres, for pages.
func (p ClusterPair) Meters() int { return synMeters(p.DistanceKm) }

// Pending reports whether some pair of consenting members was never
// introduced: the cluster still calls for an introduction.
func (c Cluster) Pending() bool {
	consent := map[int64]bool{}
	for _, m := range c.Members {
		consent[m.ID] = m.Consent
	}
	for _, p := range c.Pairs {
		if !p.Introduced && consent[p.A] && consent[p.B] {
			return true
		}
	}
	return false
}

// Clusters groups visible initiatives for the coordinators' board, the
// clusters still calling for an introduction first, then by score; total
// counts them all.
//
// Grouping is greedy complete linkage: links (pairs above linkThreshold,
// within ClusterRadiusKm) are taken strongest first, and two groups merge
// only when every pair across them is linked and the result stays within
// MaxClusterSize. Unlike connected components, it never chains a dense
// district into one group of strangers.
func (s *Service) Clusters(ctx context.Context, f ClusterFilter) (clusters []Cluster, total int, err error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	docs, err := s.store.synVisible(ctx, f.Theme)
	if err != nil {
		return nil, 0, err
	}
	if f.District != "" {
		docs = synNearDistrict(docs, f.District)
	}
	groups, links := synCluster(docs)
	for _, g := range groups {
		c := Cluster{}
		for i, a := range g {
			da := &docs[a]
			c.Members = append(c.Members, ClusterMember{ID: da.id, Title: da.title, Theme: da.theme, DistrictCode: da.district})
			for _, b := range g[i+1:] {
				db := &docs[b]
				p := ClusterPair{A: da.id, B: db.id, DistanceKm: synDistanceKm(da.geo, db.geo), Score: links[synPairKey(a, b)]}
				if p.A > p.B {
					p.A, p.B = p.B, p.A
				}
				c.Pairs = append(c.Pairs, p)
				c.Score += p.Score
			}
		}
		c.Score /= float64(len(c.Pairs))
		if f.District != "" && !slices.ContainsFunc(c.Members, func(m ClusterMember) bool { return m.DistrictCode == f.District }) {
			continue
		}
		clusters = append(clusters, c)
	}
	if err := s.store.synMark(ctx, clusters); err != nil {
		return nil, 0, err
	}
	slices.SortFunc(clusters, func(a, b Cluster) int {
		pa, pb := a.Pending(), b.Pending()
		if pa != pb {
			if pa {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Members[0].ID, b.Members[0].ID))
	})
	total = len(clusters)
	if len(clusters) > f.Limit {
		clusters = clusters[:f.Limit]
	}
	return clusters, total, nil
}

// synNearDistrict keeps the initiatives that could share a cluster with one of
// the district: those within ClusterRadiusKm of the district's own.
func synNearDistrict(docs []synDoc, district string) []synDoc {
	b := synBox{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)}
	for _, d := range docs {
		if d.district == district {
			r := synAround(d.geo, ClusterRadiusKm)
			b = synBox{min(b.minLat, r.minLat), max(b.maxLat, r.maxLat), min(b.minLon, r.minLon), max(b.maxLon, r.maxLon)}
		}
	}
	return slices.DeleteFunc(docs, func(d synDoc) bool {
		return d.geo.Lat < b.minLat || d.geo.Lat > b.maxLat || d.geo.Lon < b.minLon || d.geo.Lon > b.maxLon
	})
}

func synPairKey(a, b int) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(b)
}

// synCluster returns groups of two or more indexes into docs, and the score of
// every link.
func synCluster(docs []synDoc) ([][]int, map[uint64]float64) {
	type link struct {
		a, b  int
		score float64
	}
	var links []link
	scores := map[uint64]float64{}
	// A grid of ClusterRadiusKm cells: a doc's links are in its own and the
	// eight cells around.
	const kmLat = 111.2
	kmLon := 111.2 * math.Cos(48.86*math.Pi/180)
	if len(docs) > 0 {
		kmLon = 111.2 * math.Cos(docs[0].geo.Lat*math.Pi/180)
	}
	type cell struct{ x, y int32 }
	cellOf := func(p Point) cell {
		return cell{int32(math.Floor(p.Lon * kmLon / ClusterRadiusKm)), int32(math.Floor(p.Lat * kmLat / ClusterRadiusKm))}
	}
	grid := map[cell][]int{}
	for i := range docs {
		c := cellOf(docs[i].geo)
		grid[c] = append(grid[c], i)
	}
	for i := range docs {
		a := &docs[i]
		if len(a.terms) == 0 {
			continue
		}
		c := cellOf(a.geo)
		for dx := int32(-1); dx <= 1; dx++ {
			for dy := int32(-1); dy <= 1; dy++ {
				for _, j := range grid[cell{c.x + dx, c.y + dy}] {
					if j <= i {
						continue
					}
					b := &docs[j]
					// Within a kilometre, a flat projection is as exact as
					// the points themselves; pages get the haversine.
					x, y := (b.geo.Lon-a.geo.Lon)*kmLon, (b.geo.Lat-a.geo.Lat)*kmLat
					d2 := x*x + y*y
					if d2 > ClusterRadiusKm*ClusterRadiusKm {
						continue
					}
					if m := synRate(a, b, math.Sqrt(d2), ClusterRadiusKm); m.shared > 0 && m.score >= synLinkThreshold {
						links = append(links, link{i, j, m.score})
						scores[synPairKey(i, j)] = m.score
					}
				}
			}
		}
	}
	slices.SortFunc(links, func(x, y link) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(docs[x.a].id, docs[y.a].id), cmp.Compare(docs[x.b].id, docs[y.b].id))
	})
	group := map[int][]int{} // representative -> members
	rep := map[int]int{}     // member -> representative
	find := func(i int) int {
		if r, ok := rep[i]; ok {
			return r
		}
		return i
	}
	members := func(r int) []int {
		if g, ok := group[r]; ok {
			return g
		}
		return []int{r}
	}
	for _, l := range links {
		ra, rb := find(l.a), find(l.b)
		if ra == rb {
			continue
		}
		ga, gb := members(ra), members(rb)
		if len(ga)+len(gb) > MaxClusterSize {
			continue
		}
		all := true
		for _, x := range ga {
			for _, y := range gb {
				if _, ok := scores[synPairKey(x, y)]; !ok {
					all = false
				}
			}
		}
		if !all {
			continue
		}
		merged := append(slices.Clip(ga), gb...)
		delete(group, rb)
		group[ra] = merged
		for _, m := range merged {
			rep[m] = ra
		}
	}
	out := make([][]int, 0, len(group))
	for _, g := range group {
		slices.SortFunc(g, func(x, y int) int { return cmp.Compare(docs[x].id, docs[y].id) })
		out = append(out, g)
	}
	return out, scores
}

// Introductions.

// Refusals of an introduction, for the board to explain.
var (
	ErrIntroTooFew     = errors.New("initiatives: an introduction needs at least two initiatives")
	ErrIntroTooMany    = errors.New("initiatives: too many initiatives for one introduction")
	ErrIntroNotVisible = errors.New("initiatives: only published initiatives can be introduced")
	ErrIntroNoConsent  = errors.New("initiatives: no organiser of the initiative accepts introductions")
	ErrIntroDone       = errors.New("initiatives: these initiatives were already introduced")
)

// IntroError is a refusal and the initiatives it is about.
type IntroError struct {
	Err    error
	Titles []string
}

func (e *IntroError) Error() string { return e.Err.Error() + ": " + strings.Join(e.Titles, ", ") }
func (e *IntroError) Unwrap() error { return e.Err }

// Introduced says what an introduction did.
type Introduced struct {
	Pairs int // pairs introduced now (earlier ones are not mailed again)
	Mails int
}

// canCoordinate: coordinators and admins see the board and introduce.
