package messages_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/messages"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web/i18n"
	"climatevolunteers/internal/web/webtest"
)

// A volunteer reads their own messages; another's message is a 404, exactly
// like one that does not exist.
func TestInboxPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "r", 2)
		reader, stranger := as(ids[0], "volunteer"), as(ids[1], "volunteer")
		svc := newService(t, d, &fakeAudience{rs: []volunteers.Recipient{{UserID: ids[0], Lang: "fr"}}}, nil)
		h := testSite(t, svc)

		if w := do(t, h, "GET", "/inbox", reader, nil); !strings.Contains(w.Body.String(), "aucun message") {
			t.Errorf("empty inbox: %d", w.Code)
		}
		var sent []string
		for _, subject := range []string{"Premier <message>", "Second"} {
			dr := draft(ids[1])
			dr.Subject = subject
			s, err := svc.Send(t.Context(), dr)
			if err != nil {
				t.Fatal(err)
			}
			sent = append(sent, strconv.FormatInt(s.ID, 10))
		}

		w := do(t, h, "GET", "/inbox", reader, nil)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("inbox: %d", w.Code)
		}
		webtest.MustContain(t, body, "2 messages non lus.", `<li class="unread">`, `<a href="/inbox/`+sent[0]+`">Premier &lt;message&gt;</a>`,
			`<span class="badge">Non lu</span>`)
		if strings.Index(body, "Second") > strings.Index(body, "Premier") {
			t.Error("inbox is not newest first")
		}

		for _, c := range []struct {
			path, who string
			want      int
		}{
			{"/inbox/" + sent[0], stranger, http.StatusNotFound},
			{"/inbox/99999", reader, http.StatusNotFound},
			{"/inbox/abc", reader, http.StatusNotFound},
			{"/inbox/-1", reader, http.StatusNotFound},
			{"/inbox/" + sent[0], "", http.StatusSeeOther},
			{"/inbox", "", http.StatusSeeOther},
		} {
			if w := do(t, h, "GET", c.path, c.who, nil); w.Code != c.want {
				t.Errorf("%s as %q: %d, want %d", c.path, c.who, w.Code, c.want)
			}
		}
		if n, _ := svc.Store().Unread(t.Context(), ids[0]); n != 2 {
			t.Fatalf("a refused look marked something read: %d unread", n)
		}

		w = do(t, h, "GET", "/inbox/"+sent[0], reader, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("message: %d", w.Code)
		}
		webtest.MustContain(t, w.Body.String(), "<h1>Premier &lt;message&gt;</h1>",
			`<div class="message-body">Bonjour,`+"\n"+`les fontaines sont ouvertes.`+"\n\n"+`&lt;b&gt;Merci&lt;/b&gt;</div>`,
			`<a href="/inbox">Retour à mes messages</a>`)
		webtest.MustNotContain(t, w.Body.String(), "<b>Merci")
		webtest.MustContain(t, do(t, h, "GET", "/inbox", reader, nil).Body.String(), "1 message non lu.")
	})
}

