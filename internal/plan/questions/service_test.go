package questions_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/plan/questions"
	"climatevolunteers/internal/ratelimit"
)

func TestAsk(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		if _, _, err := f.svc.Ask(ctx, questions.Actor{}, f.action, questions.AskInput{Title: "Q", Body: "B"}); !errors.Is(err, questions.ErrForbidden) {
			t.Fatalf("a visitor asked: %v", err)
		}
		vol := f.user(t, "vol@example.org", auth.RoleVolunteer, "fr")
		_, errs, err := f.svc.Ask(ctx, vol, f.action, questions.AskInput{Title: "  ", Body: strings.Repeat("é", questions.MaxBody+1)})
		if err != nil || len(errs) != 2 || errs[0].Key != "plan.questions.error.title_required" || errs[1].Key != "plan.questions.error.body_too_long" {
			t.Fatalf("empty title and long body: %+v %v", errs, err)
		}
		if _, _, err := f.svc.Ask(ctx, vol, 999999, questions.AskInput{Title: "Q", Body: "B"}); !errors.Is(err, questions.ErrNotFound) {
			t.Fatalf("a question on no action: %v", err)
		}
		id := f.ask(t, vol, "Où passera la piste cyclable ?")
		q, answers, err := f.svc.Question(ctx, questions.Actor{}, id)
		if err != nil || q.Title != "Où passera la piste cyclable ?" || q.Action.Identifier != "M1" || q.AuthorID != vol.UserID || len(answers) != 0 || q.Answered() {
			t.Fatalf("the question as asked: %+v %v %v", q, answers, err)
		}
		if ok, err := f.svc.Following(ctx, id, vol.UserID); !ok || err != nil {
			t.Fatalf("the asker follows their question: %v %v", ok, err)
		}
		if n, err := f.svc.CountByAction(ctx, f.action); n != 1 || err != nil {
			t.Fatalf("count %d %v", n, err)
		}
	})
}

func TestFollowIsIdempotent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		id := f.ask(t, f.user(t, "asker@example.org", auth.RoleVolunteer, "fr"), "Question")
		other := f.user(t, "other@example.org", auth.RoleVolunteer, "fr")
		for range 2 {
			if err := f.svc.Follow(ctx, other, id); err != nil {
				t.Fatal(err)
			}
		}
		if q, _, _ := f.svc.Question(ctx, other, id); q.Followers != 2 {
			t.Fatalf("followers after following twice: %d, want 2", q.Followers)
		}
		for range 2 {
			if err := f.svc.Unfollow(ctx, other, id); err != nil {
				t.Fatal(err)
			}
		}
		if q, _, _ := f.svc.Question(ctx, other, id); q.Followers != 1 {
			t.Fatalf("followers after unfollowing twice: %d, want 1", q.Followers)
		}
		if err := f.svc.Follow(ctx, questions.Actor{}, id); !errors.Is(err, questions.ErrForbidden) {
			t.Fatalf("a visitor followed: %v", err)
		}
		if err := f.svc.Follow(ctx, other, 999999); !errors.Is(err, questions.ErrNotFound) {
			t.Fatalf("following no question: %v", err)
		}
	})
}

func TestOfficialAnswerMailsFollowersButTheAnswerer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		reader := f.user(t, "reader@example.org", auth.RoleVolunteer, "en")
		staff := f.user(t, "agent@example.org", auth.RoleCoordinator, "fr")
		id := f.ask(t, asker, "Où passera la piste ?")
		for _, a := range []questions.Actor{reader, staff} {
			if err := f.svc.Follow(ctx, a, id); err != nil {
				t.Fatal(err)
			}
		}
		in := questions.AnswerInput{Body: "Par la rue de Rivoli.", Department: "Direction de l'Urbanisme"}
		if _, _, err := f.svc.Answer(ctx, asker, id, in); !errors.Is(err, questions.ErrForbidden) {
			t.Fatalf("a volunteer answered: %v", err)
		}
		_, errs, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: " ", Department: "Préfecture"})
		if err != nil || len(errs) != 2 || errs[0].Field != "answer" || errs[1].Field != "department" {
			t.Fatalf("empty answer and a department not responsible: %+v %v", errs, err)
		}
		if len(mails(t, d)) != 0 {
			t.Fatal("a refused answer queued mails")
		}
		aid, errs, err := f.svc.Answer(ctx, staff, id, in)
		if err != nil || len(errs) > 0 {
			t.Fatalf("answer: %v %v", errs, err)
		}
		q, answers, _ := f.svc.Question(ctx, questions.Actor{}, id)
		if !q.Answered() || len(answers) != 1 || answers[0].ID != aid || !answers[0].Official || answers[0].Department != in.Department {
			t.Fatalf("answered question: %+v %+v", q, answers)
		}
		got := mails(t, d)
		if len(got) != 2 {
			t.Fatalf("mails to %v, want the asker and the reader (not the answerer)", got)
		}
		fr, en := got["asker@example.org"], got["reader@example.org"]
		if !strings.HasPrefix(fr.Subject, "Réponse officielle") || !strings.Contains(fr.Subject, q.Title) || fr.Lang != "fr" {
			t.Fatalf("French mail: %+v", fr)
		}
		if !strings.HasPrefix(en.Subject, "Official answer") || !strings.Contains(en.Text, "https://example.org/plan/questions/") {
			t.Fatalf("English mail: %+v", en)
		}
	})
}

