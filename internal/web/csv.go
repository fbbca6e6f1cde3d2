package web

import "strings"

// CSVCell defuses spreadsheet formulas in text people typed: a cell that a
// spreadsheet would read as a formula, even after leading spaces or line
// breaks, gets a leading apostrophe.
func CSVCell(s string) string {
	t := strings.TrimLeft(s, " \t\r\n")
	if t != s || (t != "" && strings.ContainsRune("=+-@", rune(t[0]))) {
		return "'" + s
	}
	return s
}
