package districts

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ImportOptions name the feature properties that hold each field.
type ImportOptions struct {
	CodeProperty       string // required
	NameProperty       string // required
	PopulationProperty string // optional: without it, populations already known are kept
}

// Problem is one reason a file is refused. Feature is the index in the
// file's "features" array, or -1 when the whole file is at fault.
type Problem struct {
	Feature int
	Reason  string
}

func (p Problem) String() string {
	if p.Feature < 0 {
		return "file: " + p.Reason
	}
	return fmt.Sprintf("features[%d]: %s", p.Feature, p.Reason)
}

// ImportError lists every problem of a refused file; nothing was written.
type ImportError struct{ Problems []Problem }

// MaxProblemLines bounds what Error shows: past it, a count.
const MaxProblemLines = 20

// Lines are the problems, one a line, at most MaxProblemLines of them.
func (e *ImportError) Lines() []string {
	var out []string
	for i, p := range e.Problems {
		if i == MaxProblemLines-1 && len(e.Problems) > MaxProblemLines {
			out = append(out, fmt.Sprintf("… and %d more problems", len(e.Problems)-i))
			break
		}
		out = append(out, p.String())
	}
	return out
}

func (e *ImportError) Error() string { return strings.Join(e.Lines(), "\n") }

// Feature is a district read from a file, with its boundary kept as
// compact GeoJSON.
type Feature struct {
	District
	Boundary      string
	HasPopulation bool
}

// ParseGeoJSON reads a FeatureCollection of Polygon and MultiPolygon
// districts in WGS84, computing each one's centroid and area from its
// geometry. It checks the whole file and returns every problem at once (an
// *ImportError), so a file is fixed in one go rather than one error a run.
func ParseGeoJSON(r io.Reader, o ImportOptions) ([]Feature, error) {
	fail := func(reason string) ([]Feature, error) {
		return nil, &ImportError{[]Problem{{-1, reason}}}
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	var file struct {
		Type     string            `json:"type"`
		CRS      json.RawMessage   `json:"crs"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return fail("not valid JSON: " + jsonProblem(data, err))
	}
	if file.Type != "FeatureCollection" {
		return fail(fmt.Sprintf(`type is %q; a "FeatureCollection" is expected`, file.Type))
	}
	if err := checkCRS(file.CRS); err != nil {
		return fail(err.Error())
	}
	if len(file.Features) == 0 {
		return fail("the collection has no features")
	}
	var problems []Problem
	var out []Feature
	seen := map[string]int{}
	for i, raw := range file.Features {
		f, errs := parseFeature(raw, o)
		if f.Code != "" {
			if first, dup := seen[f.Code]; dup {
				errs = append(errs, fmt.Sprintf("code %q is already used by features[%d]", f.Code, first))
			} else {
				seen[f.Code] = i
			}
		}
		for _, e := range errs {
			problems = append(problems, Problem{i, e})
		}
		out = append(out, f)
	}
	if len(problems) > 0 {
		return nil, &ImportError{problems}
	}
	setPositions(out)
	return out, nil
}

func parseFeature(raw json.RawMessage, o ImportOptions) (Feature, []string) {
	var f struct {
		Type       string          `json:"type"`
		Properties map[string]any  `json:"properties"`
		Geometry   json.RawMessage `json:"geometry"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // codes and populations keep their exact digits
	if err := dec.Decode(&f); err != nil || f.Type != "Feature" {
		return Feature{}, []string{`not a GeoJSON "Feature" object`}
	}
	var errs []string
	var out Feature
	var err error
	if out.Code, err = propertyText(f.Properties, o.CodeProperty); err != nil {
		errs = append(errs, err.Error())
	}
	if out.Name, err = propertyText(f.Properties, o.NameProperty); err != nil {
		errs = append(errs, err.Error())
	}
	if o.PopulationProperty != "" {
		out.HasPopulation = true
		if out.Population, err = population(f.Properties, o.PopulationProperty); err != nil {
			errs = append(errs, err.Error())
		}
	}
	shape, err := parseGeometry(f.Geometry)
	if err != nil {
		return out, append(errs, err.Error())
	}
	out.Lat, out.Lon = centroid(shape)
	out.AreaKm2 = areaKm2(shape)
	var buf bytes.Buffer
	json.Compact(&buf, f.Geometry)
	out.Boundary = buf.String()
	if len(errs) == 0 {
		if err := out.Validate(); err != nil {
			errs = append(errs, strings.ReplaceAll(err.Error(), "\n", "; "))
		}
	}
	return out, errs
}

func population(props map[string]any, name string) (int, error) {
	s, err := propertyText(props, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(s, " ", ""), 64)
	if err != nil || n < 0 || n != float64(int(n)) {
		return 0, fmt.Errorf("property %q is %q; a whole number of residents is expected", name, s)
	}
	return int(n), nil
}

// setPositions orders districts by code when every code is a whole number
// (the position is the number itself, so "2" comes before "10" and a later
// partial import slots in with the districts already there), and by their
// order in the file otherwise.
func setPositions(fs []Feature) {
	nums := make([]int, len(fs))
	for i, f := range fs {
		n, err := strconv.ParseInt(f.Code, 10, 32)
		if err != nil {
			for j := range fs {
				fs[j].Position = j + 1
			}
			return
		}
		nums[i] = int(n)
	}
	for i := range fs {
		fs[i].Position = nums[i]
	}
}

// jsonProblem places a syntax error: "line 12: invalid character …".
func jsonProblem(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var off int64
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return err.Error()
	}
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	return fmt.Sprintf("line %d: %v", line, err)
}

// ImportGeoJSON parses r and, when the whole file is sound, imports it.
func (s *Store) ImportGeoJSON(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	fs, err := ParseGeoJSON(r, o)
	if err != nil {
		return ImportResult{}, err
	}
	return s.Import(ctx, fs)
}
