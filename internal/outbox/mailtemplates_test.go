package outbox_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"climatevolunteers/internal/outbox"
)

var mailFS = fstest.MapFS{
	"mail/verify.fr.txt": {Data: []byte(`{{define "subject"}}
  Vérifiez votre adresse, {{.Name}}
{{end}}{{define "text"}}
Bonjour {{.Name}},

Ouvrez ce lien : {{.Link}}
{{end}}`)},
	"mail/verify.fr.html": {Data: []byte(`<p>Bonjour {{.Name}},</p><p><a href="{{.Link}}">Vérifier</a></p>`)},
	"mail/verify.en.txt":  {Data: []byte(`{{define "subject"}}Verify your address{{end}}{{define "text"}}Hello {{.Name}}, open {{.Link}}{{end}}`)},
	"mail/verify.en.html": {Data: []byte(`<p>Hello {{.Name}}</p>`)},
	// Only in French: English readers get the French mail.
	"mail/reset.fr.txt": {Data: []byte(`{{define "subject"}}Nouveau mot de passe{{end}}{{define "text"}}Lien : {{.Link}}{{end}}`)},
	"mail/README.md":    {Data: []byte("not a template")},
}

type mailData struct{ Name, Link string }

func TestMailTemplatesRender(t *testing.T) {
	mt, err := outbox.NewMailTemplates(mailFS, "mail")
	if err != nil {
		t.Fatal(err)
	}
	data := mailData{Name: "Ada <script>", Link: "https://example.org/verify?t=a&b=1"}
	e, err := mt.Render("verify", "fr", data)
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "Vérifiez votre adresse, Ada <script>" || e.Lang != "fr" || e.To != "" {
		t.Fatalf("subject %q lang %q", e.Subject, e.Lang)
	}
	if e.Text != "Bonjour Ada <script>,\n\nOuvrez ce lien : https://example.org/verify?t=a&b=1\n" {
		t.Fatalf("text %q", e.Text)
	}
	for _, want := range []string{`<html lang="fr">`, `<title>Vérifiez votre adresse, Ada &lt;script&gt;</title>`,
		`Bonjour Ada &lt;script&gt;,`, `href="https://example.org/verify?t=a&amp;b=1"`} {
		if !strings.Contains(e.HTML, want) {
			t.Errorf("HTML lacks %s:\n%s", want, e.HTML)
		}
	}
	if strings.Contains(e.HTML, "<script>") {
		t.Fatal("HTML part not escaped")
	}

	e, err = mt.Render("verify", "en", data)
	if err != nil || e.Lang != "en" || e.Subject != "Verify your address" || !strings.Contains(e.HTML, `<html lang="en">`) {
		t.Fatalf("english: %+v %v", e, err)
	}
}

func TestMailTemplatesFallBackToFrench(t *testing.T) {
	mt, err := outbox.NewMailTemplates(mailFS, "mail")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "de", ""} {
		e, err := mt.Render("reset", lang, mailData{Link: "L"})
		if err != nil {
			t.Fatal(err)
		}
		if e.Lang != "fr" || e.Subject != "Nouveau mot de passe" || e.Text != "Lien : L\n" || e.HTML != "" {
			t.Fatalf("reset in %q: %+v", lang, e)
		}
	}
	if _, err := mt.Render("verify", "de", mailData{}); err != nil {
		t.Fatal(err)
	}
	if _, err := mt.Render("nope", "fr", nil); err == nil {
		t.Fatal("unknown mail rendered")
	}
	// A field the data lacks is an error, not "<no value>" in someone's mail.
	if _, err := mt.Render("verify", "fr", map[string]string{"Name": "x"}); err == nil {
		t.Fatal("missing field rendered")
	}
}

func TestMailTemplatesRefuseBrokenSets(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no French":  {"m/a.en.txt": {Data: []byte(`{{define "subject"}}s{{end}}{{define "text"}}t{{end}}`)}},
		"no subject": {"m/a.fr.txt": {Data: []byte(`{{define "text"}}t{{end}}`)}},
		"bad syntax": {"m/a.fr.txt": {Data: []byte(`{{define "subject"}}{{.X{{end}}`)}},
		"bad html":   {"m/a.fr.html": {Data: []byte(`{{if}}`)}},
		"no dir":     {},
	} {
		if _, err := outbox.NewMailTemplates(fsys, "m"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
