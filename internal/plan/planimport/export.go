package planimport

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Columns are the columns WriteCSV writes, in order. ParseActions reads them
// back, so an exported file imported unchanged changes nothing.
var Columns = []string{colIdentifier, colTitle, colTheme, colParent, colWeight, colStatus, colPhase,
	colStart, colEnd, colProgress, colDepartments, colPartners, colDescription}

// WriteCSV writes actions with a header, comma-separated, in UTF-8. Cells a
// spreadsheet would run as a formula get a leading apostrophe, which
// ParseActions removes again.
func WriteCSV(w io.Writer, actions []Action) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return err
	}
	for _, a := range actions {
		values := map[string]string{colIdentifier: a.Identifier, colTheme: a.Theme, colParent: a.Parent}
		for _, f := range fieldValues(a) {
			values[f.name] = f.value
		}
		row := make([]string, len(Columns))
		for i, c := range Columns {
			row[i] = defuse(values[c])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse is web.CSVCell, kept here so that this package stays free of the
// web kit; undefuse is its inverse, applied to every cell read.
func defuse(s string) string {
	t := strings.TrimLeft(s, " \t\r\n")
	if t != s || (t != "" && strings.ContainsRune("=+-@", rune(t[0]))) {
		return "'" + s
	}
	return s
}

func undefuse(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && rest != "" && defuse(rest) == s {
		return rest
	}
	return s
}

// FormatWeight is how weights are written in files and history: "1", "0.5".
func FormatWeight(w float64) string { return strconv.FormatFloat(w, 'g', -1, 64) }
