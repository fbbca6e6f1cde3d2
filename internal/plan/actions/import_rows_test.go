package actions

import (
	"context"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/planimport"
)

// What the dry run accepts, apply can store, and the form can save again:
// each row the store or the form would refuse is refused with its line.
func TestImportRowsTheStoreAndFormAccept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		newTheme(t, s, "mobilite")
		const header = "identifier;title;theme;parent;weight;departments\n"
		for name, c := range map[string]struct {
			row    string
			reason planimport.Reason
		}{
			"NaN weight":          {"MOB-01;Vélo;mobilite;;NaN;\n", planimport.ReasonBadWeight},
			"infinite weight":     {"MOB-01;Vélo;mobilite;;Inf;\n", planimport.ReasonBadWeight},
			"Latin-1 text":        {"MOB-01;Am\xe9nagement;mobilite;;1;\n", planimport.ReasonNotUTF8},
			"space in identifier": {"MOB 01;Vélo;mobilite;;1;\n", planimport.ReasonBadIdentifier},
			"long title":          {"MOB-01;" + strings.Repeat("v", maxTitle+1) + ";mobilite;;1;\n", planimport.ReasonTooLong},
		} {
			p, err := s.DryRun(ctx, []byte(header+c.row))
			if err != nil || len(p.Problems) != 1 || p.Problems[0].Line != 2 || p.Problems[0].Reason != c.reason {
				t.Errorf("%s: %v %+v", name, err, p.Problems)
			}
		}
		// A department named twice is kept once, and the file applies.
		file := []byte(header + "MOB-01;Vélo;mobilite;;1;\"DVD; DVD\"\n")
		p, err := s.DryRun(ctx, file)
		if err != nil || len(p.Problems) > 0 {
			t.Fatalf("dry run: %v %+v", err, p.Problems)
		}
		if p, err = s.Apply(ctx, staff, file, p.Fingerprint); err != nil || !p.Applied {
			t.Fatalf("apply: %v %+v", err, p)
		}
		if list, _, _ := s.List(ctx, Filter{}); len(list) != 1 || len(list[0].Departments) != 1 {
			t.Errorf("stored: %+v", list)
		}
	})
}
