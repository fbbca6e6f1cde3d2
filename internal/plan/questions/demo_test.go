package questions_test

import (
	"context"
	"strings"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/questions"
)

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		// Without volunteers there is no one to ask: nothing is seeded.
		if err := d.Tx(ctx, func(tx *db.Tx) error { return questions.SeedDemo(ctx, tx, db.Now()) }); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.svc.CountByAction(ctx, f.action); n != 0 {
			t.Fatalf("questions without volunteers: %d", n)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE plan_actions SET title = 'Des pistes cyclables continues' WHERE id = ?", f.bare)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		f.user(t, "v1@example.org", auth.RoleVolunteer, "fr")
		f.user(t, "c1@example.org", auth.RoleCoordinator, "fr")
		if err := d.Tx(ctx, func(tx *db.Tx) error { return questions.SeedDemo(ctx, tx, db.Now()) }); err != nil {
			t.Fatal(err)
		}
		// The cycling question goes to the cycling action, answered by the
		// City (it has no department); the general one to the other action,
		// answered by its first department.
		_, list, answers, err := f.svc.ForAction(ctx, questions.Actor{}, f.action)
		if err != nil || len(list) != 1 {
			t.Fatalf("questions on the first action: %d %v", len(list), err)
		}
		if as := answers[list[0].ID]; len(as) != 1 || as[0].Department != "Direction de la Voirie et des Déplacements" || !list[0].Answered() {
			t.Fatalf("answers of the general question: %+v", as)
		}
		_, list, answers, err = f.svc.ForAction(ctx, questions.Actor{}, f.bare)
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Title, "cyclables") {
			t.Fatalf("questions on the cycling action: %+v %v", list, err)
		}
		if as := answers[list[0].ID]; len(as) != 1 || as[0].Department != questions.CityDepartment {
			t.Fatalf("answers of the cycling question: %+v", as)
		}
	})
}
