package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// pcPost submits a form and checks the status.
func pcPost(t *testing.T, a *apptest.App, c *http.Client, path string, form url.Values, want int) (*http.Response, string) {
	t.Helper()
	resp, body := a.PostForm(t, c, path, form.Encode())
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d\n%s", path, resp.StatusCode, want, body)
	}
	return resp, body
}

// pcFind returns the first submatch of pattern in body.
func pcFind(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in the page", pattern)
	}
	return m[1]
}

func TestPlanCommitteesJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		stranger, _ := a.ClientAs(t, auth.RoleVolunteer)
		visitor := a.Client(t)
		a.CreateUser(t, "membre.comite@example.org", auth.RoleVolunteer)
		member := a.Client(t)
		a.SignIn(t, member, "membre.comite@example.org", apptest.Password)

		// Create, then two edits from the same version: the second is stale.
		resp, _ := pcPost(t, a, staff, "/plan/manage/committees", url.Values{"name": {"Comité mobilités"}, "version": {""}}, http.StatusSeeOther)
		manage := resp.Header.Get("Location")
		if !strings.HasPrefix(manage, "/plan/manage/committees/") {
			t.Fatalf("created at %q", manage)
		}
		edit := url.Values{"name": {"Comité des mobilités"}, "slug": {"comite-mobilites"}, "version": {"1"}}
		pcPost(t, a, staff, manage, edit, http.StatusSeeOther)
		edit.Set("name", "Comité <périmé>")
		_, body := pcPost(t, a, staff, manage, edit, http.StatusConflict)
		if !strings.Contains(body, "Quelqu’un a modifié ce comité") || !strings.Contains(body, "Comité &lt;périmé&gt;") {
			t.Errorf("the 409 page does not keep the input:\n%s", body)
		}

		// Members: an unknown address is refused, in French, input kept.
		_, body = pcPost(t, a, staff, manage+"/members", url.Values{"email": {"inconnu@example.org"}, "college": {"volunteer"}}, http.StatusUnprocessableEntity)
		if !strings.Contains(body, "Aucun compte actif n’a cette adresse e-mail") || !strings.Contains(body, `value="inconnu@example.org"`) {
			t.Errorf("unknown e-mail page:\n%s", body)
		}
		pcPost(t, a, staff, manage+"/members", url.Values{"email": {"membre.comite@example.org"}, "college": {"volunteer"}, "role": {"rapporteur"}}, http.StatusSeeOther)
		pcPost(t, a, staff, manage+"/members", url.Values{"person_name": {"Claire Dumont"}, "college": {"elected"}}, http.StatusSeeOther)

		// The volunteer member's name follows their profile: without one
		// (private), only staff and the member read it; with a community
		// profile, signed-in members do too; visitors never.
		ctx := context.Background()
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE users SET display_name = 'Marion Leclerc' WHERE email = 'membre.comite@example.org'")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		readsName := func(c *http.Client) bool {
			_, body := a.Get(t, c, "/plan/committees/comite-mobilites")
			return strings.Contains(body, "Marion Leclerc")
		}
		if readsName(visitor) || readsName(stranger) || !readsName(member) || !readsName(staff) {
			t.Errorf("private member's name: visitor %v, member %v, self %v, staff %v", readsName(visitor), readsName(stranger), readsName(member), readsName(staff))
		}
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			now := db.Now()
			_, err := tx.Exec(ctx, `INSERT INTO volunteer_profiles (user_id, display_name, visibility, created_at, updated_at)
				SELECT id, 'Marion Leclerc', 'community', ?, ? FROM users WHERE email = 'membre.comite@example.org'`, now, now)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if readsName(visitor) || !readsName(stranger) {
			t.Errorf("community member's name: visitor %v, member %v", readsName(visitor), readsName(stranger))
		}

		// A meeting is a published City event that the committee page links.
		pcPost(t, a, staff, manage+"/meetings", url.Values{"title": {"Séance d’automne"}, "starts_at": {"2026-10-01T18:30"},
			"ends_at": {"2026-10-01T20:30"}, "district": {"4"}, "address": {"5 rue de Lobau"}}, http.StatusSeeOther)
		_, body = a.Get(t, visitor, "/plan/committees/comite-mobilites")
		event := pcFind(t, body, `href="(/events/\d+)"`)
		if resp, ev := a.Get(t, visitor, event); resp.StatusCode != 200 || !strings.Contains(ev, "Séance d’automne") {
			t.Errorf("the meeting's event page: %d", resp.StatusCode)
		}
		for _, want := range []string{"Claire Dumont", "Collège des élus", "Collège des volontaires"} {
			if !strings.Contains(body, want) {
				t.Errorf("the committee page lacks %q", want)
			}
		}

		// Minutes: a draft stays with staff; published, everyone reads them.
		_, page := a.Get(t, staff, manage)
		minutes := pcFind(t, page, `action="(/plan/manage/committees/\d+/meetings/\d+/minutes)"`)
		pcPost(t, a, staff, minutes, url.Values{"minutes": {"Brouillon confidentiel"}, "publish": {"0"}, "version": {"1"}}, http.StatusSeeOther)
		if _, body := a.Get(t, visitor, "/plan/committees/comite-mobilites"); strings.Contains(body, "Brouillon confidentiel") {
			t.Error("draft minutes shown to the public")
		}
		if _, body := a.Get(t, staff, manage); !strings.Contains(body, "Brouillon confidentiel") {
			t.Error("draft minutes not on the staff's page")
		}
		pcPost(t, a, staff, minutes, url.Values{"minutes": {"Compte rendu approuvé"}, "publish": {"1"}, "version": {"2"}}, http.StatusSeeOther)
		if _, body := a.Get(t, visitor, "/plan/committees/comite-mobilites"); !strings.Contains(body, "Compte rendu approuvé") {
			t.Error("published minutes not shown")
		}
		// A draft of published minutes stays with staff; a save from a
		// stale version is refused with the typed text kept.
		pcPost(t, a, staff, minutes, url.Values{"minutes": {"Correction en cours"}, "publish": {"0"}, "version": {"3"}}, http.StatusSeeOther)
		if _, body := a.Get(t, visitor, "/plan/committees/comite-mobilites"); strings.Contains(body, "Correction en cours") || !strings.Contains(body, "Compte rendu approuvé") {
			t.Error("a draft of published minutes shown to the public")
		}
		_, body = pcPost(t, a, staff, minutes, url.Values{"minutes": {"Texte d’une page périmée"}, "publish": {"0"}, "version": {"3"}}, http.StatusConflict)
		if !strings.Contains(body, "Texte d’une page périmée") || !strings.Contains(body, "Correction en cours") {
			t.Errorf("the stale minutes' page:\n%s", body)
		}

		// Decisions and their follow-up.
		_, body = pcPost(t, a, staff, manage+"/decisions", url.Values{"text": {"Étendre les rues aux écoles"}, "action": {"NOPE-99"}}, http.StatusUnprocessableEntity)
		if !strings.Contains(body, "Aucune action du Plan n’a cet identifiant") || !strings.Contains(body, "<title>Erreur :") {
			t.Errorf("unknown action page:\n%s", body)
		}
		pcPost(t, a, staff, manage+"/decisions", url.Values{"text": {"Étendre les rues aux écoles"}, "due_on": {"2027-06-30"}}, http.StatusSeeOther)
		_, body = a.Get(t, member, "/plan/committees/comite-mobilites")
		follow := pcFind(t, body, `action="(/plan/committees/\d+/decisions/\d+/followups)"`)
		if _, body := a.Get(t, stranger, "/plan/committees/comite-mobilites"); strings.Contains(body, follow) {
			t.Error("the follow-up form offered to a non-member")
		}
		note := url.Values{"note": {"Trois rues repérées dans le 19e."}}
		pcPost(t, a, stranger, follow, note, http.StatusForbidden)
		pcPost(t, a, visitor, follow, note, http.StatusForbidden)
		pcPost(t, a, member, follow, url.Values{"note": {"Fait."}, "status": {"done"}}, http.StatusForbidden)
		_, body = pcPost(t, a, member, follow, url.Values{"note": {""}}, http.StatusUnprocessableEntity)
		if !strings.Contains(body, `aria-invalid="true"`) {
			t.Errorf("an empty note's page:\n%s", body)
		}
		pcPost(t, a, member, follow, note, http.StatusSeeOther)
		// A refused status change keeps the chosen status, and the page's
		// title says it holds an error.
		_, body = pcPost(t, a, staff, follow, url.Values{"note": {"x"}, "status": {"in_progress"}, "version": {"1"}}, http.StatusUnprocessableEntity)
		if !strings.Contains(body, `<option value="in_progress" selected>`) || !strings.Contains(body, "<title>Erreur :") {
			t.Errorf("the refused follow-up lost its status or its error title:\n%s", body)
		}
		pcPost(t, a, staff, follow, url.Values{"note": {"Étude lancée par la DVD."}, "status": {"in_progress"}, "version": {"1"}}, http.StatusSeeOther)
		// A status from a page read before that change is refused, the note kept.
		_, body = pcPost(t, a, staff, follow, url.Values{"note": {"Note d’une page périmée"}, "status": {"open"}, "version": {"1"}}, http.StatusConflict)
		if !strings.Contains(body, "Note d’une page périmée") || !strings.Contains(body, `name="version" value="2"`) {
			t.Errorf("the stale follow-up's page:\n%s", body)
		}
		_, body = a.Get(t, visitor, "/plan/committees/comite-mobilites")
		for _, want := range []string{"Trois rues repérées dans le 19e.", "Étude lancée par la DVD.", "En cours", `<time datetime="2027-06-30">30 juin 2027</time>`} {
			if !strings.Contains(body, want) {
				t.Errorf("the public follow-up lacks %q", want)
			}
		}
		if _, en := a.Get(t, visitor, "/plan/committees/comite-mobilites", "Accept-Language", "en"); !strings.Contains(en, ">30 Jun 2027</time>") {
			t.Error("the due date is not written in English")
		}
		if strings.Contains(body, "membre.comite@example.org") {
			t.Error("a member's e-mail address is shown")
		}
		_, body = a.Get(t, visitor, "/plan/committees")
		if !strings.Contains(body, `href="/plan/committees/comite-mobilites"`) {
			t.Errorf("the list lacks the committee:\n%s", body)
		}
	})
}