func TestEditingAnAnswerKeepsItsVersions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		staff := f.user(t, "agent@example.org", auth.RoleAdmin, "fr")
		id, errs, err := f.svc.Ask(ctx, f.user(t, "a@example.org", auth.RoleVolunteer, "fr"), f.bare, questions.AskInput{Title: "Q", Body: "B"})
		if err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if _, errs, _ := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "x", Department: "Direction de l'Urbanisme"}); len(errs) != 1 {
			t.Fatalf("an action without departments is answered by the City only: %+v", errs)
		}
		first, _, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Première version", Department: questions.CityDepartment})
		if err != nil {
			t.Fatal(err)
		}
		second, _, err := f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Version corrigée", Department: questions.CityDepartment, Replaces: first})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.svc.Answer(ctx, staff, id, questions.AnswerInput{Body: "Autre correction", Department: questions.CityDepartment, Replaces: first})
		if !errors.Is(err, questions.ErrConflict) {
			t.Fatalf("editing a version edited since: %v, want a conflict", err)
		}
		_, answers, _ := f.svc.Question(ctx, staff, id)
		if len(answers) != 2 || answers[0].Current() || answers[0].Body != "Première version" ||
			!answers[1].Current() || answers[1].ID != second || answers[1].SupersedesID != first {
			t.Fatalf("versions: %+v", answers)
		}
	})
}

func TestHiddenQuestionsAreNotFoundButForStaffAndModerators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, nil)
		ctx := context.Background()
		asker := f.user(t, "asker@example.org", auth.RoleVolunteer, "fr")
		mod := f.user(t, "mod@example.org", auth.RoleModerator, "fr")
		staff := f.user(t, "staff@example.org", auth.RoleCoordinator, "fr")
		id := f.ask(t, asker, "Propos hors sujet")
		for _, a := range []questions.Actor{asker, staff} {
			if _, err := f.svc.Hide(ctx, a, id, "Hors sujet"); !errors.Is(err, questions.ErrForbidden) {
				t.Fatalf("%s hid a question: %v", a.Role, err)
			}
		}
		if errs, err := f.svc.Hide(ctx, mod, id, " "); err != nil || len(errs) != 1 || errs[0].Key != "plan.questions.error.reason_required" {
			t.Fatalf("hiding without a reason: %+v %v", errs, err)
		}
		for range 2 { // hiding twice is hiding once
			if errs, err := f.svc.Hide(ctx, mod, id, "Hors sujet"); err != nil || len(errs) > 0 {
				t.Fatal(errs, err)
			}
		}
		var audits int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'plan.question_hidden'").Scan(&audits); err != nil || audits != 1 {
			t.Fatalf("audit entries %d %v, want 1", audits, err)
		}
		for _, a := range []questions.Actor{{}, asker} {
			if _, _, err := f.svc.Question(ctx, a, id); !errors.Is(err, questions.ErrNotFound) {
				t.Fatalf("a hidden question seen by %q: %v", a.Role, err)
			}
			if err := f.svc.Follow(ctx, asker, id); !errors.Is(err, questions.ErrNotFound) {
				t.Fatalf("following a hidden question: %v", err)
			}
		}
		for _, a := range []questions.Actor{mod, staff} {
			if q, _, err := f.svc.Question(ctx, a, id); err != nil || q.HiddenReason != "Hors sujet" {
				t.Fatalf("%s must see the hidden question: %+v %v", a.Role, q, err)
			}
		}
		if list, total, _ := f.svc.Recent(ctx, questions.FilterHidden, 1); total != 0 || len(list) != 0 {
			t.Fatalf("public list shows a hidden question: %d", total)
		}
		if _, list, _, _ := f.svc.ForAction(ctx, asker, f.action); len(list) != 0 {
			t.Fatalf("action page shows a hidden question to a volunteer")
		}
		if list, total, _ := f.svc.Manage(ctx, staff, questions.FilterHidden, 1); total != 1 || list[0].ID != id {
			t.Fatalf("staff's hidden filter: %d", total)
		}
		if n, _ := f.svc.CountByAction(ctx, f.action); n != 0 {
			t.Fatalf("count of visible questions %d, want 0", n)
		}
	})
}

func TestAskingIsRateLimitedPerAccount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		clock := &fixedClock{now: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)}
		f := newFixture(t, d, ratelimit.New(rate.Every(time.Hour), 2, ratelimit.WithClock(clock.Now)))
		ctx := context.Background()
		vol := f.user(t, "vol@example.org", auth.RoleVolunteer, "fr")
		other := f.user(t, "other@example.org", auth.RoleVolunteer, "fr")
		if _, errs, _ := f.svc.Ask(ctx, vol, f.action, questions.AskInput{}); len(errs) == 0 {
			t.Fatal("an empty question was accepted")
		}
		f.ask(t, vol, "Une")
		f.ask(t, vol, "Deux") // the refused one above did not count
		_, _, err := f.svc.Ask(ctx, vol, f.action, questions.AskInput{Title: "Trois", Body: "B"})
		var rl *questions.RateLimitError
		if !errors.As(err, &rl) || rl.Retry != time.Hour {
			t.Fatalf("third question in an hour: %v, want a rate limit of one hour", err)
		}
		f.ask(t, other, "Une autre personne")
		clock.now = clock.now.Add(time.Hour)
		f.ask(t, vol, "Trois, une heure plus tard")
	})
}
