package indicators

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/web"
)

// MaxImportBytes bounds an imported file: 50 indicators × 100 years of
// values is about 300 kB.
const MaxImportBytes = 2 << 20

// Problem is one reason a file is refused: its line (1 is the header; 0
// for the whole file), the column at fault and a catalog code.
type Problem struct {
	Line   int
	Column string
	Code   string
}

// ErrPreviewOutdated: the values changed between the dry run and the apply,
// so the file would not do what was shown.
var ErrPreviewOutdated = errors.New("indicators: the preview is out of date")

// csvRow is one line of the file.
type csvRow struct {
	Line int
	Slug string
	ValueInput
}

// Columns of the file, with the French and English names each accepts.
var csvColumns = map[string]string{
	"indicator": "indicator", "indicateur": "indicator", "slug": "indicator",
	"year": "year", "année": "year", "annee": "year",
	"date":  "date",
	"value": "value", "valeur": "value",
	"source": "source",
}

// CSVHeader is the header the export writes, which the import reads back.
var CSVHeader = []string{"indicator", "year", "date", "value", "source"}

// parseValuesCSV reads the file: comma or semicolon, a byte-order mark
// allowed, French or English headers. It returns every problem at once.
func parseValuesCSV(data []byte) ([]csvRow, []Problem) {
	whole := func(code string) ([]csvRow, []Problem) { return nil, []Problem{{Code: code}} }
	if len(data) > MaxImportBytes {
		return whole(CodeFileTooLarge)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		// A spreadsheet saved as "CSV (;)" on a French desktop is
		// Windows-1252: refuse it at the dry run, not at the apply.
		return whole(CodeFileEncoding)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return whole(CodeEmptyFile)
	}
	header, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return whole(CodeUnreadableFile)
	}
	// An unknown or repeated column is refused rather than ignored: a
	// misspelt "jour" would silently turn dated values into yearly ones.
	col := map[string]int{}
	var bad []Problem
	for i, h := range head {
		name, ok := csvColumns[strings.ToLower(strings.TrimSpace(h))]
		switch _, seen := col[name]; {
		case !ok:
			bad = append(bad, Problem{Line: 1, Column: strings.TrimSpace(h), Code: CodeUnknownColumn})
		case seen:
			bad = append(bad, Problem{Line: 1, Column: strings.TrimSpace(h), Code: CodeDuplicateColumn})
		default:
			col[name] = i
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	_, hasYear := col["year"]
	_, hasDate := col["date"]
	if !hasYear && !hasDate {
		return nil, []Problem{{Line: 1, Column: "year", Code: CodeHeader}}
	}
	for _, need := range []string{"indicator", "value", "source"} {
		if _, ok := col[need]; !ok {
			return nil, []Problem{{Line: 1, Column: need, Code: CodeHeader}}
		}
	}
	var rows []csvRow
	var problems []Problem
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, append(problems, Problem{Line: pe.StartLine, Code: CodeUnreadableFile})
			}
			return nil, append(problems, Problem{Code: CodeUnreadableFile})
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(head) {
			problems = append(problems, Problem{Line: line, Code: CodeColumns})
			continue
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rows = append(rows, csvRow{Line: line, Slug: cell("indicator"),
			ValueInput: ValueInput{Year: cell("year"), Date: cell("date"), Value: cell("value"), Source: uncell(cell("source"))}})
	}
	if len(rows) == 0 && len(problems) == 0 {
		return whole(CodeEmptyFile)
	}
	return rows, problems
}

// uncell undoes exportCell's apostrophe, so an exported file reads back
// unchanged; a hand-written "'text" keeps its apostrophe.
func uncell(s string) string {
	if rest, ok := strings.CutPrefix(s, "'"); ok && (web.CSVCell(rest) == s || uncell(rest) != rest) {
		return rest
	}
	return s
}

// exportCell is web.CSVCell, plus one apostrophe more on a text that
// uncell would otherwise shorten ("'=x" typed as such): it reads back as
// typed.
func exportCell(s string) string {
	if c := web.CSVCell(s); c != s || uncell(s) == s {
		return c
	}
	return "'" + s
}

// Change kinds of a preview line.
const (
	ImportAdd       = "add"
	ImportChange    = "change"
	ImportUnchanged = "unchanged"
)

// PreviewLine is what one row of the file would do.
type PreviewLine struct {
	Line                 int
	Slug, Indicator, Key string
	Kind                 string
	Old, New             string // numbers as text, Old "" for an addition
	OldSource, NewSource string
	indicatorID          int64
	value                Value
	valueID              int64
}

// Preview is the dry run of a file: every line's effect, or the problems
// that refuse it. Digest identifies the effect, so the apply step can make
// sure it does what was shown.
type Preview struct {
	Lines                     []PreviewLine
	Problems                  []Problem
	Added, Changed, Unchanged int
	Digest                    string
}

