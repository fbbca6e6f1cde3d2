// Package i18n holds the translation catalog: French first, English second.
// Each feature ships its own locales/<lang>.json; the catalog merges them and a
// test fails when a key is missing in one language.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Languages the platform speaks, the default first.
var Languages = []string{"fr", "en"}

// Default is the language of a visitor who expressed no preference.
const Default = "fr"

// CookieName keeps a visitor's explicit choice.
const CookieName = "cv_lang"

var matcher = language.NewMatcher([]language.Tag{language.French, language.English})

// Catalog maps language -> key -> message.
type Catalog struct {
	messages map[string]map[string]string
	sources  map[string]string // key -> file that defined it, for clear duplicate errors
}

// New merges the locales/<lang>.json files found in each of the given file
// systems. A key defined twice is an error: features own their keys.
func New(sources ...fs.FS) (*Catalog, error) {
	c := &Catalog{messages: map[string]map[string]string{}, sources: map[string]string{}}
	for _, lang := range Languages {
		c.messages[lang] = map[string]string{}
	}
	for i, fsys := range sources {
		for _, lang := range Languages {
			// A large feature may split its messages by part:
			// locales/<part>.<lang>.json next to locales/<lang>.json.
			parts, err := fs.Glob(fsys, path.Join("locales", "*."+lang+".json"))
			if err != nil {
				return nil, err
			}
			for _, file := range append([]string{path.Join("locales", lang+".json")}, parts...) {
				if err := c.load(fsys, file, lang); err != nil {
					return nil, fmt.Errorf("catalog source %d: %w", i, err)
				}
			}
		}
	}
	return c, nil
}

func (c *Catalog) load(fsys fs.FS, file, lang string) error {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return err
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	for k, v := range m {
		if _, dup := c.messages[lang][k]; dup {
			return fmt.Errorf("key %q defined twice (%s, %s)", k, file, c.sources[k])
		}
		c.messages[lang][k] = v
		c.sources[k] = file
	}
	return nil
}

// Has reports whether key exists in the default language.
func (c *Catalog) Has(key string) bool {
	_, ok := c.messages[Default][key]
	return ok
}

// Keys lists a language's keys, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T translates key into lang. Arguments fill {0}, {1}… in order. A missing
// key shows itself between brackets so that it is seen, never hidden.
func (c *Catalog) T(lang, key string, args ...any) string {
	msg, ok := c.messages[lang][key]
	if !ok {
		msg, ok = c.messages[Default][key]
	}
	if !ok {
		return "[" + key + "]"
	}
	for i, a := range args {
		msg = strings.ReplaceAll(msg, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return msg
}

// Supported reports whether lang is one of the platform's languages.
func Supported(lang string) bool {
	for _, l := range Languages {
		if l == lang {
			return true
		}
	}
	return false
}

// Negotiate picks the request's language: the visitor's saved choice first,
// then the browser's Accept-Language, then French.
func Negotiate(r *http.Request) string {
	if c, err := r.Cookie(CookieName); err == nil && Supported(c.Value) {
		return c.Value
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, idx, conf := matcher.Match(tags...)
			if conf != language.No {
				return Languages[idx]
			}
		}
	}
	return Default
}
