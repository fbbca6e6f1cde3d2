package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/volunteers"
)

func TestOnboardingProfileAndConsents(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		c, id := a.ClientAs(t, auth.RoleVolunteer)
		if resp, body := a.Get(t, c, "/welcome"); resp.StatusCode != 200 || !strings.Contains(body, "Bienvenue") {
			t.Fatalf("welcome page: %d", resp.StatusCode)
		}
		bad := url.Values{"display_name": {""}, "district": {"99"}, "phone": {"call me"}, "visibility": {"community"},
			"skills": {"repair", "juggling"}, "interests": {"food"}, "availability": {"0:0", "9:9"}, "consents": {"newsletter"}}
		resp, body := a.PostForm(t, c, "/welcome", bad.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("bad profile: %d", resp.StatusCode)
		}
		for _, want := range []string{`href="#field-display_name"`, `href="#field-phone"`, `href="#field-skills"`,
			`href="#field-availability"`, `value="call me"`, `id="theme-food" name="interests" value="food" checked`,
			`name="consents" value="newsletter" checked`} {
			if !strings.Contains(body, want) {
				t.Errorf("refused profile page lacks %s", want)
			}
		}
		good := url.Values{"display_name": {"Ada"}, "district": {"11"}, "phone": {"06 12 34 56 78"}, "visibility": {"community"},
			"skills": {"repair", "cycling"}, "interests": {"food", "mobility"}, "languages": {"fr", "en"},
			"availability": {"5:0", "6:1"}, "consents": {"newsletter", "sms_alerts"}}
		resp, _ = a.PostForm(t, c, "/welcome", good.Encode())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/profile" {
			t.Fatalf("onboarding: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		p, err := volunteers.NewStore(a.DB).Profile(t.Context(), id)
		if err != nil || p.Phone != "+33612345678" || p.DistrictCode != "11" || len(p.Skills) != 2 ||
			!p.Availability.Has(5, 0) || !p.Availability.Has(6, 1) || p.Availability.Has(0, 0) || p.OnboardedAt == nil {
			t.Fatalf("stored profile %+v (%v)", p, err)
		}
		active := func() map[string]volunteers.Consent {
			all, err := volunteers.NewStore(a.DB).Consents(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			return volunteers.ActiveConsents(all)
		}
		if c := active(); len(c) != 2 || c["newsletter"].Purpose == "" {
			t.Fatalf("consents after onboarding: %+v", c)
		}
		// Withdrawal takes effect at once; history keeps the dated rows.
		if resp, _ := a.PostForm(t, c, "/profile/consent", "purpose=sms_alerts&grant=0"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", resp.StatusCode)
		}
		if _, ok := active()["sms_alerts"]; ok {
			t.Fatal("withdrawn consent still active")
		}
		if resp, _ := a.PostForm(t, c, "/profile/consent", "purpose=selling_data&grant=1"); resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("unknown purpose: %d", resp.StatusCode)
		}
		_, body = a.Get(t, c, "/profile/data")
		if strings.Count(body, "<tr><th scope=\"row\">") != 2 {
			t.Error("consent history does not show both grants")
		}
		// The next sign-in goes to the account page, not onboarding.
		if got := a.Auth.Landing(t.Context(), id); got != "/account" {
			t.Errorf("landing after onboarding: %s", got)
		}
		// Community profiles appear by name on their district; private ones do not.
		names, _ := volunteers.NewStore(a.DB).CommunityInDistrict(t.Context(), "11", 10)
		if len(names) != 1 || names[0] != "Ada" {
			t.Errorf("community names %v", names)
		}
		good.Set("visibility", "private")
		a.PostForm(t, c, "/profile", good.Encode())
		if names, _ := volunteers.NewStore(a.DB).CommunityInDistrict(t.Context(), "11", 10); len(names) != 0 {
			t.Errorf("a private profile is listed: %v", names)
		}
	})
}

