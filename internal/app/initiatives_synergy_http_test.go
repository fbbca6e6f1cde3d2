package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/volunteers"
)

// synergyPublished has a new volunteer create an initiative in the 11th at
// the given point, and a moderator publish it.
func synergyPublished(t *testing.T, a *apptest.App, svc *initiatives.Service, email string, consent bool, in initiatives.Input) int64 {
	t.Helper()
	ctx := t.Context()
	owner := initiatives.Actor{UserID: a.CreateUser(t, email, auth.RoleVolunteer), Role: string(auth.RoleVolunteer)}
	id, errs, err := svc.Create(ctx, owner, in, consent)
	if err != nil || len(errs) > 0 {
		t.Fatalf("create: %v %v", errs, err)
	}
	if err := svc.Act(ctx, owner, id, "submit"); err != nil {
		t.Fatal(err)
	}
	mod := initiatives.Actor{UserID: a.CreateUser(t, "mod-"+email, auth.RoleModerator), Role: string(auth.RoleModerator)}
	if errs, err := svc.Decide(ctx, mod, id, initiatives.Approve, ""); err != nil || len(errs) > 0 {
		t.Fatalf("approve: %v %v", errs, err)
	}
	return id
}

func TestSynergyIntroductionByCoordinator(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		svc, err := initiatives.NewService(initiatives.Deps{DB: a.DB, Districts: districts.NewStore(a.DB),
			People: volunteers.NewStore(a.DB), BaseURL: "https://cv.example"})
		if err != nil {
			t.Fatal(err)
		}
		water := func(title, summary, lat, lon string) initiatives.Input {
			return initiatives.Input{Title: title, Summary: summary, Theme: "water", DistrictCode: "11", Lat: lat, Lon: lon, Ongoing: true}
		}
		fountain := synergyPublished(t, a, svc, "fontaine@example.org", true,
			water("Fontaines à boire Voltaire", "Cartographier les fontaines à boire et la récupération de l’eau de pluie.", "48.8580", "2.3790"))
		rain := synergyPublished(t, a, svc, "pluie@example.org", true,
			water("Récupération de l’eau de pluie Léon-Blum", "Des cuves de récupération de l’eau de pluie et des fontaines pour arroser.", "48.8590", "2.3810"))
		shy := synergyPublished(t, a, svc, "discret@example.org", false,
			water("Fontaines et eau de pluie Charonne", "Récupération de l’eau de pluie, fontaines à boire et arrosage.", "48.8575", "2.3820"))
		ids := func(xs ...int64) string {
			v := url.Values{"theme": {"water"}, "district": {"11"}}
			for _, x := range xs {
				v.Add("ids", fmt.Sprint(x))
			}
			return v.Encode()
		}

		// The initiative page suggests the other two, with the reasons.
		_, body := a.Get(t, a.Client(t), fmt.Sprintf("/initiatives/%d", fountain))
		for _, want := range []string{"Initiatives semblables à proximité", fmt.Sprintf(`href="/initiatives/%d"`, rain),
			fmt.Sprintf(`href="/initiatives/%d"`, shy), "Même thème : Eau", "<q>fontaines</q>"} {
			if !strings.Contains(body, want) {
				t.Errorf("initiative page lacks %s", want)
			}
		}

		coord, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.Get(t, coord, "/coordination/synergy?theme=water&district=11")
		if resp.StatusCode != 200 {
			t.Fatalf("board: %d", resp.StatusCode)
		}
		for _, want := range []string{"Fontaines à boire Voltaire", fmt.Sprintf(`name="ids" value="%d" checked`, rain),
			"Fontaines et eau de pluie Charonne", "aucun organisateur n’a accepté les mises en relation"} {
			if !strings.Contains(body, want) {
				t.Errorf("board lacks %s", want)
			}
		}
		if strings.Contains(body, fmt.Sprintf(`name="ids" value="%d"`, shy)) {
			t.Error("the initiative without consent can be ticked")
		}
		if resp, _ := a.Get(t, coord, "/coordination/synergy?theme=rain"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("unknown theme: %d", resp.StatusCode)
		}

		// Refusals: one initiative, or one whose organisers did not consent.
		resp, body = a.PostForm(t, coord, "/coordination/synergy/introduce", ids(fountain))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-ids"`) ||
			!strings.Contains(body, "Cochez au moins deux initiatives") {
			t.Errorf("one initiative: %d", resp.StatusCode)
		}
		resp, body = a.PostForm(t, coord, "/coordination/synergy/introduce", ids(fountain, shy))
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "« Fontaines et eau de pluie Charonne »") {
			t.Errorf("without consent: %d", resp.StatusCode)
		}

		// A volunteer may not introduce.
		vol, _ := a.ClientAs(t, auth.RoleVolunteer)
		if resp, _ := a.PostForm(t, vol, "/coordination/synergy/introduce", ids(fountain, rain)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("volunteer: %d", resp.StatusCode)
		}
		if n := countIntroMails(t, a); n != 0 {
			t.Fatalf("%d introduction mails after refusals", n)
		}

		resp, _ = a.PostForm(t, coord, "/coordination/synergy/introduce", ids(fountain, rain))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/coordination/synergy?district=11&theme=water" {
			t.Fatalf("introduce: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		_, body = a.Get(t, coord, resp.Header.Get("Location"))
		if !strings.Contains(body, "Mise en relation faite") || !strings.Contains(body, "déjà mis en relation") {
			t.Error("the board does not confirm the introduction")
		}
		to := map[string]string{}
		for _, m := range a.Mails(t) {
			if strings.HasPrefix(m.Subject, "Mise en relation") {
				to[m.To] = m.Text
			}
		}
		if len(to) != 2 || !strings.Contains(to["fontaine@example.org"], "pluie@example.org") ||
			!strings.Contains(to["pluie@example.org"], "fontaine@example.org") {
			t.Errorf("introduction mails: %v", to)
		}
		for _, text := range to {
			if strings.Contains(text, "discret@example.org") {
				t.Error("the organiser without consent is named")
			}
		}
		// Twice is refused, and mails nothing more.
		if resp, _ := a.PostForm(t, coord, "/coordination/synergy/introduce", ids(fountain, rain)); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("again: %d", resp.StatusCode)
		}
		if n := countIntroMails(t, a); n != 2 {
			t.Errorf("%d introduction mails, want 2", n)
		}
	})
}

func countIntroMails(t *testing.T, a *apptest.App) int {
	n := 0
	for _, m := range a.Mails(t) {
		if strings.HasPrefix(m.Subject, "Mise en relation") {
			n++
		}
	}
	return n
}
