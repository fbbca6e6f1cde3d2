package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/solidarity/network"
	"climatevolunteers/internal/volunteers"
)

// quizForm answers the heatwave quiz, the listed questions wrongly.
func quizForm(wrong ...string) url.Values {
	v := url.Values{"version": {"1"}}
	for _, q := range network.Heatwave.Questions {
		a := q.Answer
		for _, w := range wrong {
			if w == q.ID {
				a = q.Options[0]
				if a == q.Answer {
					a = q.Options[1]
				}
			}
		}
		v.Set(q.ID, a)
	}
	return v
}

func networkConsent(t *testing.T, a *apptest.App, id int64) bool {
	t.Helper()
	all, err := volunteers.NewStore(a.DB).Consents(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	_, ok := volunteers.ActiveConsents(all)[network.Purpose]
	return ok
}

func expect(t *testing.T, what string, resp *http.Response, body string, status int, contains ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d", what, resp.StatusCode, status)
	}
	for _, s := range contains {
		if !strings.Contains(body, s) {
			t.Errorf("%s: the page lacks %s", what, s)
		}
	}
}

func TestSolidarityNetworkJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		c, id := a.ClientAs(t, auth.RoleVolunteer)
		join := url.Values{"version": {"0"}, "consent": {"1"}, "capacity": {"2"}, "district": {"11"}, "also": {"12"},
			"languages": {"fr", "en"}}

		// Without a volunteer profile: sent to fill it in.
		resp, body := a.Get(t, c, "/solidarity/network")
		expect(t, "network page without a profile", resp, body, 200, `href="/welcome"`)
		resp, body = a.PostForm(t, c, "/solidarity/network", join.Encode())
		expect(t, "join without a profile", resp, body, 422, `href="#field-profile"`, `id="field-profile"`)

		profile := url.Values{"display_name": {"Ada Réseau"}, "district": {"11"}, "visibility": {"community"}, "languages": {"fr"}}
		if resp, _ := a.PostForm(t, c, "/welcome", profile.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("onboarding: %d", resp.StatusCode)
		}

		// Not trained yet: no form, and joining is refused with the way to
		// the training.
		resp, body = a.Get(t, c, "/solidarity/network")
		expect(t, "network page before training", resp, body, 200, `href="/solidarity/training"`)
		if strings.Contains(body, `action="/solidarity/network"`) {
			t.Error("the join form is offered before the training")
		}
		resp, body = a.PostForm(t, c, "/solidarity/network", join.Encode())
		expect(t, "join before training", resp, body, 422, `href="#field-training"`, `id="field-training"`)

		// The quiz's refusals.
		resp, body = a.Get(t, c, "/solidarity/training")
		expect(t, "training page", resp, body, 200, `name="version" value="1"`, `name="levels" value="c"`, "15")
		tampered := quizForm()
		tampered.Set("bonus", "a")
		for what, form := range map[string]string{"no version": "", "tampered": tampered.Encode(),
			"unknown option": strings.Replace(quizForm().Encode(), "risk=b", "risk=z", 1)} {
			if resp, _ := a.PostForm(t, c, "/solidarity/training", form); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", what, resp.StatusCode)
			}
		}
		stale := quizForm()
		stale.Set("version", "99")
		resp, body = a.PostForm(t, c, "/solidarity/training", stale.Encode())
		expect(t, "another version", resp, body, 409)
		resp, body = a.PostForm(t, c, "/solidarity/training", "version=1&levels=c")
		expect(t, "unanswered questions", resp, body, 422, `href="#field-q-risk"`, `href="#field-q-privacy"`,
			`id="q-levels-c" name="levels" value="c" checked`)

		// A failed attempt shows the wrong answers with why, keeps the
		// answers, and lets them retry.
		resp, body = a.PostForm(t, c, "/solidarity/training", quizForm("levels", "stroke").Encode())
		expect(t, "failed attempt", resp, body, 200, "Bonnes réponses : 4 sur 6", `id="why-levels"`, `id="why-stroke"`,
			`id="q-risk-b" name="risk" value="b" checked`, `action="/solidarity/training"`)
		if strings.Contains(body, `id="why-risk"`) {
			t.Error("a right answer is marked wrong")
		}
		resp, _ = a.PostForm(t, c, "/solidarity/training", quizForm("cool").Encode())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/solidarity/network" {
			t.Fatalf("passed attempt: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}

		// The form, filled from the profile; bad answers come back kept.
		resp, body = a.Get(t, c, "/solidarity/network")
		expect(t, "network page after training", resp, body, 200, `action="/solidarity/network"`,
			`<option value="11" selected>`, `id="lang-fr" name="languages" value="fr" checked`)
		bad := url.Values{"version": {"0"}, "consent": {"1"}, "capacity": {"9"}, "district": {"11"}, "languages": {"fr"},
			"lat": {"45.764"}, "lon": {"4.835"}}
		resp, body = a.PostForm(t, c, "/solidarity/network", bad.Encode())
		expect(t, "bad join", resp, body, 422, `href="#field-capacity"`, `href="#field-lat"`, `value="45.764"`)
		if networkConsent(t, a, id) {
			t.Fatal("a refused join granted the consent")
		}

		resp, _ = a.PostForm(t, c, "/solidarity/network", join.Encode())
		if resp.StatusCode != http.StatusSeeOther || !networkConsent(t, a, id) {
			t.Fatalf("join: %d, consent %v", resp.StatusCode, networkConsent(t, a, id))
		}
		resp, body = a.Get(t, c, "/solidarity/network")
		expect(t, "member's page", resp, body, 200, "Membre actif", `name="version" value="1"`, `id="capacity-2" name="capacity" value="2" checked`,
			`id="also-12" name="also" value="12" checked`, `action="/solidarity/network/withdraw"`)
		resp, body = a.PostForm(t, c, "/solidarity/network", join.Encode())
		expect(t, "the same form sent again", resp, body, 409)

		// Coordinators see the member, with counts; unknown filters are refused.
		coord, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body = a.Get(t, coord, "/coordination/network?district=12&language=en")
		expect(t, "coordinators' list", resp, body, 200, "Ada Réseau", "Formé")
		resp, body = a.Get(t, coord, "/coordination/network?state=gone")
		expect(t, "unknown state", resp, body, 400, `href="#field-state"`)
		resp, body = a.Get(t, coord, "/coordination/network?language=ar")
		expect(t, "no match", resp, body, 200, `href="/coordination/network"`)
		if strings.Contains(body, "Ada Réseau") {
			t.Error("a filter on Arabic lists a member who does not speak it")
		}
		if resp, _ := a.Get(t, c, "/coordination/network"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a volunteer opened the coordinators' list: %d", resp.StatusCode)
		}

		// Leaving withdraws the consent; leaving twice says there is nothing
		// to leave.
		resp, _ = a.PostForm(t, c, "/solidarity/network/withdraw", "")
		if resp.StatusCode != http.StatusSeeOther || networkConsent(t, a, id) {
			t.Fatalf("withdraw: %d, consent %v", resp.StatusCode, networkConsent(t, a, id))
		}
		resp, body = a.Get(t, c, "/solidarity/network")
		expect(t, "after leaving", resp, body, 200, "A quitté le réseau", "votre consentement est retiré")
		if strings.Contains(body, "Membre actif") || strings.Contains(body, `action="/solidarity/network/withdraw"`) {
			t.Error("the page still shows a membership")
		}
		if resp, _ := a.PostForm(t, c, "/solidarity/network/withdraw", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("second withdrawal: %d", resp.StatusCode)
		}
		_, body = a.Get(t, c, "/solidarity/network")
		if !strings.Contains(body, "rien à quitter") {
			t.Error("a second withdrawal is not explained")
		}
	})
}

