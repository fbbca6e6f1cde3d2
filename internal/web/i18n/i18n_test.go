package i18n

import (
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

func TestNegotiate(t *testing.T) {
	cases := []struct {
		name, cookie, accept, want string
	}{
		{"nothing", "", "", "fr"},
		{"browser english", "", "en-GB,en;q=0.9", "en"},
		{"browser french", "", "fr-FR,fr;q=0.9,en;q=0.5", "fr"},
		{"browser german falls back", "", "de-DE", "fr"},
		{"choice beats browser", "en", "fr-FR", "en"},
		{"unknown choice ignored", "xx", "en", "en"},
		{"garbage header", "", ";;;", "fr"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if c.cookie != "" {
				r.Header.Set("Cookie", CookieName+"="+c.cookie)
			}
			if c.accept != "" {
				r.Header.Set("Accept-Language", c.accept)
			}
			if got := Negotiate(r); got != c.want {
				t.Errorf("Negotiate = %q, want %q", got, c.want)
			}
		})
	}
}

func TestCatalogMergesAndRefusesDuplicates(t *testing.T) {
	a := fstest.MapFS{
		"locales/fr.json": {Data: []byte(`{"a.hello": "Bonjour {0}"}`)},
		"locales/en.json": {Data: []byte(`{"a.hello": "Hello {0}"}`)},
	}
	b := fstest.MapFS{
		"locales/fr.json": {Data: []byte(`{"b.only": "Seulement"}`)},
		"locales/en.json": {Data: []byte(`{"b.only": "Only"}`)},
	}
	c, err := New(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("en", "a.hello", "Ada"); got != "Hello Ada" {
		t.Errorf("T = %q", got)
	}
	if got := c.T("fr", "b.only"); got != "Seulement" {
		t.Errorf("T = %q", got)
	}
	if got := c.T("en", "missing.key"); got != "[missing.key]" {
		t.Errorf("missing key shows %q", got)
	}
	if _, err := New(a, a); err == nil {
		t.Error("a key defined twice was accepted")
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		lang string
		n    int64
		want string
	}{
		{"fr", 15000, "15\u202f000"},
		{"en", 15000, "15,000"},
		{"en", 999, "999"},
		{"en", -1234567, "-1,234,567"},
	}
	for _, c := range cases {
		if got := FormatInt(c.lang, c.n); got != c.want {
			t.Errorf("FormatInt(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	if got := FormatDecimal("fr", 1234.5, 1); got != "1\u202f234,5" {
		t.Errorf("FormatDecimal fr = %q", got)
	}
	if got := FormatDecimal("en", 0.99, 2); got != "0.99" {
		t.Errorf("FormatDecimal en = %q", got)
	}
}
