package planimport

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ParseActions reads a whole CSV file of actions. It returns either every
// action or none: when any row is bad the result is nil and the error is an
// *ImportError that lists all the problems found, so nothing is half applied.
// Other errors are failures to read r.
func ParseActions(r io.Reader) ([]Action, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	// Spreadsheets on Windows save UTF-8 with a byte order mark; without
	// stripping it the first header would not be recognised.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &ImportError{Problems: []Problem{{Line: 1, Reason: ReasonEmptyFile}}}
	}
	if len(data) > MaxFileSize {
		// A cut file would be read as a shorter plan: refuse it whole.
		return nil, &ImportError{Problems: []Problem{{Line: 1, Reason: ReasonFileTooLarge}}}
	}
	// Checked before the CSV reader, which would turn a Latin-1 "Thème"
	// header into an unknown column rather than say what is wrong.
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		return nil, &ImportError{Problems: []Problem{{Line: line, Reason: ReasonNotUTF8}}}
	}

	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.FieldsPerRecord = -1 // counted by hand, so a short row is one problem among others
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err != nil {
		return nil, &ImportError{Problems: []Problem{csvProblem(err, 1)}}
	}
	cols, problems := mapHeader(header)
	if len(problems) > 0 {
		// Without a trustworthy header every row would be misread.
		return nil, &ImportError{Problems: problems}
	}

	var actions []Action
	for {
		record, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The reader cannot be trusted past a broken quote: stop here,
			// keeping what was already found.
			line, _ := cr.FieldPos(0)
			problems = append(problems, csvProblem(err, line))
			break
		}
		line, _ := cr.FieldPos(0)
		if isBlank(record) {
			continue
		}
		if len(record) != len(cols) {
			problems = append(problems, Problem{Line: line, Reason: ReasonFieldCount,
				Value: strconv.Itoa(len(record)) + "/" + strconv.Itoa(len(cols))})
			continue
		}
		a, rowProblems := parseRow(cols, record, line)
		problems = append(problems, rowProblems...)
		actions = append(actions, a)
	}
	problems = append(problems, checkTree(actions)...)
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &ImportError{Problems: problems}
	}
	return actions, nil
}

// detectSeparator picks ';' or ',' by counting them in the header line:
// French spreadsheets use ';' because ',' is the decimal mark.
func detectSeparator(data []byte) rune {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		return ';'
	}
	return ','
}

// mapHeader returns the canonical column of each header cell. Unknown
// columns are refused rather than ignored: a misspelt "statuts" would
// otherwise silently leave every status unchanged.
func mapHeader(header []string) ([]string, []Problem) {
	var problems []Problem
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		col, ok := headerAliases[normaliseHeader(h)]
		switch {
		case !ok:
			problems = append(problems, Problem{Line: 1, Reason: ReasonUnknownColumn, Value: h})
		case seen[col]:
			problems = append(problems, Problem{Line: 1, Reason: ReasonDuplicateColumn, Column: col, Value: h})
		}
		seen[col] = true
		cols[i] = col
	}
	for _, required := range []string{colIdentifier, colTitle} {
		if !seen[required] {
			problems = append(problems, Problem{Line: 1, Reason: ReasonMissingColumn, Column: required})
		}
	}
	return cols, problems
}

func csvProblem(err error, line int) Problem {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line = pe.StartLine
	}
	return Problem{Line: line, Reason: ReasonMalformedCSV, Value: err.Error()}
}

func isBlank(record []string) bool {
	for _, f := range record {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// PresentColumns names the canonical columns of a file's header, so that an
// import can keep the stored value of a column the file does not have
// (a file without "partners" must not erase every partner). Nil when the
// header cannot be read; ParseActions reports why.
func PresentColumns(data []byte) map[string]bool {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = detectSeparator(data)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil
	}
	cols, problems := mapHeader(header)
	if len(problems) > 0 {
		return nil
	}
	present := make(map[string]bool, len(cols))
	for _, c := range cols {
		present[c] = true
	}
	return present
}

// MaxFileSize bounds an imported file: a whole plan is a few hundred rows.
const MaxFileSize = 4 << 20

// firstInvalid is the offset of the first byte that is not UTF-8.
func firstInvalid(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(data)
}
