package actions

import (
	"context"
	"strings"
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

// Text that is not UTF-8 (a Latin-1 paste) is refused with a translated
// message at the form, on both engines.
func TestFormRefusesTextThatIsNotUTF8(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewService(Deps{DB: d})
		theme := newTheme(t, s, "mobilite")
		f := form("MOB-01", theme)
		f.Title = "Am\xe9nagement"
		if _, err := s.Create(ctx, staff, f); !hasError(err, "title", "plan.actions.error.encoding") {
			t.Errorf("action title: %v", err)
		}
		id := mustCreate(t, s, form("MOB-02", theme))
		if err := s.AddTask(ctx, staff, id, "", "T\xe2che"); !hasError(err, "title", "plan.actions.error.encoding") {
			t.Errorf("task: %v", err)
		}
		if _, err := s.SaveTheme(ctx, staff, 0, ThemeForm{Name: "D\xe9chets"}); !hasError(err, "name", "plan.actions.error.encoding") {
			t.Errorf("theme: %v", err)
		}
	})
}

func hasError(err error, field, key string) bool {
	for _, fe := range errorsOf(err) {
		if fe.Field == field && fe.Key == key {
			return true
		}
	}
	return false
}

// A theme's description has the same limit as an action's.
func TestThemeDescriptionLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := NewService(Deps{DB: d})
		_, err := s.SaveTheme(context.Background(), staff, 0, ThemeForm{Name: "Mobilité", Description: strings.Repeat("x", maxDescription+1)})
		if !hasError(err, "description", "plan.actions.error.too_long") {
			t.Errorf("long description: %v", err)
		}
	})
}
