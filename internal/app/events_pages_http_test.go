package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// pgEventForm is a City event in the 11th on 1 July 2027, 18:00 to 21:00
// Paris time (UTC+2 in summer).
func pgEventForm() url.Values {
	return url.Values{"title": {"Repair café <script>alert(1)</script>"}, "summary": {"Réparer ensemble."},
		"description": {"Venez **nombreux** <script>alert(2)</script>"}, "theme": {"waste"}, "owner": {"city"},
		"district": {"11"}, "address": {"12 rue Oberkampf"}, "starts_at": {"2027-07-01T18:00"}, "ends_at": {"2027-07-01T21:00"},
		"capacity": {"30"}, "accessibility": {"Salle de plain-pied."}, "version": {""}}
}

// pgCreateEvent submits the form and returns the event's path.
func pgCreateEvent(t *testing.T, a *apptest.App, c *http.Client, form url.Values) string {
	t.Helper()
	resp, body := a.PostForm(t, c, "/events/new", form.Encode())
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

func TestEventPagesDraftPublishAndShow(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		stranger, _ := a.ClientAs(t, auth.RoleVolunteer)
		visitor := a.Client(t)
		path := pgCreateEvent(t, a, staff, pgEventForm())
		if !strings.HasPrefix(path, "/events/") {
			t.Fatalf("redirected to %q", path)
		}

		// A draft is its organisers' alone.
		for _, c := range []*http.Client{visitor, stranger} {
			if resp, _ := a.Get(t, c, path); resp.StatusCode != http.StatusNotFound {
				t.Errorf("draft seen by others: %d", resp.StatusCode)
			}
		}
		if resp, _ := a.PostForm(t, stranger, path+"/publish", ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a stranger publishes a draft: %d", resp.StatusCode)
		}
		resp, body := a.Get(t, staff, path)
		if resp.StatusCode != 200 || !strings.Contains(body, "Brouillon") || !strings.Contains(body, path+"/publish") {
			t.Fatalf("organiser's view: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := a.PostForm(t, staff, path+"/publish", ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("publish: %d", resp.StatusCode)
		}

		resp, body = a.Get(t, visitor, path)
		if resp.StatusCode != 200 {
			t.Fatalf("published event: %d", resp.StatusCode)
		}
		// 18:00 in Paris, as typed (16:00 UTC).
		for _, want := range []string{"1 juil. 2027, 18:00", "1 juil. 2027, 21:00", "heure de Paris", "12 rue Oberkampf",
			"Popincourt", "Salle de plain-pied.", "<strong>nombreux</strong>", "La Ville de Paris", path + "/event.ics",
			"&lt;script&gt;alert(1)&lt;/script&gt;", "30 places restantes sur 30"} {
			if !strings.Contains(body, want) {
				t.Errorf("event page lacks %q", want)
			}
		}
		if strings.Contains(body, "<script>alert") {
			t.Error("a script from the form reached the page")
		}
		if strings.Contains(body, path+"/publish") || strings.Contains(body, path+"/cancel") {
			t.Error("visitors see the organisers' tools")
		}
		_, en := a.Get(t, visitor, path, "Accept-Language", "en")
		if !strings.Contains(en, "1 Jul 2027, 18:00") {
			t.Error("English page lacks the Paris time")
		}
		if resp, _ := a.PostForm(t, stranger, path+"/cancel", "message=x"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("a stranger cancels: %d", resp.StatusCode)
		}

		// A workshop outside the event is refused with the typed text kept.
		resp, body = a.PostForm(t, staff, path+"/sessions", url.Values{"session_title": {"Atelier couture"},
			"session_starts_at": {"2027-07-01T22:00"}, "session_ends_at": {"2027-07-01T23:00"}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Atelier couture") ||
			!strings.Contains(body, "L&#39;atelier doit avoir lieu pendant l&#39;événement.") {
			t.Errorf("workshop outside the event: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = a.PostForm(t, staff, path+"/sessions", url.Values{"session_title": {"Atelier couture"},
			"session_starts_at": {"2027-07-01T18:00"}, "session_ends_at": {"2027-07-01T19:30"}, "session_capacity": {"8"}}.Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add workshop: %d", resp.StatusCode)
		}
		_, body = a.Get(t, visitor, path)
		if !strings.Contains(body, "Atelier couture") || !strings.Contains(body, "8 places restantes sur 8") {
			t.Error("the workshop is not on the page")
		}

		// Cancelled: still public, marked, and listed as such.
		if resp, _ := a.PostForm(t, staff, path+"/cancel", "message=Salle+indisponible"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("cancel: %d", resp.StatusCode)
		}
		_, body = a.Get(t, visitor, path)
		if !strings.Contains(body, "Événement annulé") {
			t.Error("cancelled event not marked")
		}
		_, body = a.Get(t, visitor, "/events?district=11&theme=waste&from=2027-07-01")
		if !strings.Contains(body, `href="`+path+`"`) || !strings.Contains(body, "Annulé") {
			t.Error("cancelled event not listed and marked")
		}

		// "My events" of the organiser lists it.
		_, body = a.Get(t, staff, "/my/events")
		if !strings.Contains(body, `href="`+path+`"`) {
			t.Error("my events lacks the organised event")
		}
	})
}

func TestEventPagesListFilters(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		visitor := a.Client(t)
		form := pgEventForm()
		form.Set("title", "Compost de la place Léon-Blum")
		form.Set("theme", "energy")
		path := pgCreateEvent(t, a, staff, form)
		a.PostForm(t, staff, path+"/publish", "")
		online := pgEventForm()
		online.Set("title", "Webinaire sur les copropriétés")
		online.Set("district", "")
		online.Set("online_url", "https://visio.example.org/copro")
		online.Set("theme", "energy")
		opath := pgCreateEvent(t, a, staff, online)
		a.PostForm(t, staff, opath+"/publish", "")

		resp, body := a.Get(t, visitor, "/events")
		if resp.StatusCode != 200 || !strings.Contains(body, `<svg`) || !strings.Contains(body, "/events/calendar.ics") {
			t.Fatalf("list: %d", resp.StatusCode)
		}
		check := func(query string, wantIn, wantOut []string) {
			t.Helper()
			resp, body := a.Get(t, visitor, "/events?"+query)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", query, resp.StatusCode)
			}
			for _, p := range wantIn {
				if !strings.Contains(body, `href="`+p+`"`) {
					t.Errorf("%s lacks %s", query, p)
				}
			}
			for _, p := range wantOut {
				if strings.Contains(body, `href="`+p+`"`) {
					t.Errorf("%s shows %s", query, p)
				}
			}
		}
		check("theme=energy&from=2027-07-01", []string{path, opath}, nil)
		check("theme=energy&from=2027-07-01&mode=online", []string{opath}, []string{path})
		check("theme=energy&from=2027-07-01&mode=in_person", []string{path}, []string{opath})
		check("theme=energy&from=2027-07-01&district=11", []string{path}, []string{opath})
		check("theme=energy&from=2027-07-01&near=4", []string{path}, []string{opath})
		check("theme=energy&from=2027-07-01&near=16", nil, []string{path, opath})
		check("theme=energy&from=2027-07-02", nil, []string{path, opath})
		if resp, body := a.Get(t, visitor, "/events?mode=boat&from=demain"); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(body, `href="#field-mode"`) || !strings.Contains(body, `href="#field-from"`) {
			t.Errorf("bad filters: %d", resp.StatusCode)
		}
		_, body = a.Get(t, visitor, "/events?page=2")
		if !strings.Contains(body, `rel="prev"`) {
			t.Error("no second page of demo events")
		}
	})
}