func TestMyDataAndDeletion(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		a.CreateUser(t, "ada@example.org", auth.RoleVolunteer)
		c := a.Client(t)
		a.SignIn(t, c, "ada@example.org", apptest.Password)
		a.PostForm(t, c, "/welcome", url.Values{"display_name": {"Ada"}, "visibility": {"private"}, "consents": {"newsletter"}}.Encode())

		resp, body := a.Get(t, c, "/profile/data.json")
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d", resp.StatusCode)
		}
		var export struct {
			Account  struct{ Email string }
			Profile  struct{ DisplayName string }
			Consents []struct{ Purpose string }
		}
		if err := json.Unmarshal([]byte(body), &export); err != nil {
			t.Fatal(err)
		}
		if export.Account.Email != "ada@example.org" || export.Profile.DisplayName != "Ada" || len(export.Consents) != 1 {
			t.Fatalf("export %+v", export)
		}
		if strings.Contains(body, "password") {
			t.Error("the export mentions the password hash")
		}

		resp, body = a.PostForm(t, c, "/profile/delete", "confirm_email=someone%40example.org")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "rien n&#39;a été supprimé") {
			t.Fatalf("wrong confirmation: %d", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, c, "/profile/delete", "confirm_email=ADA%40example.org")
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("delete: %d", resp.StatusCode)
		}
		if resp, _ := a.Get(t, c, "/account"); resp.StatusCode != http.StatusSeeOther {
			t.Fatal("still signed in after deletion")
		}
		resp, _ = a.PostForm(t, a.Client(t), "/signin", url.Values{"email": {"ada@example.org"}, "password": {apptest.Password}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("deleted account can sign in: %d", resp.StatusCode)
		}
		var n int
		a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM users WHERE email LIKE ?", "%ada%").Scan(&n)
		if n != 0 {
			t.Fatal("the address survives deletion")
		}
		for _, table := range []string{"volunteer_profiles", "consents", "sessions"} {
			a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM "+table).Scan(&n)
			if n != 0 {
				t.Errorf("%s keeps %d rows after deletion", table, n)
			}
		}
		admin, _ := a.ClientAs(t, auth.RoleAdmin)
		_, audit := a.Get(t, admin, "/admin/audit")
		if !strings.Contains(audit, "Compte supprimé") || !strings.Contains(audit, "Export de données") {
			t.Error("export and deletion are not in the audit log")
		}
	})
}

// seedVolunteer signs up a volunteer with a profile and consents.
func seedVolunteer(t *testing.T, a *apptest.App, name, district, visibility string, skills []string, consents ...string) *http.Client {
	t.Helper()
	c, _ := a.ClientAs(t, auth.RoleVolunteer)
	form := url.Values{"display_name": {name}, "district": {district}, "visibility": {visibility},
		"skills": skills, "languages": {"fr"}, "availability": {"5:0"}, "consents": consents, "phone": {"0612345678"}}
	if resp, body := a.PostForm(t, c, "/welcome", form.Encode()); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("seeding %s: %d\n%s", name, resp.StatusCode, body)
	}
	return c
}

// The directory and its export never show a private profile, and show
// contact details only with the sharing consent.
func TestDirectoryRespectsPrivacyAndConsent(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		seedVolunteer(t, a, "Alice Partage", "11", "community", []string{"repair"}, "share_with_organisers")
		seedVolunteer(t, a, "Bruno Discret", "11", "community", []string{"repair"})
		seedVolunteer(t, a, "Chloé Privée", "11", "private", []string{"repair"}, "share_with_organisers")
		seedVolunteer(t, a, "Denis Ailleurs", "20", "community", []string{"gardening"}, "share_with_organisers")
		coord, _ := a.ClientAs(t, auth.RoleCoordinator)

		resp, body := a.Get(t, coord, "/coordination/directory?district=11&skill=repair")
		if resp.StatusCode != 200 {
			t.Fatalf("directory: %d", resp.StatusCode)
		}
		for _, want := range []string{"Alice Partage", "Bruno Discret", "3 volontaire(s) correspondent", "2 profil(s) visible(s)", "non partagé"} {
			if !strings.Contains(body, want) {
				t.Errorf("directory lacks %q", want)
			}
		}
		for _, never := range []string{"Chloé Privée", "Denis Ailleurs", "06 12", "+33612345678"} {
			if strings.Contains(body, never) {
				t.Errorf("directory shows %q", never)
			}
		}
		if !regexpMatch(`[a-z]+-\d+@example.org`, body) {
			t.Error("the sharing volunteer's address is not shown")
		}

		resp, csv := a.Get(t, coord, "/coordination/directory.csv?district=11")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d", resp.StatusCode)
		}
		lines := strings.Split(strings.TrimSpace(csv), "\n")
		if len(lines) != 3 || strings.Contains(csv, "Chloé") {
			t.Fatalf("csv rows:\n%s", csv)
		}
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, "Bruno") && strings.Contains(l, "@") {
				t.Error("csv shows the address of a volunteer who did not consent")
			}
			if strings.HasPrefix(l, "Alice") && !strings.Contains(l, "+33612345678") {
				t.Error("csv lacks the sharing volunteer's phone")
			}
		}
		admin, _ := a.ClientAs(t, auth.RoleAdmin)
		if _, body := a.Get(t, admin, "/admin/audit?action=data.export"); !strings.Contains(body, "2 volunteers") {
			t.Error("the export is not in the audit log")
		}

		// Consent filter, availability filter, and a refused value.
		_, body = a.Get(t, coord, "/coordination/directory?consent=share_with_organisers")
		if !strings.Contains(body, "3 volontaire(s) correspondent") {
			t.Error("consent filter count wrong")
		}
		_, body = a.Get(t, coord, "/coordination/directory?day=0")
		if !strings.Contains(body, "0 volontaire(s) correspondent") {
			t.Error("availability filter count wrong (nobody is free on Monday)")
		}
		resp, body = a.Get(t, coord, "/coordination/directory?language=klingon")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, `href="#field-language"`) {
			t.Errorf("unknown language: %d", resp.StatusCode)
		}
		// Volunteers may not see the directory at all.
		vol, _ := a.ClientAs(t, auth.RoleVolunteer)
		if resp, _ := a.Get(t, vol, "/coordination/directory.csv"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("volunteer export: %d", resp.StatusCode)
		}
	})
}

