package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/events"
	"climatevolunteers/internal/outbox"
)

// evregUser makes an account with a known address and signs it in.
func evregUser(t *testing.T, a *apptest.App, email string) (*http.Client, int64) {
	t.Helper()
	id := a.CreateUser(t, email, auth.RoleVolunteer)
	c := a.Client(t)
	a.SignIn(t, c, email, apptest.Password)
	return c, id
}

// evregPost posts a form and checks the status.
func evregPost(t *testing.T, a *apptest.App, c *http.Client, path, form string, status int) string {
	t.Helper()
	resp, body := a.PostForm(t, c, path, form)
	if resp.StatusCode != status {
		t.Fatalf("POST %s %s: %d, want %d\n%s", path, form, resp.StatusCode, status, body)
	}
	return body
}

func evregMails(t *testing.T, a *apptest.App, to string) []outbox.Email {
	var out []outbox.Email
	for _, m := range a.Mails(t) {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// evregEvent publishes an online City event with one place and three
// workshops (the first two overlap) through the service.
func evregEvent(t *testing.T, a *apptest.App, admin events.Actor) (path string, workshops []string) {
	t.Helper()
	ctx := t.Context()
	start := time.Now().In(events.Paris).Add(72 * time.Hour).Truncate(time.Hour)
	id, errs, err := a.Events.Create(ctx, admin, events.Input{Title: "Journée des ateliers du climat", Theme: events.Themes[0],
		OwnerKind: events.OwnerCity, OnlineURL: "https://example.org/direct", StartsAt: start.Format(events.LocalLayout),
		EndsAt: start.Add(6 * time.Hour).Format(events.LocalLayout), Capacity: "1"})
	if err != nil || len(errs) > 0 {
		t.Fatalf("create: %v %v", errs, err)
	}
	for _, w := range []struct {
		title    string
		from, to int
	}{{"Fresque du climat", 0, 2}, {"Atelier vélo", 1, 3}, {"Compost", 3, 4}} {
		sid, errs, err := a.Events.AddSession(ctx, admin, id, events.SessionInput{Title: w.title,
			StartsAt: start.Add(time.Duration(w.from) * time.Hour).Format(events.LocalLayout),
			EndsAt:   start.Add(time.Duration(w.to) * time.Hour).Format(events.LocalLayout), Capacity: "5"})
		if err != nil || len(errs) > 0 {
			t.Fatalf("workshop: %v %v", errs, err)
		}
		workshops = append(workshops, strconv.FormatInt(sid, 10))
	}
	if err := a.Events.Publish(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("/events/%d", id), workshops
}

func TestEventRegistrationJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		adminClient, adminID := a.ClientAs(t, auth.RoleAdmin)
		path, ws := evregEvent(t, a, events.Actor{UserID: adminID, Role: "admin"})
		ada, _ := evregUser(t, a, "ada@example.org")
		bob, _ := evregUser(t, a, "bob@example.org")
		a.CreateUser(t, "cyd@example.org", auth.RoleVolunteer)
		for email, name := range map[string]string{"ada@example.org": "Ada L.", "bob@example.org": "Bob M.", "cyd@example.org": "Cyd N."} {
			if _, err := a.DB.Exec(t.Context(), "UPDATE users SET display_name = ? WHERE email = ?", name, email); err != nil {
				t.Fatal(err)
			}
		}

		// Overlapping workshops are refused with the choices kept.
		body := evregPost(t, a, ada, path+"/register", url.Values{"session": {ws[0], ws[1]}}.Encode(), http.StatusUnprocessableEntity)
		for _, want := range []string{`href="#field-session"`, `value="` + ws[0] + `" id="session-` + ws[0] + `" checked`,
			`value="` + ws[1] + `" id="session-` + ws[1] + `" checked`, `value="` + ws[2] + `" id="session-` + ws[2] + `">`,
			"Deux des ateliers choisis ont lieu en même temps", `<fieldset id="field-session"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused choice lacks %s", want)
			}
		}
		evregPost(t, a, ada, path+"/register", "session=abc", http.StatusUnprocessableEntity)

		// Ada gets the place, Bob the waitlist.
		evregPost(t, a, ada, path+"/register", url.Values{"session": {ws[0], ws[2]}}.Encode(), http.StatusSeeOther)
		evregPost(t, a, bob, path+"/register", "", http.StatusSeeOther)
		evregPost(t, a, bob, path+"/register", "", http.StatusSeeOther) // twice: explained by a flash
		m := evregMails(t, a, "ada@example.org")
		if len(m) != 1 || !strings.Contains(m[0].Text, "/tickets/") || !strings.Contains(m[0].Text, "Fresque du climat") {
			t.Fatalf("confirmation mail: %+v", m)
		}
		if m := evregMails(t, a, "bob@example.org"); len(m) != 1 || !strings.Contains(m[0].Text, "position 1") {
			t.Errorf("waitlist mail: %+v", m)
		}
		// The registration part shows Ada's place, ticket and cancel button.
		body = evregPost(t, a, ada, path+"/sessions/choose", url.Values{"session": {ws[0], ws[1]}}.Encode(), http.StatusUnprocessableEntity)
		for _, want := range []string{"Vous êtes inscrit·e", `href="/tickets/`, `action="` + path + `/cancel-registration"`,
			`action="` + path + `/sessions/choose"`, "place confirmée"} {
			if !strings.Contains(body, want) {
				t.Errorf("the registration part lacks %s", want)
			}
		}
		evregPost(t, a, ada, path+"/sessions/choose", "session="+ws[1], http.StatusSeeOther)

		// Organisers' list: theirs only.
		if resp, _ := a.Get(t, ada, path+"/registrations"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a volunteer sees the registrations: %d", resp.StatusCode)
		}
		evregPost(t, a, ada, path+"/registrations/add", "email=cyd%40example.org", http.StatusForbidden)
		_, body = a.Get(t, adminClient, path+"/registrations")
		for _, want := range []string{"Ada L.", "Bob M.", "1 confirmé·es, 1 en liste d’attente", "Atelier vélo"} {
			if !strings.Contains(body, want) {
				t.Errorf("the registrations page lacks %q", want)
			}
		}
		if strings.Contains(body, "@example.org") {
			t.Error("the registrations page shows addresses: organisers see names only")
		}
		body = evregPost(t, a, adminClient, path+"/registrations/add", "email=nobody%40example.org", http.StatusUnprocessableEntity)
		if !strings.Contains(body, `href="#field-email"`) || !strings.Contains(body, "Aucun compte actif") || !strings.Contains(body, `value="nobody@example.org"`) {
			t.Error("an unknown address is not refused clearly with what was typed")
		}
		evregPost(t, a, adminClient, path+"/registrations/add", "email=cyd%40example.org", http.StatusSeeOther)

		// Ada cancels: Bob is promoted and mailed.
		evregPost(t, a, ada, path+"/cancel-registration", "", http.StatusSeeOther)
		if m := evregMails(t, a, "bob@example.org"); len(m) != 2 || !strings.Contains(m[1].Subject, "Une place s'est libérée") {
			t.Errorf("promotion mail: %+v", m)
		}
		var bobReg int64
		if err := a.DB.QueryRow(t.Context(), `SELECT r.id FROM event_registrations r JOIN users u ON u.id = r.user_id
			WHERE u.email = ?`, "bob@example.org").Scan(&bobReg); err != nil {
			t.Fatal(err)
		}
		remove := fmt.Sprintf("%s/registrations/%d/remove", path, bobReg)
		evregPost(t, a, bob, remove, "", http.StatusForbidden)
		evregPost(t, a, adminClient, remove, "", http.StatusSeeOther)
		if m := evregMails(t, a, "cyd@example.org"); len(m) != 2 {
			t.Errorf("cyd: added then promoted, %d mails", len(m))
		}
		_, body = a.Get(t, adminClient, path+"/registrations")
		if strings.Contains(body, "Bob M.") || !strings.Contains(body, "Cyd N.") {
			t.Error("the list after the removal")
		}
		evregPost(t, a, ada, path+"/cancel-registration", "", http.StatusSeeOther) // nothing left: a flash explains
		// In English too.
		resp, body := a.Get(t, adminClient, path+"/registrations", "Accept-Language", "en")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Registrations") {
			t.Errorf("English list: %d", resp.StatusCode)
		}
	})
}
