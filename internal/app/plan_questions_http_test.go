package app_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// A volunteer asks, another follows, a volunteer cannot answer, City staff
// answers officially: the followers but the answerer are mailed, each in
// their language. A moderator hides the question: 404 but to staff; then
// makes it public again.
func TestPlanQuestionJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		action, _, _ := qsRouteFixture(t, a)
		ask := "/plan/actions/" + strconv.FormatInt(action, 10) + "/questions"
		form := url.Values{"title": {"Où passera la piste ?"}, "body": {"Par la rue de Rivoli ?"}}.Encode()

		if resp, _ := a.PostForm(t, a.Client(t), ask, form); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a visitor asked: %d", resp.StatusCode)
		}
		asker, _ := a.ClientAs(t, auth.RoleVolunteer)
		resp, body := a.PostForm(t, asker, ask, url.Values{"title": {""}, "body": {"Mes précisions gardées"}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Mes précisions gardées") ||
			!strings.Contains(body, "Écrivez votre question.") {
			t.Fatalf("an empty title: %d, want 422 with the input kept and the reason", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, asker, ask, url.Values{"title": {strings.Repeat("x", 151)}, "body": {"b"}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("a title too long: %d", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, asker, ask, form)
		page := resp.Header.Get("Location")
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(page, "/plan/questions/") {
			t.Fatalf("ask: %d %q", resp.StatusCode, page)
		}

		reader, readerID := a.ClientAs(t, auth.RoleVolunteer)
		if err := a.DB.Tx(context.Background(), func(tx *db.Tx) error {
			_, err := tx.Exec(context.Background(), "UPDATE users SET language = 'en' WHERE id = ?", readerID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if resp, _ := a.PostForm(t, reader, page+"/follow", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("follow: %d", resp.StatusCode)
		}
		answer := url.Values{"answer": {"Oui, en 2027."}, "department": {"Ville de Paris"}}.Encode()
		if resp, _ := a.PostForm(t, reader, page+"/answer", answer); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("a volunteer answered: %d", resp.StatusCode)
		}
		staff, staffID := a.ClientAs(t, auth.RoleCoordinator)
		a.PostForm(t, staff, page+"/follow", "")
		before := len(a.Mails(t))
		if resp, body := a.PostForm(t, staff, page+"/answer", answer); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("official answer: %d\n%s", resp.StatusCode, body)
		}
		if _, body := a.Get(t, a.Client(t), page); !strings.Contains(body, "Réponse officielle — Ville de Paris") || !strings.Contains(body, "Oui, en 2027.") {
			t.Fatal("the question's page does not show the official answer")
		}
		mails := a.Mails(t)[before:]
		langs := map[string]int{}
		for _, m := range mails {
			langs[m.Lang]++
			if strings.Contains(m.To, "coordinator") {
				t.Fatalf("the answerer (%d) was mailed", staffID)
			}
		}
		if len(mails) != 2 || langs["fr"] != 1 || langs["en"] != 1 {
			t.Fatalf("mails: %+v, want one to the asker (fr) and one to the reader (en)", mails)
		}

		mod, _ := a.ClientAs(t, auth.RoleModerator)
		if resp, _ := a.PostForm(t, mod, page+"/hide", "reason="+url.QueryEscape("Hors sujet")); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("hide: %d", resp.StatusCode)
		}
		for who, c := range map[string]*http.Client{"visitor": a.Client(t), "asker": asker, "reader": reader} {
			if resp, _ := a.Get(t, c, page); resp.StatusCode != http.StatusNotFound {
				t.Fatalf("hidden question for the %s: %d, want 404", who, resp.StatusCode)
			}
		}
		if resp, body := a.Get(t, staff, page); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Hors sujet") ||
			strings.Contains(body, page+"/restore") {
			t.Fatalf("hidden question for staff (who may not restore it): %d", resp.StatusCode)
		}
		// The moderator finds it among the hidden questions (nav link
		// included) and makes it public again from its page.
		if _, body := a.Get(t, mod, "/plan/manage/questions?filter=hidden"); !strings.Contains(body, `href="`+page+`"`) ||
			!strings.Contains(body, `href="/plan/manage/questions"`) {
			t.Error("the moderator's list of hidden questions lacks it, or the nav lacks the list")
		}
		if _, body := a.Get(t, mod, page); !strings.Contains(body, `action="`+page+`/restore"`) {
			t.Fatal("no restore form for the moderator")
		}
		if resp, _ := a.PostForm(t, staff, page+"/restore", ""); resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff restores: %d, want 403", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, mod, page+"/restore", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("restore: %d", resp.StatusCode)
		}
		if resp, _ := a.Get(t, a.Client(t), page); resp.StatusCode != http.StatusOK {
			t.Fatalf("restored question for a visitor: %d", resp.StatusCode)
		}
	})
}

// The sixth question in a row from one account is refused with 429.
func TestPlanQuestionsRateLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		action, _, _ := qsRouteFixture(t, a)
		ask := "/plan/actions/" + strconv.FormatInt(action, 10) + "/questions"
		c, _ := a.ClientAs(t, auth.RoleVolunteer)
		for i := range 5 {
			form := url.Values{"title": {"Question " + strconv.Itoa(i)}, "body": {"Précisions"}}.Encode()
			if resp, _ := a.PostForm(t, c, ask, form); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("question %d: %d", i+1, resp.StatusCode)
			}
		}
		resp, body := a.PostForm(t, c, ask, url.Values{"title": {"Encore une"}, "body": {"Des précisions utiles"}}.Encode())
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("sixth question: %d, want 429 with Retry-After", resp.StatusCode)
		}
		// The page keeps what was typed and says when to send it.
		if !strings.Contains(body, `value="Encore une"`) || !strings.Contains(body, "Des précisions utiles") ||
			!strings.Contains(html.UnescapeString(body), "vous pourrez envoyer celle-ci dans") || !strings.Contains(body, `href="#field-title"`) {
			t.Errorf("the refused question is lost or unexplained:\n%.3000s", body)
		}
		other, _ := a.ClientAs(t, auth.RoleVolunteer)
		if resp, _ := a.PostForm(t, other, ask, url.Values{"title": {"Autre"}, "body": {"Précisions"}}.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("another account is limited too: %d", resp.StatusCode)
		}
	})
}

