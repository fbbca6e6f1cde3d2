package app_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"climatevolunteers/internal/app"
	"climatevolunteers/internal/web/i18n"
)

// Every key exists in every language (Miniflux keeps the same guard).
func TestCatalogHasEveryKeyInEveryLanguage(t *testing.T) {
	cat, err := i18n.New(app.LocaleSources()...)
	if err != nil {
		t.Fatal(err)
	}
	ref := cat.Keys(i18n.Default)
	if len(ref) == 0 {
		t.Fatal("empty catalog")
	}
	for _, lang := range i18n.Languages {
		keys := cat.Keys(lang)
		for _, k := range ref {
			if !slices.Contains(keys, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(ref, k) {
				t.Errorf("%s has %q, which %s lacks", lang, k, i18n.Default)
			}
		}
	}
}

var templateKey = regexp.MustCompile(`\{\{-?\s*t\s+"([^"]+)"`)

// Every key a template asks for exists, so no page shows "[key]".
func TestTemplatesUseKnownKeys(t *testing.T) {
	cat, err := i18n.New(app.LocaleSources()...)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	err = filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || !strings.Contains(path, "templates") {
			return err
		}
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(body), -1) {
			found++
			if !cat.Has(m[1]) {
				t.Errorf("%s uses unknown key %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 20 {
		t.Fatalf("only %d keys found in templates: the scan is broken", found)
	}
	// Keys built at run time.
	for _, lang := range i18n.Languages {
		if !cat.Has("lang.name." + lang) {
			t.Errorf("no lang.name.%s", lang)
		}
	}
	for _, code := range []string{"400", "403", "404", "405", "413", "429", "500", "503"} {
		for _, part := range []string{"title", "body"} {
			if !cat.Has("error." + code + "." + part) {
				t.Errorf("no error.%s.%s", code, part)
			}
		}
	}
}
