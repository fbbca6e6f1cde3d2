package questions_test

import (
	"context"
	"sync"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/questions"
)

// A department answers a question once (then edits its answer): a second
// answer, even sent at the same time (a double click, two agents), is
// refused with a translated message.
func TestADepartmentAnswersOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		in := questions.AnswerInput{Body: "Par la rue de Rivoli.", Department: "Direction de l'Urbanisme"}

		id := f.ask(t, asker, "Où passera la piste ?")
		if _, errs, err := f.svc.Answer(ctx, staff, id, in); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		_, errs, err := f.svc.Answer(ctx, staff, id, in)
		if err != nil || len(errs) != 1 || errs[0].Key != "plan.questions.error.already_answered" {
			t.Errorf("a second answer from the department: %+v %v", errs, err)
		}
		other := in
		other.Department = "Direction de la Voirie et des Déplacements"
		if _, errs, err := f.svc.Answer(ctx, staff, id, other); err != nil || len(errs) > 0 {
			t.Errorf("another department's answer: %+v %v", errs, err)
		}

		// Concurrent submits: one answer stands, the others are refused.
		id = f.ask(t, asker, "Quand commencent les travaux ?")
		const n = 8
		var wg sync.WaitGroup
		results := make([][]questions.FieldError, n)
		failures := make([]error, n)
		for i := range n {
			wg.Go(func() { _, results[i], failures[i] = f.svc.Answer(ctx, staff, id, in) })
		}
		wg.Wait()
		accepted := 0
		for i := range n {
			switch {
			case failures[i] != nil:
				t.Errorf("concurrent answer %d: %v", i, failures[i])
			case len(results[i]) == 0:
				accepted++
			case results[i][0].Key != "plan.questions.error.already_answered":
				t.Errorf("concurrent answer %d refused with %+v", i, results[i])
			}
		}
		_, answers, _ := f.svc.Question(ctx, staff, id)
		if accepted != 1 || len(answers) != 1 {
			t.Errorf("concurrent answers: %d accepted, %d stored", accepted, len(answers))
		}
	})
}

// Editing an answer under another department is refused: the department's
// answer stays current, and the other department has none.
func TestAnEditKeepsItsDepartment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		id := f.ask(t, asker, "Où passera la piste ?")
		first, _, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Par la rue de Rivoli.", Department: "Direction de l'Urbanisme"})
		if err != nil {
			t.Fatal(err)
		}
		_, errs, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Par les quais.",
			Department: "Direction de la Voirie et des Déplacements", Replaces: first})
		if err != nil || len(errs) != 1 || errs[0].Key != "plan.questions.error.department_fixed" {
			t.Fatalf("an edit under another department: %+v %v", errs, err)
		}
		_, answers, err := f.svc.Question(ctx, staff, id)
		if err != nil || len(answers) != 1 || !answers[0].Current() || answers[0].Department != "Direction de l'Urbanisme" {
			t.Errorf("after the refused edit: %+v %v", answers, err)
		}
		if _, _, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Par les quais.",
			Department: "Direction de l'Urbanisme", Replaces: 999999}); err == nil {
			t.Error("an edit of an answer that does not exist was taken")
		}
	})
}
