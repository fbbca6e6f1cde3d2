package questions_test

import (
	"context"
	"testing"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/questions"
)

func TestEraseMemberLeavesTheQuestionToAFormerMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		gone := f.user(t, "gone@example.org", auth.RoleVolunteer, "fr")
		stays := f.user(t, "stays@example.org", auth.RoleVolunteer, "fr")
		mine := f.ask(t, gone, "Ma question")
		theirs := f.ask(t, stays, "Leur question")
		if err := f.svc.Follow(ctx, gone, theirs); err != nil {
			t.Fatal(err)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return questions.EraseMember(ctx, tx, gone.UserID) }); err != nil {
			t.Fatal(err)
		}
		q, _, err := f.svc.Question(ctx, questions.Actor{}, mine)
		if err != nil || q.AuthorID != 0 || q.Title != "Ma question" || q.Followers != 0 {
			t.Fatalf("the erased member's question: %+v %v", q, err)
		}
		if names, _ := f.svc.AuthorNames(ctx, []questions.Question{q}); len(names) != 0 {
			t.Fatalf("a former member is named: %v", names)
		}
		if q, _, _ := f.svc.Question(ctx, questions.Actor{}, theirs); q.Followers != 1 || q.AuthorID != stays.UserID {
			t.Fatalf("another's question after the erasure: %+v", q)
		}
	})
}
