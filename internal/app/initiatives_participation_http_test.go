package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// partPublish proposes an initiative as author and has mod publish it.
func partPublish(t *testing.T, a *apptest.App, author, mod *http.Client, title string) string {
	t.Helper()
	path := propose(t, a, author, proposal(title))
	if resp, _ := a.PostForm(t, author, path+"/status", "action=submit"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(path, "/initiatives/")
	if resp, body := a.PostForm(t, mod, "/moderation/initiatives/"+id, "decision=approve"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", resp.StatusCode, body)
	}
	return path
}

// partUser makes an account with a known address and signs it in.
func partUser(t *testing.T, a *apptest.App, email string) *http.Client {
	t.Helper()
	a.CreateUser(t, email, auth.RoleVolunteer)
	c := a.Client(t)
	a.SignIn(t, c, email, apptest.Password)
	return c
}

// partPost posts a form and checks the status and, for redirects, the flash.
func partPost(t *testing.T, a *apptest.App, c *http.Client, path, form string, status int) string {
	t.Helper()
	resp, body := a.PostForm(t, c, path, form)
	if resp.StatusCode != status {
		t.Fatalf("POST %s %s: %d, want %d\n%s", path, form, resp.StatusCode, status, body)
	}
	return body
}

func partMails(ms []outbox.Email, to string) []outbox.Email {
	var out []outbox.Email
	for _, m := range ms {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

func TestTakingPartUpdatesAndDigest(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		organiser, _ := a.ClientAs(t, auth.RoleVolunteer)
		mod, _ := a.ClientAs(t, auth.RoleModerator)
		path := partPublish(t, a, organiser, mod, "Atelier vélo de la rue Saint-Maur")
		participant := partUser(t, a, "ada@example.org")
		follower := partUser(t, a, "bob@example.org")

		// Visitors are invited to sign in; signed-in people get buttons.
		if _, body := a.Get(t, a.Client(t), path); !strings.Contains(body, `href="/signin?next=`+path+`"`) {
			t.Error("a visitor is not offered to sign in")
		}
		_, body := a.Get(t, participant, path)
		for _, want := range []string{`action="` + path + `/join"`, `action="` + path + `/follow"`, `action="` + path + `/report"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
		partPost(t, a, participant, path+"/join", "", http.StatusSeeOther)
		partPost(t, a, follower, path+"/follow", "", http.StatusSeeOther)
		_, body = a.Get(t, participant, path)
		if !strings.Contains(body, "Vous participez à cette initiative") || !strings.Contains(body, `action="`+path+`/leave"`) ||
			!strings.Contains(body, "1 participant·es, 1 abonné·es") {
			t.Error("the page does not show the participation")
		}
		// Organisers cannot join their own; their page has the update form.
		partPost(t, a, organiser, path+"/join", "", http.StatusSeeOther)
		_, body = a.Get(t, organiser, path)
		if !strings.Contains(body, "Vous organisez cette initiative : vous n’avez pas à la rejoindre") {
			t.Error("an organiser joining is not told why it is refused")
		}
		if !strings.Contains(body, `action="`+path+`/updates"`) || strings.Contains(body, `action="`+path+`/report"`) {
			t.Error("the organiser's page: update form missing or report form shown")
		}

		// Only organisers post; an overlong update comes back with its text.
		partPost(t, a, participant, path+"/updates", "body=Bonjour", http.StatusForbidden)
		long := strings.Repeat("a", 5001)
		body = partPost(t, a, organiser, path+"/updates", url.Values{"body": {long}}.Encode(), http.StatusUnprocessableEntity)
		if !strings.Contains(body, long+"</textarea>") || !strings.Contains(body, `href="#field-body"`) {
			t.Error("the refused update is not shown again with its error")
		}
		partPost(t, a, organiser, path+"/updates", url.Values{"body": {"Samedi : **réparation** des freins"}}.Encode(), http.StatusSeeOther)
		_, body = a.Get(t, a.Client(t), path)
		if !strings.Contains(body, "Samedi : <strong>réparation</strong> des freins") {
			t.Error("the update is not on the page")
		}
		_, body = a.Get(t, follower, "/my/updates")
		if !strings.Contains(body, "<strong>réparation</strong>") || !strings.Contains(body, `action="`+path+`/unfollow"`) {
			t.Error("the news page lacks the update or the initiative")
		}

		// The digest: one mail to each of them, none to the organiser.
		svc, err := initiatives.NewService(initiatives.Deps{DB: a.DB, Districts: districts.NewStore(a.DB),
			People: volunteers.NewStore(a.DB), BaseURL: "https://cv.example"})
		if err != nil {
			t.Fatal(err)
		}
		before := len(a.Mails(t))
		if n, err := svc.SendDigests(t.Context()); err != nil || n != 2 {
			t.Fatalf("digest: %d mails, %v", n, err)
		}
		mails := a.Mails(t)[before:]
		for _, to := range []string{"ada@example.org", "bob@example.org"} {
			m := partMails(mails, to)
			if len(m) != 1 || !strings.Contains(m[0].Text, "Samedi : **réparation** des freins") ||
				!strings.Contains(m[0].Text, "https://cv.example"+path) {
				t.Errorf("digest to %s: %+v", to, m)
			}
		}
		if len(mails) != 2 {
			t.Errorf("%d digests, want 2", len(mails))
		}

		// Leaving and unfollowing.
		partPost(t, a, follower, path+"/unfollow", "next=/my/updates", http.StatusSeeOther)
		partPost(t, a, participant, path+"/leave", "", http.StatusSeeOther)
		if _, body = a.Get(t, a.Client(t), path); !strings.Contains(body, "0 participant·es, 0 abonné·es") {
			t.Error("counters after leaving")
		}
	})
}

func TestReportsHideUntilModeratorRestores(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		organiser, _ := a.ClientAs(t, auth.RoleVolunteer)
		mod, _ := a.ClientAs(t, auth.RoleModerator)
		path := partPublish(t, a, organiser, mod, "Collecte de vêtements")
		visitor := a.Client(t)

		// A report needs a reason; a refused one keeps what was typed.
		first, _ := a.ClientAs(t, auth.RoleVolunteer)
		body := partPost(t, a, first, path+"/report", "reason=", http.StatusUnprocessableEntity)
		if !strings.Contains(body, `href="#field-reason"`) || !strings.Contains(body, "<details class=\"report\" open>") {
			t.Error("the refused report is not shown open with its error")
		}
		long := strings.Repeat("é", 501)
		body = partPost(t, a, first, path+"/report", url.Values{"reason": {long}}.Encode(), http.StatusUnprocessableEntity)
		if !strings.Contains(body, long+"</textarea>") {
			t.Error("the overlong reason is lost")
		}
		partPost(t, a, organiser, path+"/report", "reason=Moi", http.StatusUnprocessableEntity)

		for i := range initiatives.DefaultReportThreshold {
			c := first
			if i > 0 {
				c, _ = a.ClientAs(t, auth.RoleVolunteer)
			}
			partPost(t, a, c, path+"/report", "reason=Publicit%C3%A9+d%C3%A9guis%C3%A9e", http.StatusSeeOther)
			if i == 0 {
				body = partPost(t, a, c, path+"/report", "reason=Encore", http.StatusUnprocessableEntity)
				if !strings.Contains(body, "Vous avez déjà signalé cette initiative") || !strings.Contains(body, "Encore</textarea>") {
					t.Error("a second report is not refused clearly with the text kept")
				}
			}
			resp, _ := a.Get(t, visitor, path)
			if want := map[bool]int{true: 404, false: 200}[i == initiatives.DefaultReportThreshold-1]; resp.StatusCode != want {
				t.Errorf("after %d reports the visitor gets %d, want %d", i+1, resp.StatusCode, want)
			}
		}
		if resp, _ := a.Get(t, first, path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a reporter still sees the hidden initiative: %d", resp.StatusCode)
		}
		if _, body := a.Get(t, mod, "/moderation/initiatives"); !strings.Contains(body, "Collecte de vêtements") {
			t.Error("the hidden initiative is not in the moderation queue")
		}
		id := strings.TrimPrefix(path, "/initiatives/")
		partPost(t, a, mod, "/moderation/initiatives/"+id, "decision=approve", http.StatusSeeOther)
		if resp, _ := a.Get(t, visitor, path); resp.StatusCode != http.StatusOK {
			t.Errorf("after the moderator restored it the visitor gets %d", resp.StatusCode)
		}
	})
}
