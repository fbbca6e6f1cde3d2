package web

import (
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"climatevolunteers/internal/web/i18n"
)

func TestFormValidation(t *testing.T) {
	f := NewForm(url.Values{"name": {"  "}, "email": {"not an address"}, "bio": {strings.Repeat("é", 11)}, "kind": {"x"}})
	f.Required("name")
	f.Email("email")
	f.MaxLen("bio", 10)
	f.OneOf("kind", "a", "b")
	f.Required("name") // a second error on a field keeps the first
	if f.Valid() {
		t.Fatal("invalid form passed")
	}
	want := []string{"name", "email", "bio", "kind"}
	if got := f.ErrorFields(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("error order %v, want %v", got, want)
	}
	if e := f.Error("bio"); e == nil || e.Key != "form.error.too_long" || e.Args[0] != 10 {
		t.Errorf("bio error %+v", e)
	}
	ok := NewForm(url.Values{"email": {"ada@example.org"}, "kind": {"b"}})
	if !ok.Email("email") || !ok.OneOf("kind", "a", "b") || !ok.Valid() {
		t.Error("valid form refused")
	}
	for _, bad := range []string{"Ada <ada@example.org>", "ada@localhost", "ada@@x.org"} {
		f := NewForm(url.Values{"email": {bad}})
		if f.Email("email") {
			t.Errorf("%q accepted as an email", bad)
		}
	}
}

func TestSafeLocalPath(t *testing.T) {
	cases := map[string]string{
		"/districts":           "/districts",
		"/districts?x=1":       "/districts?x=1",
		"":                     "/",
		"districts":            "/",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"https://evil.example": "/",
		"javascript:alert(1)":  "/",
	}
	for in, want := range cases {
		if got := SafeLocalPath(in, "/"); got != want {
			t.Errorf("SafeLocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// The field partial links label, hint and error for screen readers, keeps
// the typed value, and the summary links to the field.
func TestFieldPartialRendersErrors(t *testing.T) {
	cat, err := i18n.New(Locales, fstest.MapFS{
		"locales/fr.json": {Data: []byte(`{"t.email": "Adresse e-mail", "t.hint": "Nous ne la montrons à personne."}`)},
		"locales/en.json": {Data: []byte(`{"t.email": "Email address", "t.hint": "We show it to nobody."}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	static, _ := NewStatic()
	rn, err := NewRenderer(cat, static, nil, slog.New(slog.DiscardHandler), false)
	if err != nil {
		t.Fatal(err)
	}
	v, err := rn.Parse(fstest.MapFS{"p.html": {Data: []byte(
		`{{define "content"}}{{template "error-summary" .Form}}{{template "field" (field .Form "email" "t.email" "email" "t.hint" "required" "autocomplete=email")}}{{template "field" (field .Form "password" "t.email" "password" "")}}{{end}}`)}}, "p.html")
	if err != nil {
		t.Fatal(err)
	}
	f := NewForm(url.Values{"email": {"ada@<script>"}, "password": {"hunter2-secret"}})
	f.Email("email")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/p", nil)
	rn.Render(w, r, 422, v, Page{Title: "t", Form: f})
	body := w.Body.String()
	for _, want := range []string{
		`<a href="#field-email">Saisissez une adresse e-mail valide`,
		`<label for="field-email">Adresse e-mail <span class="required">(obligatoire)</span></label>`,
		`aria-describedby="hint-email error-email"`,
		`aria-invalid="true"`,
		`value="ada@&lt;script&gt;"`,
		`required aria-required="true" autocomplete="email"`,
		`<title>Erreur : t ·`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "hunter2-secret") {
		t.Error("a password was echoed back into the page")
	}
	if w.Code != 422 {
		t.Errorf("status %d", w.Code)
	}
}
