package questions_test

import (
	"context"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/questions"
)

func emailJobs(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM outbox_jobs WHERE kind = 'email'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Followers are mailed once, about an answer they can read: not when staff
// answer a hidden question, not again when an answer is edited.
func TestFollowersAreMailedOnceAboutAnswersTheyCanRead(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		mod := f.user(t, "mod@example.org", auth.RoleModerator, "fr")
		in := questions.AnswerInput{Body: "Par la rue de Rivoli.", Department: "Direction de l'Urbanisme"}

		hidden := f.ask(t, asker, "Question masquée")
		if errs, err := f.svc.Hide(ctx, mod, hidden, "Hors sujet"); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if _, errs, err := f.svc.Answer(ctx, staff, hidden, in); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if n := emailJobs(t, d); n != 0 {
			t.Errorf("an answer on a hidden question queued %d mails", n)
		}

		id := f.ask(t, asker, "Où passera la piste ?")
		first, _, err := f.svc.Answer(ctx, staff, id, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Par la rue de Rivoli, côté Seine.",
			Department: in.Department, Replaces: first}); err != nil {
			t.Fatal(err)
		}
		if n := emailJobs(t, d); n != 1 {
			t.Errorf("an answer and its edit queued %d mails, want 1", n)
		}
	})
}
