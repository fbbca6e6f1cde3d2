package actions

import (
	"context"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// A weight the database cannot hold or roll up is refused with the
// translated message, not stored or turned into a 500.
func TestFormRefusesWeightsThatAreNotNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		for _, w := range []string{"NaN", "Inf", "-Inf", "1e400"} {
			f := form("MOB-01", theme)
			f.Weight = w
			_, err := s.Create(context.Background(), staff, f)
			if fe := errorsOf(err); len(fe) != 1 || fe[0].Field != "weight" {
				t.Errorf("weight %s: %v", w, err)
			}
		}
	})
}