// Withdrawing the network's consent on the profile page ends the
// membership too.
func TestSolidarityNetworkConsentWithdrawnOnProfile(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		c, id := a.ClientAs(t, auth.RoleVolunteer)
		profile := url.Values{"display_name": {"Grace"}, "district": {"4"}, "visibility": {"private"}, "languages": {"fr"}}
		if resp, _ := a.PostForm(t, c, "/welcome", profile.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("onboarding: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, c, "/solidarity/training", quizForm().Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("training: %d", resp.StatusCode)
		}
		join := url.Values{"version": {"0"}, "consent": {"1"}, "capacity": {"1"}, "district": {"4"}, "languages": {"fr"}}
		if resp, _ := a.PostForm(t, c, "/solidarity/network", join.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("join: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, c, "/profile/consent", "purpose=solidarity_network&grant=0"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("consent withdrawal: %d", resp.StatusCode)
		}
		resp, body := a.Get(t, c, "/solidarity/network")
		expect(t, "network page after the consent's withdrawal", resp, body, 200, "A quitté le réseau")
		if networkConsent(t, a, id) {
			t.Fatal("consent active")
		}
	})
}

// A page number far past the end is an empty page, not a 500 (PostgreSQL
// refuses a negative OFFSET).
func TestNetworkCoordinationHugePage(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		coord, _ := a.ClientAs(t, auth.RoleCoordinator)
		for _, page := range []string{"9223372036854775807", "184467440737095518", "1099511627776"} {
			if resp, _ := a.Get(t, coord, "/coordination/network?page="+page); resp.StatusCode != http.StatusOK {
				t.Errorf("page %s: %d", page, resp.StatusCode)
			}
		}
	})
}
