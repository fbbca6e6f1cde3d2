package actions

import (
	"bytes"
	"context"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/planimport"
)

// A description typed in a browser (CRLF line ends) survives the
// export → import round trip unchanged.
func TestCRLFDescriptionRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		f := form("MOB-01", theme)
		f.Description = "Première ligne.\r\nDeuxième ligne.\r\n"
		mustCreate(t, s, f)
		rows, err := s.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := planimport.WriteCSV(&buf, rows); err != nil {
			t.Fatal(err)
		}
		p, err := s.DryRun(ctx, buf.Bytes())
		if err != nil || len(p.Problems) > 0 || len(p.Plan.Update) != 0 || len(p.Plan.Unchanged) != 1 {
			t.Errorf("round trip: %v %+v %+v", err, p.Problems, p.Plan)
		}
	})
}
