package districts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"climatevolunteers/internal/maps"
)

// geometry is a GeoJSON geometry as stored in boundary_geojson.
type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// parseGeometry reads a Polygon or MultiPolygon and checks every ring: at
// least four positions, closed, and each position a WGS84 longitude and
// latitude. The first problem found is returned.
func parseGeometry(raw json.RawMessage) ([]maps.Polygon, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, errors.New("geometry is missing")
	}
	var g geometry
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, errors.New("geometry is not a GeoJSON object")
	}
	var polys [][][][]float64
	switch g.Type {
	case "Polygon":
		var p [][][]float64
		if err := json.Unmarshal(g.Coordinates, &p); err != nil {
			return nil, errors.New("Polygon coordinates must be an array of rings of [longitude, latitude] positions")
		}
		polys = [][][][]float64{p}
	case "MultiPolygon":
		if err := json.Unmarshal(g.Coordinates, &polys); err != nil {
			return nil, errors.New("MultiPolygon coordinates must be an array of polygons of rings of [longitude, latitude] positions")
		}
	case "":
		return nil, errors.New("geometry has no type")
	default:
		return nil, fmt.Errorf("geometry type %q is not supported (only Polygon and MultiPolygon)", g.Type)
	}
	if len(polys) == 0 {
		return nil, errors.New("geometry has no polygon")
	}
	out := make([]maps.Polygon, 0, len(polys))
	for pi, p := range polys {
		if len(p) == 0 {
			return nil, fmt.Errorf("polygon %d has no ring", pi)
		}
		poly := make(maps.Polygon, 0, len(p))
		for ri, r := range p {
			ring, err := checkRing(r)
			if err != nil {
				return nil, fmt.Errorf("polygon %d, ring %d: %w", pi, ri, err)
			}
			poly = append(poly, ring)
		}
		out = append(out, poly)
	}
	return out, nil
}

func checkRing(r [][]float64) (maps.Ring, error) {
	if len(r) < 4 {
		return nil, fmt.Errorf("has %d positions; a ring needs at least 4 (the last repeating the first)", len(r))
	}
	ring := make(maps.Ring, len(r))
	for i, pos := range r {
		if len(pos) < 2 {
			return nil, fmt.Errorf("position %d has %d numbers; it needs a longitude and a latitude", i, len(pos))
		}
		lon, lat := pos[0], pos[1]
		if lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			// A projected file (Lambert-93, Web Mercator) has metres here.
			return nil, fmt.Errorf("position [%s, %s] is not a WGS84 longitude and latitude: the file looks projected "+
				"(for example Lambert-93, in metres); convert it to WGS84 (EPSG:4326) first", coord(lon), coord(lat))
		}
		ring[i] = maps.LonLat{lon, lat}
	}
	if first, last := ring[0], ring[len(ring)-1]; first != last {
		return nil, fmt.Errorf("is not closed: its last position [%s, %s] must repeat the first [%s, %s]",
			coord(last[0]), coord(last[1]), coord(first[0]), coord(first[1]))
	}
	return ring, nil
}

// coord writes a number as in the file, never in exponent form.
func coord(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// wgs84 matches the names of the only reference systems GeoJSON allows:
// OGC's CRS84 and EPSG:4326 in their URN and URL spellings.
var wgs84 = regexp.MustCompile(`(?i)(CRS84|EPSG(:|::|/0/)4326)$`)

// checkCRS accepts no "crs" member (RFC 7946 made WGS84 the only one) or a
// named one that is WGS84, and explains anything else.
func checkCRS(raw json.RawMessage) error {
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	var crs struct {
		Type       string `json:"type"`
		Properties struct {
			Name string `json:"name"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &crs); err != nil || crs.Type != "name" || crs.Properties.Name == "" {
		return errors.New(`"crs" is not a named reference system; only WGS84 (CRS84 or EPSG:4326) is accepted`)
	}
	if !wgs84.MatchString(strings.TrimSpace(crs.Properties.Name)) {
		return fmt.Errorf(`"crs" is %s; only WGS84 (CRS84 or EPSG:4326) is accepted: convert the file first`, crs.Properties.Name)
	}
	return nil
}

// propertyText reads a property as text: strings are trimmed, numbers kept
// as written (so a code 75101 stays "75101").
func propertyText(props map[string]any, name string) (string, error) {
	v, ok := props[name]
	if !ok || v == nil {
		return "", fmt.Errorf("property %q is missing", name)
	}
	switch t := v.(type) {
	case string:
		s := strings.TrimSpace(t)
		if s == "" {
			return "", fmt.Errorf("property %q is empty", name)
		}
		return s, nil
	case json.Number:
		return t.String(), nil
	}
	return "", fmt.Errorf("property %q must be a string or a number, not %s", name, kind(v))
}

func kind(v any) string {
	switch v.(type) {
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
