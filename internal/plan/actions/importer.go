package actions

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
	"climatevolunteers/internal/plan/planimport"
)

// Problem reasons this part adds to planimport's, for what only the
// database knows.
const (
	ReasonUnknownTheme  planimport.Reason = "unknown_theme"
	ReasonMissingTheme  planimport.Reason = "missing_theme"
	ReasonUnknownPhase  planimport.Reason = "unknown_phase"
	ReasonMergedNoTaget planimport.Reason = "merged_without_target"
)

// Preview is the dry run of an import: what applying the file would do.
type Preview struct {
	Plan        planimport.Plan
	Problems    []planimport.Problem // non-empty: the whole file is refused
	Fingerprint string               // the file and the plan it was compared with
	Stale       bool                 // apply found the plan changed since the dry run
	Applied     bool

	incoming []planimport.Action
	stored   []Action
	themeIDs map[string]int64 // incoming theme cell → id
}

// toImport turns stored actions into import rows.
func toImport(list []Action) []planimport.Action {
	identifiers := make(map[int64]string, len(list))
	for _, a := range list {
		identifiers[a.ID] = a.Identifier
	}
	out := make([]planimport.Action, len(list))
	for i, a := range list {
		r := planimport.Action{Identifier: a.Identifier, Title: a.Title, Theme: a.ThemeSlug,
			Status: planimport.Status(a.Status), Phase: a.Phase, Departments: a.Departments, Partners: a.Partners,
			Parent: identifiers[a.ParentID], Weight: a.Weight, Description: a.Description}
		r.Start, _ = time.Parse(dateLayout, a.StartsOn)
		r.End, _ = time.Parse(dateLayout, a.EndsOn)
		if a.ProgressMode == ModeManual && a.ProgressManual != nil {
			p := *a.ProgressManual
			r.Progress = &p
		}
		out[i] = r
	}
	return out
}

// DryRun reads a file and says what importing it would do; nothing is written.
func (s *Service) DryRun(ctx context.Context, data []byte) (Preview, error) {
	return s.preview(ctx, s.deps.DB, data)
}