func regexpMatch(pattern, s string) bool { return regexp.MustCompile(pattern).MatchString(s) }

// A suspended volunteer disappears from the directory and its counts, and
// comes back when reinstated.
func TestSuspendedVolunteerIsNotListed(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{Demo: true})
	seedVolunteer(t, a, "Eva Suspendue", "11", "community", []string{"repair"})
	admin, _ := a.ClientAs(t, auth.RoleAdmin)
	coord, _ := a.ClientAs(t, auth.RoleCoordinator)
	var id int64
	a.DB.QueryRow(t.Context(), "SELECT user_id FROM volunteer_profiles WHERE display_name = ?", "Eva Suspendue").Scan(&id)
	idText := strconv.FormatInt(id, 10)
	a.PostForm(t, admin, "/admin/users/"+idText+"/suspend", "")
	if _, body := a.Get(t, coord, "/coordination/directory?district=11"); strings.Contains(body, "Eva Suspendue") ||
		!strings.Contains(body, "0 volontaire(s) correspondent") {
		t.Fatal("a suspended volunteer is listed or counted")
	}
	a.PostForm(t, admin, "/admin/users/"+idText+"/reinstate", "")
	if _, body := a.Get(t, coord, "/coordination/directory?district=11"); !strings.Contains(body, "Eva Suspendue") {
		t.Fatal("a reinstated volunteer is not listed")
	}
}

// A coordinator writes to a segment: every matching volunteer finds it in
// their inbox, the consenting ones by email too, and the mail's
// unsubscribe link works without signing in.
func TestMessageToASegment(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		mailed := seedVolunteer(t, a, "Ana Courriel", "13", "private", []string{"repair"}, "newsletter")
		silent := seedVolunteer(t, a, "Bo Discret", "13", "community", []string{"repair"})
		other := seedVolunteer(t, a, "Cy Ailleurs", "2", "community", []string{"repair"}, "newsletter")
		coord, _ := a.ClientAs(t, auth.RoleCoordinator)
		before := len(a.Mails(t))

		form := url.Values{"district": {"13"}, "subject": {"Atelier vélo samedi"}, "body": {"Rendez-vous à 10 h.\nApportez vos outils."}}
		resp, body := a.PostForm(t, coord, "/coordination/messages/new", form.Encode())
		if resp.StatusCode != 200 || !strings.Contains(body, "name=\"previewed\"") {
			t.Fatalf("preview: %d", resp.StatusCode)
		}
		fp := regexp.MustCompile(`name="previewed" value="([^"]+)"`).FindStringSubmatch(body)
		form.Set("previewed", fp[1])
		form.Set("send", "1")
		resp, body = a.PostForm(t, coord, "/coordination/messages/new", form.Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d\n%s", resp.StatusCode, body)
		}
		for client, want := range map[*http.Client]bool{mailed: true, silent: true, other: false} {
			_, inbox := a.Get(t, client, "/inbox")
			if strings.Contains(inbox, "Atelier vélo samedi") != want {
				t.Errorf("inbox shows the message: %v, want %v", !want, want)
			}
		}
		mails := a.Mails(t)[before:]
		if len(mails) != 1 || !strings.Contains(mails[0].Text, "Apportez vos outils") {
			t.Fatalf("%d mails for one consenting volunteer", len(mails))
		}
		link := regexp.MustCompile(`/unsubscribe\?[^\s"]+`).FindString(mails[0].Text)
		anon := a.Client(t)
		resp, body = a.Get(t, anon, link)
		if resp.StatusCode != 200 {
			t.Fatalf("unsubscribe page: %d", resp.StatusCode)
		}
		u, _ := url.Parse(link)
		resp, _ = a.PostForm(t, anon, "/unsubscribe", u.RawQuery)
		if resp.StatusCode != 200 {
			t.Fatalf("unsubscribe: %d", resp.StatusCode)
		}
		var n int
		a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM volunteer_profiles WHERE display_name = ? AND consents_mask = 0", "Ana Courriel").Scan(&n)
		if n != 1 {
			t.Error("the newsletter consent was not withdrawn")
		}
	})
}

