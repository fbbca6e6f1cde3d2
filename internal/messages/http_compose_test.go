package messages_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/messages"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/webtest"
)

var previewed = regexp.MustCompile(`name="previewed" value="([0-9a-f]+)"`)

// A coordinator previews, then sends; the list shows what went out.
func TestComposePreviewAndSend(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "p", 3)
		a := &fakeAudience{rs: []volunteers.Recipient{
			{UserID: ids[0], Email: "a@example.org", Phone: "+33611111111", Lang: "fr"},
			{UserID: ids[1], Email: "b@example.org", Lang: "en"},
			{UserID: ids[2], Lang: "fr"},
		}}
		h := testSite(t, newService(t, d, a, nil))
		coord := as(ids[0], "coordinator")

		w := do(t, h, "GET", "/coordination/messages/new", coord, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("form: %d", w.Code)
		}
		webtest.MustContain(t, w.Body.String(), `<select id="field-district" name="district">`, `<option value="11">Paris 11e</option>`,
			`<option value="repair">Réparation</option>`, `<option value="0">Lundi</option>`, `<option value="2">Soir</option>`,
			`<option value="energy">`, `<textarea id="field-body" name="body"`, `name="preview" value="1"`)
		webtest.MustNotContain(t, w.Body.String(), `name="send"`)

		form := url.Values{"district": {"11"}, "skill": {"repair"}, "language": {"en"}, "interest": {"water"}, "day": {"5"},
			"slot": {"0"}, "subject": {"Corvée de jardin"}, "body": {"Samedi 10 h.\r\n<i>Gants fournis</i>"}, "preview": {"1"}}
		w = do(t, h, "POST", "/coordination/messages/new", coord, form)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("preview: %d", w.Code)
		}
		if f := a.last; f.District != "11" || f.Skill != "repair" || f.Language != "en" || f.Interest != "water" ||
			f.Day != 5 || f.Slot != 0 || f.Consent != "" {
			t.Errorf("audience asked with %+v", f)
		}
		webtest.MustContain(t, body, "Volontaires concernés : 3.", "Aussi par e-mail : 2", "Aussi par SMS : 1",
			"Seulement sur la plateforme (sans accord pour l&#39;e-mail ni le SMS) : 1", `<option value="11" selected>`,
			`<div class="message-body">Samedi 10 h.`+"\n"+`&lt;i&gt;Gants fournis&lt;/i&gt;</div>`,
			`name="send" value="1"`, "Envoyer maintenant", `action="/coordination/messages/new#preview"`)
		if n := count(t, d, "SELECT COUNT(*) FROM messages"); n != 0 {
			t.Fatal("the preview sent something")
		}
		m := previewed.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no fingerprint in the preview")
		}

		// Changed after the preview: previewed again, not sent.
		form.Del("preview")
		form.Set("send", "1")
		form.Set("previewed", m[1])
		form.Set("district", "20")
		w = do(t, h, "POST", "/coordination/messages/new", coord, form)
		if w.Code != http.StatusOK || count(t, d, "SELECT COUNT(*) FROM messages") != 0 {
			t.Fatalf("changed draft: %d", w.Code)
		}
		webtest.MustContain(t, w.Body.String(), "ont changé depuis l&#39;aperçu")
		m = previewed.FindStringSubmatch(w.Body.String())

		form.Set("previewed", m[1])
		w = do(t, h, "POST", "/coordination/messages/new", coord, form)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/coordination/messages" {
			t.Fatalf("send: %d %s", w.Code, w.Body.String())
		}
		if !strings.Contains(w.Header().Get("Set-Cookie"), "flash.messages_sent") {
			t.Error("no flash after sending")
		}
		if n := count(t, d, "SELECT COUNT(*) FROM message_recipients"); n != 3 {
			t.Errorf("%d inbox copies", n)
		}
		// A second click is recognised.
		w = do(t, h, "POST", "/coordination/messages/new", coord, form)
		if w.Code != http.StatusSeeOther || !strings.Contains(w.Header().Get("Set-Cookie"), "flash.messages_already_sent") ||
			count(t, d, "SELECT COUNT(*) FROM messages") != 1 {
			t.Errorf("second click: %d", w.Code)
		}

		w = do(t, h, "GET", "/coordination/messages", coord, nil)
		webtest.MustContain(t, w.Body.String(), "Messages envoyés : 1", "<th scope=\"row\">Corvée de jardin</th>",
			"<li>Arrondissement : Paris 20e</li>", "<li>Compétence : Réparation</li>", "<li>Langue parlée : Anglais</li>",
			"<li>Disponible le : Samedi</li>", "<li>Moment de la journée : Matin</li>", `<td class="num">3</td>`)
	})
}

