package districts

import (
	"math"

	"climatevolunteers/internal/maps"
)

// earthRadius is the mean radius in metres. A sphere is within about half a
// percent of the ellipsoid for areas at mid latitudes, which is enough for
// densities; the tests hold it to 2 % of the official surfaces.
const earthRadius = 6371008.8

// areaKm2 is the area of a multipolygon on the sphere: outer rings count,
// holes are taken away.
func areaKm2(shape []maps.Polygon) float64 {
	var m2 float64
	for _, poly := range shape {
		for i, ring := range poly {
			a := math.Abs(ringArea(ring))
			if i == 0 {
				m2 += a
			} else {
				m2 -= a
			}
		}
	}
	return math.Max(m2, 0) / 1e6
}

// ringArea is the signed area of a ring on the sphere in m², from the sum
// over its edges of Δλ·(2 + sin φ1 + sin φ2): the area between each edge and
// the pole, which telescopes to the ring's area.
func ringArea(ring maps.Ring) float64 {
	var sum float64
	for i := 0; i+1 < len(ring); i++ {
		lon1, lat1 := rad(ring[i][0]), rad(ring[i][1])
		lon2, lat2 := rad(ring[i+1][0]), rad(ring[i+1][1])
		sum += (lon2 - lon1) * (2 + math.Sin(lat1) + math.Sin(lat2))
	}
	return sum * earthRadius * earthRadius / 2
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// centroid is the area-weighted centre of a multipolygon, computed on a
// plane where longitudes are scaled by the cosine of the middle latitude (at
// a city's scale this plane is true to within far less than a metre per
// kilometre). It returns latitude and longitude.
func centroid(shape []maps.Polygon) (lat, lon float64) {
	minLat, maxLat := math.Inf(1), math.Inf(-1)
	for _, poly := range shape {
		for _, pt := range poly[0] {
			minLat, maxLat = math.Min(minLat, pt[1]), math.Max(maxLat, pt[1])
		}
	}
	k := math.Cos(rad((minLat + maxLat) / 2))
	var wSum, xSum, ySum float64
	for _, poly := range shape {
		for i, ring := range poly {
			a, cx, cy := planarRing(ring, k)
			w := math.Abs(a)
			if i > 0 {
				w = -w // a hole pulls the centre away from itself
			}
			wSum += w
			xSum += w * cx
			ySum += w * cy
		}
	}
	if wSum == 0 {
		// A degenerate shape (all its points on a line): the mean of its
		// outer rings' positions is the best we can say.
		var n float64
		for _, poly := range shape {
			for _, pt := range poly[0] {
				lon += pt[0]
				lat += pt[1]
				n++
			}
		}
		return lat / n, lon / n
	}
	return ySum / wSum, xSum / wSum / k
}

// planarRing is the shoelace area of a ring and its centroid (x = lon·k,
// y = lat); the centroid does not depend on the ring's orientation.
func planarRing(ring maps.Ring, k float64) (area, cx, cy float64) {
	if len(ring) == 0 {
		return 0, 0, 0
	}
	// Relative to the first point, to keep the sums well conditioned.
	x0, y0 := ring[0][0]*k, ring[0][1]
	for i := 0; i+1 < len(ring); i++ {
		x1, y1 := ring[i][0]*k-x0, ring[i][1]-y0
		x2, y2 := ring[i+1][0]*k-x0, ring[i+1][1]-y0
		cross := x1*y2 - x2*y1
		area += cross
		cx += (x1 + x2) * cross
		cy += (y1 + y2) * cross
	}
	area /= 2
	if area == 0 {
		return 0, x0, y0
	}
	return area, x0 + cx/(6*area), y0 + cy/(6*area)
}