func TestEventPagesFormsRefuseAndKeepText(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		volunteer, _ := a.ClientAs(t, auth.RoleVolunteer)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		other, _ := a.ClientAs(t, auth.RoleCoordinator)

		form := pgEventForm()
		form.Set("title", "Fresque du Climat du samedi")
		form.Set("ends_at", "2027-07-01T17:00")
		resp, body := a.PostForm(t, staff, "/events/new", form.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "La fin doit venir après le début.") ||
			!strings.Contains(body, `value="Fresque du Climat du samedi"`) || !strings.Contains(body, `href="#field-ends_at"`) {
			t.Errorf("end before start: %d\n%s", resp.StatusCode, body)
		}
		form = pgEventForm()
		form.Set("closes_at", "2027-07-02T10:00")
		if resp, body := a.PostForm(t, staff, "/events/new", form.Encode()); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "au plus tard à la fin de l&#39;événement") {
			t.Errorf("registration closing after the end: %d", resp.StatusCode)
		}
		if resp, body := a.PostForm(t, volunteer, "/events/new", pgEventForm().Encode()); resp.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Vous ne pouvez pas créer d&#39;événement pour cet organisateur") {
			t.Errorf("a volunteer creates a City event: %d", resp.StatusCode)
		}
		if resp, body := a.Get(t, volunteer, "/events/new"); resp.StatusCode != 200 || strings.Contains(body, `value="city"`) {
			t.Errorf("a volunteer is offered the City: %d", resp.StatusCode)
		}

		path := pgCreateEvent(t, a, staff, pgEventForm())
		id := strings.TrimPrefix(path, "/events/")
		if _, err := a.DB.Exec(t.Context(), "UPDATE events SET confirmed = 12 WHERE id = ?", id); err != nil {
			t.Fatal(err)
		}
		_, body = a.Get(t, staff, path+"/edit")
		if !strings.Contains(body, `value="2027-07-01T18:00"`) || !strings.Contains(body, `name="version" value="1"`) {
			t.Fatalf("edit form does not show Paris time or version:\n%s", body)
		}
		form = pgEventForm()
		form.Set("version", "1")
		form.Set("capacity", "10")
		form.Set("title", "Repair café, nouvelle formule")
		resp, body = a.PostForm(t, staff, path+"/edit", form.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "inférieur au nombre de personnes déjà inscrites") ||
			!strings.Contains(body, `value="Repair café, nouvelle formule"`) {
			t.Errorf("capacity below confirmed: %d", resp.StatusCode)
		}
		// Another coordinator saves first: the form read at version 1
		// is refused with 409, the typed text kept.
		form.Set("capacity", "40")
		if resp, _ := a.PostForm(t, other, path+"/edit", form.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("first save: %d", resp.StatusCode)
		}
		form.Set("title", "Ma version du titre")
		resp, body = a.PostForm(t, staff, path+"/edit", form.Encode())
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `value="Ma version du titre"`) ||
			!strings.Contains(body, `name="version" value="2"`) {
			t.Errorf("conflict: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := a.Get(t, volunteer, path+"/edit"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("a stranger edits a draft: %d", resp.StatusCode)
		}
	})
}