// Two staff members edit the same official answer: the second gets 409 with
// their text kept, now editing the first one's version; both versions stay.
func TestPlanAnswerEditConflict(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		_, question, answer := qsRouteFixture(t, a)
		page := "/plan/questions/" + strconv.FormatInt(question, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		edit := func(body string) (*http.Response, string) {
			return a.PostForm(t, staff, page+"/answer", url.Values{"answer": {body}, "department": {"Ville de Paris"},
				"replaces": {strconv.FormatInt(answer, 10)}}.Encode())
		}
		if resp, _ := edit("Première correction"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first edit: %d", resp.StatusCode)
		}
		resp, body := edit("Seconde correction, gardée")
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Seconde correction, gardée") ||
			!strings.Contains(body, "Première correction") || strings.Contains(body, `name="replaces" value="`+strconv.FormatInt(answer, 10)+`"`) {
			t.Fatalf("second edit from the old version: %d, want 409 keeping the text and editing the new version\n%s", resp.StatusCode, body)
		}
		_, body = a.Get(t, a.Client(t), page)
		if !strings.Contains(body, "Première correction") || !strings.Contains(body, "Versions précédentes (1)") {
			t.Fatal("the question's page does not keep the earlier version")
		}
	})
}

// An active account without a display name is "a member", not a former one;
// an erased account is a former member.
func TestPlanQuestionBylines(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		action, _, _ := qsRouteFixture(t, a)
		c, uid := a.ClientAs(t, auth.RoleVolunteer)
		ctx := context.Background()
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE users SET display_name = '' WHERE id = ?", uid)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		resp, _ := a.PostForm(t, c, "/plan/actions/"+strconv.FormatInt(action, 10)+"/questions",
			url.Values{"title": {"Une question sans nom"}, "body": {"Précisions"}}.Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("asking: %d", resp.StatusCode)
		}
		page := resp.Header.Get("Location")
		if _, body := a.Get(t, a.Client(t), page); !strings.Contains(body, "Posée par un membre") {
			t.Errorf("an unnamed member's byline:\n%.2000s", body)
		}
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE users SET status = 'deleted' WHERE id = ?", uid)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, body := a.Get(t, a.Client(t), page); !strings.Contains(body, "Posée par un ancien membre") {
			t.Errorf("a gone member's byline:\n%.2000s", body)
		}
	})
}
