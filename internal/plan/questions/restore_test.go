package questions_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/questions"
)

// A moderator makes a hidden question public again: its followers then get
// the answer given while it was hidden, once, and not the one they had
// before it was hidden; only moderators may, and twice is once.
func TestRestoreAQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		mod := f.user(t, "mod@example.org", auth.RoleModerator, "fr")
		id := f.ask(t, asker, "Où passera la piste ?")

		deps, err := f.svc.Departments(ctx, f.action)
		if err != nil || len(deps) < 1 {
			t.Fatalf("departments: %v %v", deps, err)
		}
		if _, errs, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Avant.", Department: deps[0]}); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if n := emailJobs(t, d); n != 1 {
			t.Fatalf("first answer: %d mails", n)
		}
		if errs, err := f.svc.Hide(ctx, mod, id, "Propos à vérifier"); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		// Corrected while hidden: the followers are not told yet.
		_, answers, err := f.svc.Question(ctx, staff, id)
		if err != nil || len(answers) != 1 {
			t.Fatal(answers, err)
		}
		if _, errs, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Corrigée.", Department: deps[0],
			Replaces: answers[0].ID}); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}

		for _, a := range []questions.Actor{{}, asker, staff} {
			if err := f.svc.Restore(ctx, a, id); !errors.Is(err, questions.ErrForbidden) {
				t.Errorf("%+v restores: %v", a, err)
			}
		}
		if err := f.svc.Restore(ctx, mod, 999999); !errors.Is(err, questions.ErrNotFound) {
			t.Errorf("restore nothing: %v", err)
		}
		for range 2 {
			if err := f.svc.Restore(ctx, mod, id); err != nil {
				t.Fatal(err)
			}
		}
		q, _, err := f.svc.Question(ctx, questions.Actor{}, id)
		if err != nil || q.Hidden() {
			t.Fatalf("after restore the public sees %+v, %v", q, err)
		}
		// The edited answer is the current one; an edit is not mailed on
		// its own, so the followers' only mail is still the first one.
		if n := emailJobs(t, d); n != 1 {
			t.Errorf("after restoring: %d mails, want 1", n)
		}
		var audits int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'plan.question_restored'").Scan(&audits)
		if audits != 1 {
			t.Errorf("restores audited: %d, want 1", audits)
		}
	})
}

// An answer given only while the question was hidden reaches the followers
// when it is restored.
func TestRestoreMailsTheAnswerGivenWhileHidden(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		mod := f.user(t, "mod@example.org", auth.RoleModerator, "fr")
		id := f.ask(t, asker, "Quand ouvre la piste ?")
		deps, _ := f.svc.Departments(ctx, f.action)
		if errs, err := f.svc.Hide(ctx, mod, id, "Doublon possible"); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if _, errs, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Au printemps.", Department: deps[0]}); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if n := emailJobs(t, d); n != 0 {
			t.Fatalf("answer while hidden: %d mails", n)
		}
		if err := f.svc.Restore(ctx, mod, id); err != nil {
			t.Fatal(err)
		}
		if m, ok := mails(t, d)["asker@example.org"]; !ok || emailJobs(t, d) != 1 {
			t.Errorf("after restoring: %d mails, the asker's: %+v", emailJobs(t, d), m)
		}
	})
}

// Staff answering a hidden question while a moderator restores it: whatever
// the order of the commits, the followers end up told of the answer.
func TestRestoreRacingAnAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		mod := f.user(t, "mod@example.org", auth.RoleModerator, "fr")
		deps, _ := f.svc.Departments(ctx, f.action)
		for round := range 20 {
			id := f.ask(t, asker, "Question "+strconv.Itoa(round))
			if errs, err := f.svc.Hide(ctx, mod, id, "À vérifier"); err != nil || len(errs) > 0 {
				t.Fatal(errs, err)
			}
			before := emailJobs(t, d)
			var wg sync.WaitGroup
			var answerErr, restoreErr error
			wg.Add(2)
			go func() {
				defer wg.Done()
				_, _, answerErr = f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Réponse.", Department: deps[0]})
			}()
			go func() {
				defer wg.Done()
				restoreErr = f.svc.Restore(ctx, mod, id)
			}()
			wg.Wait()
			if answerErr != nil || restoreErr != nil {
				t.Fatalf("round %d: %v %v", round, answerErr, restoreErr)
			}
			if n := emailJobs(t, d) - before; n != 1 {
				t.Fatalf("round %d: %d mails to the asker, want 1", round, n)
			}
		}
	})
}