// Refused input shows each error by its field and keeps what was typed.
func TestComposeRefusesBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "b", 1)
		a := &fakeAudience{pick: func(f volunteers.Filter) []volunteers.Recipient {
			if f.Skill == "repair" {
				return nil
			}
			return []volunteers.Recipient{{UserID: ids[0], Lang: "fr"}}
		}}
		h := testSite(t, newService(t, d, a, nil))
		coord := as(ids[0], "admin") // admins pass the coordinators' guard

		long := strings.Repeat("a", 5001)
		w := do(t, h, "POST", "/coordination/messages/new", coord, url.Values{"district": {"75"}, "day": {"lundi"},
			"slot": {"9"}, "subject": {""}, "body": {long}, "preview": {"1"}})
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad input: %d", w.Code)
		}
		webtest.MustContain(t, body, `class="error-summary"`, `href="#field-district"`, `href="#field-day"`, `href="#field-slot"`,
			`href="#field-subject"`, `href="#field-body"`, `<p class="error" id="error-subject">Ce champ est obligatoire.</p>`,
			`<p class="error" id="error-body">Ce champ ne peut pas dépasser 5000 caractères.</p>`, `aria-invalid="true"`, long)
		webtest.MustNotContain(t, body, `name="send"`)

		// Nobody matches: the preview says so and offers no send button; a
		// forced send is refused next to the segment.
		form := url.Values{"skill": {"repair"}, "subject": {"Hello"}, "body": {"World"}}
		w = do(t, h, "POST", "/coordination/messages/new", coord, form)
		webtest.MustContain(t, w.Body.String(), "Aucun volontaire ne correspond à ces critères. Élargissez")
		webtest.MustNotContain(t, w.Body.String(), `name="send"`)
		dr := messages.Draft{Subject: "Hello", Body: "World", Segment: messages.Everyone()}
		dr.Segment.Skill = "repair"
		form.Set("send", "1")
		form.Set("previewed", dr.Fingerprint())
		w = do(t, h, "POST", "/coordination/messages/new", coord, form)
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("send to nobody: %d", w.Code)
		}
		webtest.MustContain(t, w.Body.String(), `href="#field-segment"`, `id="error-segment"`)
	})
}

func TestCoordinationIsGuarded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := testSite(t, newService(t, d, &fakeAudience{}, nil))
		for _, c := range []struct {
			method, path, who string
			want              int
		}{
			{"GET", "/coordination/messages", "", http.StatusSeeOther},
			{"GET", "/coordination/messages", "5:volunteer", http.StatusForbidden},
			{"GET", "/coordination/messages", "5:moderator", http.StatusForbidden},
			{"GET", "/coordination/messages", "5:coordinator", http.StatusOK},
			{"GET", "/coordination/messages/new", "5:volunteer", http.StatusForbidden},
			{"POST", "/coordination/messages/new", "", http.StatusForbidden},
			{"POST", "/coordination/messages/new", "5:partner", http.StatusForbidden},
			{"POST", "/coordination/messages/new", "5:coordinator", http.StatusUnprocessableEntity},
		} {
			if w := do(t, h, c.method, c.path, c.who, url.Values{}); w.Code != c.want {
				t.Errorf("%s %s as %q: %d, want %d", c.method, c.path, c.who, w.Code, c.want)
			}
		}
	})
}