// planImport checks rows against the stored indicators.
func planImport(ctx context.Context, q querier, rows []csvRow, today time.Time) (Preview, error) {
	entries, err := loadEntries(ctx, q, 0)
	if err != nil {
		return Preview{}, err
	}
	bySlug := map[string]*Entry{}
	for i := range entries {
		bySlug[entries[i].Slug] = &entries[i]
	}
	var p Preview
	seen := map[string]int{}
	for _, r := range rows {
		e, ok := bySlug[r.Slug]
		if !ok {
			p.Problems = append(p.Problems, Problem{Line: r.Line, Column: "indicator", Code: CodeUnknownSlug})
			continue
		}
		v, errs := CheckValue(e.Indicator, r.ValueInput, today)
		for _, fe := range errs {
			p.Problems = append(p.Problems, Problem{Line: r.Line, Column: fe.Field, Code: fe.Code})
		}
		if len(errs) > 0 {
			continue
		}
		id := r.Slug + "|" + v.Key()
		if _, dup := seen[id]; dup {
			p.Problems = append(p.Problems, Problem{Line: r.Line, Column: dateField(!v.Date.IsZero()), Code: CodeDuplicateRow})
			continue
		}
		seen[id] = r.Line
		l := PreviewLine{Line: r.Line, Slug: r.Slug, Indicator: e.Name, Key: v.Key(), New: FormatNumber(v.Value),
			NewSource: v.Source, indicatorID: e.ID, value: v}
		switch old, exists := e.ValueAt(v.Key()); {
		case !exists:
			l.Kind = ImportAdd
			p.Added++
		case old.Value.Value == v.Value && old.Source == v.Source:
			l.Kind, l.Old, l.OldSource, l.valueID = ImportUnchanged, FormatNumber(old.Value.Value), old.Source, old.ID
			p.Unchanged++
		default:
			l.Kind, l.Old, l.OldSource, l.valueID = ImportChange, FormatNumber(old.Value.Value), old.Source, old.ID
			p.Changed++
		}
		p.Lines = append(p.Lines, l)
	}
	h := sha256.New()
	for _, l := range p.Lines {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%s\n", l.Slug, l.Key, l.Kind, l.Old, l.New, l.OldSource, l.NewSource)
	}
	p.Digest = hex.EncodeToString(h.Sum(nil))
	return p, nil
}

// PreviewImport is the dry run: it writes nothing.
func (s *Service) PreviewImport(ctx context.Context, data []byte) (Preview, error) {
	rows, problems := parseValuesCSV(data)
	if len(problems) > 0 {
		return Preview{Problems: problems}, nil
	}
	return planImport(ctx, s.db, rows, s.Now())
}

// ApplyImport applies a file previewed with digest, all or nothing, in one
// transaction: the file is checked again against the values as they are
// now, and ErrPreviewOutdated (with the new preview) refuses it when its
// effect is no longer the one shown.
func (s *Service) ApplyImport(ctx context.Context, a Actor, data []byte, digest string) (Preview, error) {
	rows, problems := parseValuesCSV(data)
	if len(problems) > 0 {
		return Preview{Problems: problems}, nil
	}
	var p Preview
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		// Hold off every other write to the values until the commit (on
		// PostgreSQL; SQLite has one writer): the values read below are
		// then the ones overwritten, never a correction made meanwhile
		// that the file would silently undo.
		if tx.Engine() == db.Postgres {
			if _, err := tx.Exec(ctx, "LOCK TABLE plan_indicator_values IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		now := s.Now()
		var err error
		if p, err = planImport(ctx, tx, rows, now); err != nil || len(p.Problems) > 0 {
			return err
		}
		if p.Digest != digest {
			return ErrPreviewOutdated
		}
		return s.apply(ctx, tx, a, p, now)
	})
	if errors.Is(err, errTaken) {
		// Another request added one of the file's values meanwhile: the
		// file would now change it instead, so show the new dry run.
		fresh, perr := planImport(ctx, s.db, rows, s.Now())
		if perr != nil {
			return Preview{}, perr
		}
		return fresh, ErrPreviewOutdated
	}
	return p, err
}

func (s *Service) apply(ctx context.Context, tx *db.Tx, a Actor, p Preview, now time.Time) error {
	changes := map[int64][]history.Change{}
	labels := map[int64]string{}
	var order []int64
	for _, l := range p.Lines {
		var err error
		switch l.Kind {
		case ImportAdd:
			_, err = insertValue(ctx, tx, l.indicatorID, l.value, a.UserID, now)
		case ImportChange:
			err = updateValue(ctx, tx, l.valueID, l.value)
		default:
			continue
		}
		if err != nil {
			return takenOr(err)
		}
		if _, seen := changes[l.indicatorID]; !seen {
			order = append(order, l.indicatorID)
		}
		old := &Value{Year: l.value.Year, Date: l.value.Date, Source: l.OldSource}
		if l.Kind == ImportAdd {
			old = nil
		} else {
			old.Value, _ = strconv.ParseFloat(l.Old, 64)
		}
		changes[l.indicatorID] = append(changes[l.indicatorID], valueChanges(old, &l.value)...)
		labels[l.indicatorID] = l.Indicator
	}
	for _, id := range order {
		if _, err := touchIndicator(ctx, tx, id, -1, a.UserID, now); err != nil {
			return err
		}
		if _, err := history.Record(ctx, tx, history.Set{Kind: history.KindIndicator, SubjectID: id, SubjectLabel: labels[id],
			ActorID: a.UserID, ActorName: a.Name, Origin: history.OriginImport, At: now, Changes: changes[id]}); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{ActorID: a.UserID, Action: audit.ActionPlanImported, TargetType: "plan_indicator_values",
		Detail: fmt.Sprintf("indicator values: %d added, %d changed, %d unchanged", p.Added, p.Changed, p.Unchanged)})
}

// WriteCSV writes every value with the columns the import reads, so that
// exporting then importing changes nothing.
func WriteCSV(w io.Writer, entries []Entry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, e := range entries {
		for _, v := range e.Values {
			if err := cw.Write([]string{e.Slug, strconv.Itoa(v.year()), v.DateText(), FormatNumber(v.Value.Value), exportCell(v.Source)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
