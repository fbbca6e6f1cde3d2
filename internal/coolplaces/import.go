package coolplaces

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxFileBytes bounds an imported file: the City's sets are well under
// 2 MB, so anything far larger is the wrong file.
const MaxFileBytes = 32 << 20

// Problem is one reason a file is refused. Line is the file's line where
// the row starts (the header is line 1), or 0 when the whole file is at
// fault.
type Problem struct {
	Line   int
	Reason string
}

func (p Problem) String() string {
	if p.Line == 0 {
		return "file: " + p.Reason
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
}

// ImportError lists every problem of a refused file; nothing was written.
type ImportError struct{ Problems []Problem }

// MaxProblemLines bounds what Lines shows: past it, a count.
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

// Row is a place read from a file, with the arrondissement as written
// (matched to a district code when stored) and the days whose hours could
// not be read.
type Row struct {
	Place
	Arrondissement string
	Line           int
}

// ParseCSV reads one of the City's cool-place sets ("ilots-de-fraicheur-
// espaces-verts-frais", "…-equipements-activites") or its drinking
// fountains ("fontaines-a-boire"), separated by semicolons or commas, with
// a header. It checks the whole file and returns every problem at once (an
// *ImportError). source names the data set in the stored rows.
func ParseCSV(r io.Reader, source string) ([]Row, error) {
	fail := func(reason string) ([]Row, error) {
		return nil, &ImportError{[]Problem{{0, reason}}}
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileBytes {
		return fail(fmt.Sprintf("larger than %d MB", MaxFileBytes>>20))
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheet exports start with a BOM
	header, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.Comma = ','
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1 // a wrong count is reported per line below
	head, err := cr.Read()
	if err != nil {
		return fail("no header line")
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	fountains := false
	switch {
	case has(col, "identifiant", "nom", "geo_point_2d"):
	case has(col, "gid", "geo_point_2d"):
		fountains = true
	default:
		return fail(`the header lacks "identifiant", "nom" or "geo_point_2d" (or "gid" and "geo_point_2d" for fountains)`)
	}

	var problems []Problem
	var out []Row
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ImportError{append(problems, Problem{pe.StartLine, pe.Err.Error()})}
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(head) {
			problems = append(problems, Problem{line, fmt.Sprintf("%d fields where the header has %d", len(rec), len(head))})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		var row Row
		var errs []string
		if fountains {
			row, errs = fountainRow(get)
		} else {
			row, errs = placeRow(get)
		}
		row.Line, row.Source = line, source
		if row.SourceID != "" {
			if first, dup := seen[row.SourceID]; dup {
				errs = append(errs, fmt.Sprintf("identifiant %q is already used on line %d", row.SourceID, first))
			} else {
				seen[row.SourceID] = line
			}
		}
		for _, e := range errs {
			problems = append(problems, Problem{line, e})
		}
		out = append(out, row)
	}
	if len(problems) > 0 {
		return nil, &ImportError{problems}
	}
	if len(out) == 0 {
		return fail("no places after the header")
	}
	return out, nil
}

func has(col map[string]int, names ...string) bool {
	for _, n := range names {
		if _, ok := col[n]; !ok {
			return false
		}
	}
	return true
}

var dayColumns = [7]string{"horaires_lundi", "horaires_mardi", "horaires_mercredi", "horaires_jeudi",
	"horaires_vendredi", "horaires_samedi", "horaires_dimanche"}

func placeRow(get func(string) string) (Row, []string) {
	var r Row
	var errs []string
	if r.SourceID = get("identifiant"); r.SourceID == "" {
		errs = append(errs, "identifiant is empty")
	}
	if r.Name = get("nom"); r.Name == "" {
		errs = append(errs, "nom is empty")
	}
	r.Kind = kindOf(get("type") + " " + get("categorie"))
	r.Address = get("adresse")
	r.Arrondissement = get("arrondissement")
	var err error
	if r.Point, err = parsePoint(get("geo_point_2d")); err != nil {
		errs = append(errs, err.Error())
	}
	for _, f := range []struct {
		name string
		to   *bool
	}{{"ouvert_24h", &r.Open24h}, {"canicule_ouverture", &r.HeatwaveOpen},
		{"ouverture_estivale_nocturne", &r.SummerNightOpen}, {"payant", &r.Paying}} {
		if *f.to, err = yesNo(get(f.name)); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", f.name, err))
		}
	}
	for i, c := range dayColumns {
		r.Hours[i] = ParseDay(get(c))
	}
	// A place open around the clock often leaves its days empty.
	if r.Open24h && r.Hours.Empty() || r.Open24h && allUnknown(r.Hours) {
		r.Hours = AllDay()
	}
	return r, errs
}

func allUnknown(w Week) bool {
	for _, d := range w {
		if !d.Unknown {
			return false
		}
	}
	return true
}

// fountainRow reads a drinking fountain: always reachable, unless the set
// says it is out of order (dispo "NON").
func fountainRow(get func(string) string) (Row, []string) {
	var r Row
	var errs []string
	if gid := get("gid"); gid == "" {
		errs = append(errs, "gid is empty")
	} else {
		r.SourceID = "fontaine-" + gid
	}
	r.Kind = Fountain
	r.Name = strings.TrimSpace("Fontaine " + get("modele"))
	r.Address = get("voie")
	r.Arrondissement = get("commune")
	var err error
	if r.Point, err = parsePoint(get("geo_point_2d")); err != nil {
		errs = append(errs, err.Error())
	}
	if fold(get("dispo")) == "non" {
		return r, errs // closed every day
	}
	r.Open24h, r.Hours = true, AllDay()
	return r, errs
}

// parsePoint reads geo_point_2d, "48.8462, 2.3372" (latitude first).
func parsePoint(s string) (Point, error) {
	a, b, ok := strings.Cut(s, ",")
	if !ok {
		return Point{}, fmt.Errorf("geo_point_2d is %q; \"lat, lon\" is expected", s)
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return Point{}, fmt.Errorf("geo_point_2d is %q; \"lat, lon\" in degrees is expected", s)
	}
	return Point{lat, lon}, nil
}

func yesNo(s string) (bool, error) {
	switch fold(s) {
	case "oui", "yes", "true", "1", "o", "y":
		return true, nil
	case "non", "no", "false", "0", "n", "":
		return false, nil
	}
	return false, fmt.Errorf("%q is neither Oui nor Non", s)
}

// kindOf reads the set's type and category ("Jardin", "Piscine",
// "Brumisateur", "Salle rafraîchie", …).
func kindOf(s string) Kind {
	t := fold(s)
	for _, k := range []struct {
		kind  Kind
		words []string
	}{
		{Pool, []string{"piscine", "baignade", "bassin"}},
		{Fountain, []string{"fontaine", "brumisa", "jeux d'eau", "jet d'eau"}},
		{CooledRoom, []string{"salle", "rafraichi", "climatis", "musee", "bibliotheque", "mediatheque", "eglise", "mairie"}},
		{Park, []string{"parc", "bois"}},
		{Garden, []string{"jardin", "square", "promenade", "espace vert", "cimetiere", "talus", "mail", "esplanade"}},
	} {
		for _, w := range k.words {
			if strings.Contains(t, w) {
				return k.kind
			}
		}
	}
	return Other
}

// arrondissementNumber reads "75011", "75116", "Paris 11e", "11e
// arrondissement", "1er" or "11" as 11, 16, 11, 11, 1, 11; 0 when it is
// none of these (another commune, or empty).
func arrondissementNumber(s string) int {
	t := fold(s)
	if len(t) == 5 && strings.HasPrefix(t, "75") {
		if n, err := strconv.Atoi(t[2:]); err == nil {
			if n == 116 {
				n = 16 // the 16th's northern postcode
			}
			if n >= 1 && n <= 20 {
				return n
			}
		}
		return 0
	}
	t = strings.TrimPrefix(t, "paris")
	t = strings.TrimSpace(t)
	end := 0
	for end < len(t) && t[end] >= '0' && t[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(t[:end])
	if err != nil || n < 1 || n > 20 {
		return 0
	}
	rest := strings.TrimSpace(t[end:])
	for _, suffix := range []string{"", "e", "er", "eme", "ème", "e arrondissement", "er arrondissement", "eme arrondissement", "arrondissement", "e ardt", "eme ardt", "er ardt"} {
		if rest == suffix {
			return n
		}
	}
	return 0
}
