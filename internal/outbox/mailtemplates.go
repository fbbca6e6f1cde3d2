package outbox

import (
	"bytes"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"path"
	"strings"
	texttemplate "text/template"
)

// FallbackLang is used when a mail has no version in the reader's language.
const FallbackLang = "fr"

// MailTemplates renders mails from files named <name>.<lang>.txt (a
// text/template defining "subject" and "text") and, optionally,
// <name>.<lang>.html (an html/template body fragment, put in a shared
// layout).
type MailTemplates struct {
	text map[string]*texttemplate.Template // by "name.lang"
	html map[string]*htmltemplate.Template
}

// mailLayout wraps every HTML body. Mail clients ignore style sheets, so the
// few styles are inline.
var mailLayout = htmltemplate.Must(htmltemplate.New("layout").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Subject}}</title>
</head>
<body style="margin:0;padding:0;background:#f3f5f2">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;color:#1b1b1b;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5">
{{.Body}}
</div>
</body>
</html>
`))

// NewMailTemplates parses every template in dir of fsys. Each mail must
// exist in French, the fallback language.
func NewMailTemplates(fsys fs.FS, dir string) (*MailTemplates, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("mail templates: %w", err)
	}
	mt := &MailTemplates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}}
	for _, e := range entries {
		file := e.Name()
		ext := path.Ext(file)
		key := strings.TrimSuffix(file, ext) // "name.lang"
		if e.IsDir() || strings.Count(key, ".") != 1 || (ext != ".txt" && ext != ".html") {
			continue
		}
		src, err := fs.ReadFile(fsys, path.Join(dir, file))
		if err != nil {
			return nil, err
		}
		if ext == ".html" {
			t, err := htmltemplate.New(file).Option("missingkey=error").Parse(string(src))
			if err != nil {
				return nil, fmt.Errorf("mail template %s: %w", file, err)
			}
			mt.html[key] = t
			continue
		}
		t, err := texttemplate.New(file).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("mail template %s: %w", file, err)
		}
		if t.Lookup("subject") == nil || t.Lookup("text") == nil {
			return nil, fmt.Errorf("mail template %s must define \"subject\" and \"text\"", file)
		}
		mt.text[key] = t
	}
	for key := range mt.text {
		name, _, _ := strings.Cut(key, ".")
		if mt.text[name+"."+FallbackLang] == nil {
			return nil, fmt.Errorf("mail template %s has no %s version to fall back on", name, FallbackLang)
		}
	}
	return mt, nil
}

// Render builds mail name in lang, or in French when there is no lang
// version. The HTML part comes from the same language as the text, so a
// mail never mixes two; without an HTML file the mail is plain text. The
// caller sets To.
func (mt *MailTemplates) Render(name, lang string, data any) (Email, error) {
	t := mt.text[name+"."+lang]
	if t == nil {
		lang = FallbackLang
		t = mt.text[name+"."+lang]
	}
	if t == nil {
		return Email{}, fmt.Errorf("no mail template %q", name)
	}
	var subject, text bytes.Buffer
	if err := t.ExecuteTemplate(&subject, "subject", data); err != nil {
		return Email{}, fmt.Errorf("mail %s subject: %w", name, err)
	}
	if err := t.ExecuteTemplate(&text, "text", data); err != nil {
		return Email{}, fmt.Errorf("mail %s text: %w", name, err)
	}
	e := Email{
		// A subject is one header line, whatever the template's layout.
		Subject: strings.Join(strings.Fields(subject.String()), " "),
		Text:    strings.TrimSpace(text.String()) + "\n",
		Lang:    lang,
	}
	if h := mt.html[name+"."+lang]; h != nil {
		var body, page bytes.Buffer
		if err := h.Execute(&body, data); err != nil {
			return Email{}, fmt.Errorf("mail %s html: %w", name, err)
		}
		// body is html/template's output, already escaped.
		err := mailLayout.Execute(&page, map[string]any{
			"Lang": lang, "Subject": e.Subject, "Body": htmltemplate.HTML(body.String()),
		})
		if err != nil {
			return Email{}, err
		}
		e.HTML = page.String()
	}
	return e, nil
}
