package maps

import "math"

// projection is an equirectangular projection scaled by the cosine of the
// middle latitude (so that, at a city's scale, distances east-west and
// north-south keep their proportions), fitted into a box of the viewBox.
type projection struct {
	k             float64 // cos(middle latitude)
	minX, maxY    float64 // projected bounds' top-left corner
	scale         float64 // viewBox units per projected unit
	offX, offY    float64 // where the bounds' corner lands in the viewBox
	width, height float64 // of the fitted drawing, in viewBox units
}

// bounds is a box in longitude and latitude.
type bounds struct {
	minLon, minLat, maxLon, maxLat float64
	empty                          bool
}

func newBounds() bounds {
	return bounds{minLon: math.Inf(1), minLat: math.Inf(1), maxLon: math.Inf(-1), maxLat: math.Inf(-1), empty: true}
}

func (b *bounds) add(lon, lat float64) {
	b.minLon, b.maxLon = math.Min(b.minLon, lon), math.Max(b.maxLon, lon)
	b.minLat, b.maxLat = math.Min(b.minLat, lat), math.Max(b.maxLat, lat)
	b.empty = false
}

// fit builds the projection that puts b, centred, inside a box of the given
// width at (pad, pad), and returns the height the drawing takes. A box that
// is a single point (one marker, say) gets a small extent around it.
func fit(b bounds, width, pad float64) projection {
	if b.empty {
		b = bounds{minLon: 0, maxLon: 1, minLat: 0, maxLat: 1}
	}
	const tiny = 0.001 // about 100 m
	if b.maxLon-b.minLon < tiny {
		b.minLon, b.maxLon = b.minLon-tiny, b.maxLon+tiny
	}
	if b.maxLat-b.minLat < tiny {
		b.minLat, b.maxLat = b.minLat-tiny, b.maxLat+tiny
	}
	p := projection{k: math.Cos((b.minLat + b.maxLat) / 2 * math.Pi / 180)}
	p.minX = b.minLon * p.k
	p.maxY = b.maxLat
	w := (b.maxLon - b.minLon) * p.k
	h := b.maxLat - b.minLat
	p.scale = (width - 2*pad) / w
	// Very tall shapes would make a very tall map: cap the height at the width.
	if h*p.scale > width {
		p.scale = (width - 2*pad) / h
	}
	p.width, p.height = w*p.scale, h*p.scale
	p.offX = pad + (width-2*pad-p.width)/2
	p.offY = pad
	return p
}

// xy projects a position into viewBox units (y grows downwards).
func (p projection) xy(lon, lat float64) (x, y float64) {
	return p.offX + (lon*p.k-p.minX)*p.scale, p.offY + (p.maxY-lat)*p.scale
}