func (s *Service) preview(ctx context.Context, q querier, data []byte) (Preview, error) {
	var p Preview
	stored, err := queryActions(ctx, q, "ORDER BY a.identifier")
	if err != nil {
		return p, err
	}
	p.stored = stored
	incoming, err := planimport.ParseActions(bytes.NewReader(data))
	var ie *planimport.ImportError
	if errors.As(err, &ie) {
		p.Problems = ie.Problems
		return p, nil
	}
	if err != nil {
		return p, err
	}
	themes, err := listThemes(ctx, q)
	if err != nil {
		return p, err
	}
	existing := toImport(stored)
	byIdentifier := map[string]int{}
	for i, a := range existing {
		byIdentifier[a.Identifier] = i
	}
	keepStored(incoming, existing, byIdentifier, planimport.PresentColumns(data))

	p.themeIDs = map[string]int64{}
	for i, a := range incoming {
		bad := func(col, value string, reason planimport.Reason) {
			p.Problems = append(p.Problems, planimport.Problem{Line: a.Line, Identifier: a.Identifier, Column: col, Value: value, Reason: reason})
		}
		switch t, ok := findTheme(themes, a.Theme); {
		case a.Theme == "":
			bad("theme", "", ReasonMissingTheme)
		case !ok:
			bad("theme", a.Theme, ReasonUnknownTheme)
		default:
			incoming[i].Theme = t.Slug // compared and shown by slug, as exported
			p.themeIDs[t.Slug] = t.ID
		}
		if a.Phase != "" && !slices.Contains(Phases, a.Phase) {
			bad("phase", a.Phase, ReasonUnknownPhase)
		}
		if a.Status == planimport.StatusMerged {
			j, ok := byIdentifier[a.Identifier]
			if !ok || stored[j].MergedIntoID == 0 {
				bad("status", string(a.Status), ReasonMergedNoTaget)
			}
		}
	}
	p.Problems = append(p.Problems, storedCycles(incoming, existing)...)
	if len(p.Problems) > 0 {
		slices.SortStableFunc(p.Problems, func(a, b planimport.Problem) int { return a.Line - b.Line })
		return p, nil
	}
	p.incoming = incoming
	p.Plan = planimport.Diff(existing, incoming)
	var state bytes.Buffer
	if err := planimport.WriteCSV(&state, existing); err != nil {
		return p, err
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%d:%s%d:%s", len(data), data, state.Len(), state.Bytes())
	p.Fingerprint = hex.EncodeToString(sum.Sum(nil))
	return p, nil
}

// keepStored copies into incoming rows the stored values of the columns the
// file does not have, so that a file without "partners" erases no partner.
func keepStored(incoming, existing []planimport.Action, byIdentifier map[string]int, present map[string]bool) {
	for i, a := range incoming {
		j, ok := byIdentifier[a.Identifier]
		if !ok {
			continue
		}
		old := existing[j]
		for col, copyOld := range map[string]func(){
			"theme": func() { a.Theme = old.Theme }, "status": func() { a.Status = old.Status },
			"phase": func() { a.Phase = old.Phase }, "start": func() { a.Start = old.Start },
			"end": func() { a.End = old.End }, "progress": func() { a.Progress = old.Progress },
			"departments": func() { a.Departments = old.Departments }, "partners": func() { a.Partners = old.Partners },
			"parent": func() { a.Parent = old.Parent }, "weight": func() { a.Weight = old.Weight },
			"description": func() { a.Description = old.Description },
		} {
			if !present[col] {
				copyOld()
			}
		}
		incoming[i] = a
	}
}

// findTheme matches a theme by slug, or by name whatever the case.
func findTheme(themes []Theme, cell string) (Theme, bool) {
	for _, t := range themes {
		if t.Slug == cell || strings.EqualFold(t.Name, cell) {
			return t, true
		}
	}
	return Theme{}, false
}

// storedCycles finds parent cycles that go through actions absent from the
// file (planimport checks the file alone).
func storedCycles(incoming, existing []planimport.Action) []planimport.Problem {
	parent := map[string]string{}
	for _, a := range existing {
		parent[a.Identifier] = a.Parent
	}
	for _, a := range incoming {
		parent[a.Identifier] = a.Parent
	}
	var out []planimport.Problem
	for _, a := range incoming {
		seen := map[string]bool{}
		for cur := parent[a.Identifier]; cur != "" && !seen[cur]; cur = parent[cur] {
			seen[cur] = true
			if cur == a.Identifier {
				out = append(out, planimport.Problem{Line: a.Line, Identifier: a.Identifier, Column: "parent",
					Value: a.Parent, Reason: planimport.ReasonParentCycle})
				break
			}
		}
	}
	return out
}

// Apply imports the file previewed with fingerprint, all or nothing. When
// the plan or the file changed since that dry run nothing is written and
// the new dry run comes back with Stale set.
func (s *Service) Apply(ctx context.Context, actor Actor, data []byte, fingerprint string) (Preview, error) {
	var p Preview
	err := s.deps.DB.Tx(ctx, func(tx *db.Tx) error {
		// Hold off every other write to the actions until the commit (on
		// PostgreSQL; SQLite has one writer): apply then compares with, and
		// writes over, the plan as it stands, never one edited meanwhile.
		if tx.Engine() == db.Postgres {
			if _, err := tx.Exec(ctx, "LOCK TABLE plan_actions IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return err
			}
		}
		var err error
		if p, err = s.preview(ctx, tx, data); err != nil || len(p.Problems) > 0 {
			return err
		}
		if p.Fingerprint != fingerprint {
			p.Stale = true
			return nil
		}
		if err := s.write(ctx, tx, actor, p); err != nil {
			return err
		}
		p.Applied = true
		return audit.Record(ctx, tx, audit.Entry{ActorID: actor.UserID, Action: audit.ActionPlanImported,
			TargetType: "plan", Detail: fmt.Sprintf("created %d, updated %d, unchanged %d",
				len(p.Plan.Create), len(p.Plan.Update), len(p.Plan.Unchanged))})
	})
	if errors.Is(err, errIdentifierTaken) {
		// Someone saved one of the file's identifiers while it was written:
		// nothing was kept; the plan changed, so show the new dry run.
		if p, err = s.DryRun(ctx, data); err == nil {
			p.Stale = true
		}
	}
	return p, err
}

// write applies a checked preview inside tx: every row first, then the
// progress of every touched action and its ancestors, then the history.
func (s *Service) write(ctx context.Context, tx *db.Tx, actor Actor, p Preview) error {
	ids := map[string]int64{}
	before := map[int64]Action{}
	for _, a := range p.stored {
		ids[a.Identifier] = a.ID
		before[a.ID] = a
	}
	rows := map[string]planimport.Action{}
	hasChildren := map[string]bool{}
	for _, a := range p.incoming {
		rows[a.Identifier] = a
	}
	parentOf := map[string]string{}
	for _, a := range toImport(p.stored) {
		parentOf[a.Identifier] = a.Parent
	}
	for _, a := range p.incoming {
		parentOf[a.Identifier] = a.Parent
	}
	for _, parent := range parentOf {
		hasChildren[parent] = true
	}

	var touched []string
	for _, a := range p.Plan.Create {
		in := s.importInput(a, p.themeIDs, nil, Action{}, hasChildren)
		id, err := insertAction(ctx, tx, in, actor.UserID)
		if err != nil {
			return err
		}
		ids[a.Identifier] = id
		touched = append(touched, a.Identifier)
	}
	for _, u := range p.Plan.Update {
		touched = append(touched, u.Identifier)
	}
	quiet := map[int64]bool{}
	for _, identifier := range touched {
		id := ids[identifier]
		quiet[id] = true
		in := s.importInput(rows[identifier], p.themeIDs, ids, before[id], hasChildren)
		if err := updateAction(ctx, tx, id, in, 0, actor.UserID); err != nil {
			return err
		}
	}
	// Deepest first: each walk up then reads sub-actions already refreshed,
	// so an ancestor outside the file moves once, to its final figure,
	// rather than through a figure computed from stale ones.
	depth := func(identifier string) int {
		n := 0
		for p := parentOf[identifier]; p != "" && n <= len(parentOf); p = parentOf[p] {
			n++
		}
		return n
	}
	slices.SortStableFunc(touched, func(a, b string) int { return depth(b) - depth(a) })
	for _, identifier := range touched {
		if err := refreshProgressQuiet(ctx, tx, ids[identifier], actor, history.OriginImport, quiet, true); err != nil {
			return err
		}
		// An action moved to another parent leaves its old parent's roll-up behind.
		if old := before[ids[identifier]].ParentID; old != 0 {
			if err := refreshProgressQuiet(ctx, tx, old, actor, history.OriginImport, quiet, false); err != nil {
				return err
			}
		}
	}
	for _, identifier := range touched {
		id := ids[identifier]
		after, err := getAction(ctx, tx, id)
		if err != nil {
			return err
		}
		if old, ok := before[id]; ok {
			_, err = history.Record(ctx, tx, history.Set{Kind: history.KindAction, SubjectID: id, SubjectLabel: after.Label(),
				ActorID: actor.UserID, ActorName: actor.Name, Origin: history.OriginImport, Changes: diffFields(old, after)})
		} else {
			err = recordCreation(ctx, tx, after, actor, history.OriginImport, time.Time{})
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// importInput turns a checked row into the store's input. Progress in the
// file means manual mode; without it, a stored action keeps its mode (the
// dry run cannot show a mode, so apply must not change it) and a new one
// with sub-actions rolls up.
func (s *Service) importInput(a planimport.Action, themeIDs, ids map[string]int64, stored Action, hasChildren map[string]bool) Input {
	mergedInto := stored.MergedIntoID
	in := Input{Identifier: a.Identifier, Title: a.Title, Description: a.Description, ThemeID: themeIDs[a.Theme],
		Weight: a.Weight, Status: string(a.Status), Phase: a.Phase, Departments: a.Departments, Partners: a.Partners,
		ProgressMode: ModeManual, ProgressManual: a.Progress}
	if ids != nil {
		in.ParentID = ids[a.Parent]
	}
	if in.Status == StatusMerged {
		in.MergedIntoID = mergedInto
	}
	if !a.Start.IsZero() {
		in.StartsOn = a.Start.Format(dateLayout)
	}
	if !a.End.IsZero() {
		in.EndsOn = a.End.Format(dateLayout)
	}
	switch {
	case a.Progress != nil:
	case stored.ID != 0:
		in.ProgressMode = stored.ProgressMode
	case hasChildren[a.Identifier]:
		in.ProgressMode = ModeRollup
	}
	return in
}