// Unsubscribing needs no session, confirms before changing anything, and
// refuses any link that was not signed by the platform.
func TestUnsubscribePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		consents := &fakeConsents{}
		svc := newService(t, d, &fakeAudience{}, consents)
		h := testSite(t, svc)
		tok, err := svc.UnsubscribeToken(t.Context(), 42)
		if err != nil {
			t.Fatal(err)
		}
		good := url.Values{"u": {"42"}, "t": {tok}}

		w := do(t, h, "GET", "/unsubscribe?"+good.Encode(), "", nil)
		if w.Code != http.StatusOK || len(consents.withdrawn) != 0 {
			t.Fatalf("confirmation page: %d, withdrawn %v", w.Code, consents.withdrawn)
		}
		webtest.MustContain(t, w.Body.String(), `<form method="post" action="/unsubscribe">`, `name="u" value="42"`,
			`name="t" value="`+tok+`"`, "Ne plus recevoir ces e-mails")
		if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("headers %v", w.Header())
		}

		flipped := []byte(tok)
		flipped[0] ^= 2
		for _, bad := range []url.Values{
			{"u": {"43"}, "t": {tok}},
			{"u": {"42"}, "t": {string(flipped)}},
			{"u": {"42"}},
			{},
		} {
			for _, method := range []string{"GET", "POST"} {
				path := "/unsubscribe"
				if method == "GET" {
					path += "?" + bad.Encode()
				}
				w := do(t, h, method, path, "", bad)
				if w.Code != http.StatusBadRequest {
					t.Errorf("%s %v: %d, want 400", method, bad, w.Code)
				}
				webtest.MustContain(t, w.Body.String(), "Ce lien ne fonctionne pas", "rien n&#39;a été changé")
				webtest.MustNotContain(t, w.Body.String(), `action="/unsubscribe"`)
			}
		}
		if len(consents.withdrawn) != 0 {
			t.Fatalf("a bad link withdrew %v", consents.withdrawn)
		}

		w = do(t, h, "POST", "/unsubscribe", "", good)
		if w.Code != http.StatusOK || len(consents.withdrawn) != 1 || consents.withdrawn[0] != 42 {
			t.Fatalf("unsubscribe: %d, withdrawn %v", w.Code, consents.withdrawn)
		}
		webtest.MustContain(t, w.Body.String(), "C&#39;est fait", `href="/profile"`)
		// A second click changes nothing more and still says it is done.
		if w := do(t, h, "POST", "/unsubscribe", "", good); w.Code != http.StatusOK {
			t.Errorf("second click: %d", w.Code)
		}
	})
}

// The link in a sent mail is one the unsubscribe page accepts.
func TestMailUnsubscribeLinkWorks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ids := addUsers(t, d, "m", 1)
		consents := &fakeConsents{}
		svc := newService(t, d, &fakeAudience{rs: []volunteers.Recipient{{UserID: ids[0], Email: "m@example.org", Lang: "en"}}}, consents)
		if _, err := svc.Send(t.Context(), draft(ids[0])); err != nil {
			t.Fatal(err)
		}
		e, _ := jobsByKind(t, d)["email"][0].Email()
		if !strings.HasPrefix(e.Text, "Hello,\n") || !strings.Contains(e.HTML, "<p>Hello,</p>") {
			t.Errorf("greeting without a display name:\n%s", e.Text)
		}
		i := strings.Index(e.Text, site+"/unsubscribe?")
		if i < 0 {
			t.Fatalf("no unsubscribe link in\n%s", e.Text)
		}
		link, _, _ := strings.Cut(e.Text[i+len(site):], "\n")
		u, _ := url.Parse(link)
		w := do(t, testSite(t, svc), "POST", "/unsubscribe", "", u.Query())
		if w.Code != http.StatusOK || len(consents.withdrawn) != 1 || consents.withdrawn[0] != ids[0] {
			t.Fatalf("link from the mail: %d, withdrawn %v", w.Code, consents.withdrawn)
		}
		if !strings.Contains(e.HTML, `href="`+strings.ReplaceAll(site+link, "&", "&amp;")+`"`) {
			t.Error("the HTML part's unsubscribe link differs from the text part's")
		}
	})
}

// Both languages have the same keys, all under the feature's prefixes.
func TestLocales(t *testing.T) {
	cat, err := i18n.New(messages.Locales)
	if err != nil {
		t.Fatal(err)
	}
	fr, en := cat.Keys("fr"), cat.Keys("en")
	if strings.Join(fr, " ") != strings.Join(en, " ") {
		t.Fatalf("fr and en keys differ:\nfr %v\nen %v", fr, en)
	}
	for _, k := range fr {
		if !strings.HasPrefix(k, "messages.") && !strings.HasPrefix(k, "flash.messages_") {
			t.Errorf("key %s outside the feature's prefixes", k)
		}
	}
}