func TestAdminEditsSkills(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{})
		admin, _ := a.ClientAs(t, auth.RoleAdmin)
		resp, body := a.PostForm(t, admin, "/admin/skills", "code=Bad+Code&label_fr=&label_en=x")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-code"`) || !strings.Contains(body, `href="#field-label_fr"`) {
			t.Fatalf("bad skill: %d", resp.StatusCode)
		}
		if resp, _ := a.PostForm(t, admin, "/admin/skills", "code=beekeeping&label_fr=Apiculture&label_en=Beekeeping"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		if resp, body := a.PostForm(t, admin, "/admin/skills", "code=beekeeping&label_fr=A&label_en=B"); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "déjà utilisé") {
			t.Fatalf("duplicate: %d", resp.StatusCode)
		}
		vol, _ := a.ClientAs(t, auth.RoleVolunteer)
		if _, body := a.Get(t, vol, "/welcome"); !strings.Contains(body, "Apiculture") {
			t.Fatal("the new skill is not offered")
		}
		// Retired: no longer offered.
		if resp, _ := a.PostForm(t, admin, "/admin/skills/beekeeping", "label_fr=Apiculture&label_en=Beekeeping"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("retire: %d", resp.StatusCode)
		}
		if _, body := a.Get(t, vol, "/welcome"); strings.Contains(body, "Apiculture") {
			t.Fatal("a retired skill is still offered")
		}
		if resp, _ := a.PostForm(t, admin, "/admin/skills/nosuch", "label_fr=a&label_en=b&active=1"); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown skill: %d", resp.StatusCode)
		}
	})
}

// A private profile's name appears nowhere, whoever looks: district pages,
// the directory, its export, the API.
func TestPrivateProfileIsShownToNoRole(t *testing.T) {
	a := apptest.New(t, db.SQLite, apptest.Options{Demo: true})
	seedVolunteer(t, a, "Zelda Cachée", "13", "private", []string{"repair"}, "share_with_organisers")
	seedVolunteer(t, a, "Yann Visible", "13", "community", []string{"repair"})
	clients := map[string]*http.Client{"visitor": a.Client(t)}
	for _, r := range []auth.Role{auth.RoleVolunteer, auth.RoleCoordinator, auth.RoleModerator, auth.RolePartner, auth.RoleAdmin} {
		clients[string(r)], _ = a.ClientAs(t, r)
	}
	for role, c := range clients {
		for _, path := range []string{"/districts", "/districts/13", "/coordination/directory?district=13",
			"/coordination/directory.csv?district=13", "/api/v1/districts", "/api/v1/districts/13"} {
			resp, body := a.Get(t, c, path)
			if strings.Contains(body, "Zelda") {
				t.Errorf("%s sees the private profile on %s (status %d)", role, path, resp.StatusCode)
			}
		}
	}
	// The community profile is seen by signed-in members on the district page, not by visitors.
	if _, body := a.Get(t, clients["visitor"], "/districts/13"); strings.Contains(body, "Yann Visible") {
		t.Error("a visitor sees a member's name")
	}
	if _, body := a.Get(t, clients["volunteer"], "/districts/13"); !strings.Contains(body, "Yann Visible") {
		t.Error("a member does not see a community profile on its district page")
	}
}
