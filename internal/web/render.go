package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"climatevolunteers/internal/web/i18n"
)

//go:embed templates
var kitTemplates embed.FS

// NavItem is one entry of the main navigation; features add theirs in app.
type NavItem struct {
	Key  string // catalog key of the label
	Path string
}

// Renderer turns views into pages in the site's layout, in the request's
// language. Templates are parsed once per language at start, with a "t"
// function bound to that language, so templates simply write {{t "key"}}.
type Renderer struct {
	cat     *i18n.Catalog
	static  *Static
	nav     []NavItem
	log     *slog.Logger
	secure  bool // cookies only over https
	errView *View
	loc     *time.Location // times are shown in the city's zone

	// OnLanguage, when set, hears a visitor's language choice (accounts keep
	// it so that their mails follow).
	OnLanguage func(r *http.Request, lang string)
	// Notices, when set, gives the notices shown above every page's content
	// (alert banners, calls waiting); it logs its own errors.
	Notices func(r *http.Request) []Notice
}

// Notice is a message the layout shows above a page's content.
type Notice struct {
	Kind  string // CSS modifier: "alert-3", "alert-4" (heat or flood levels), "info"
	Title string // already translated, also the region's name
	Text  string
	Href  string // a link to act on it, or ""
	Link  string // the link's text
}

// View is a page template parsed onto the layout, one copy per language.
type View struct {
	name  string
	langs map[string]*template.Template
}

// Page is what every template receives: the common parts in the layout and
// the feature's own data in .Data.
type Page struct {
	Lang      string
	Title     string // already translated
	Path      string
	Nav       []NavItem
	Flash     *Flash
	RequestID string
	Viewer    *Viewer
	Form      *Form
	Data      any
	Notices   []Notice
	// RetryAfter is shown on the 429 page ("try again in N minutes").
	RetryAfter time.Duration
}

// NewRenderer builds the renderer; secure marks cookies Secure (https sites).
func NewRenderer(cat *i18n.Catalog, static *Static, nav []NavItem, log *slog.Logger, secure bool) (*Renderer, error) {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, err
	}
	rn := &Renderer{cat: cat, static: static, nav: nav, log: log, secure: secure, loc: loc}
	v, err := rn.Parse(kitTemplates, "templates/error.html")
	if err != nil {
		return nil, err
	}
	rn.errView = v
	return rn, nil
}

// Catalog gives handlers access to translations outside templates.
func (rn *Renderer) Catalog() *i18n.Catalog { return rn.cat }

// Funcs are the template functions for one language.
func (rn *Renderer) funcs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":     func(key string, args ...any) string { return rn.cat.T(lang, key, args...) },
		"asset": rn.static.URL,
		"num": func(n any) string {
			switch v := n.(type) {
			case int:
				return i18n.FormatInt(lang, int64(v))
			case int64:
				return i18n.FormatInt(lang, v)
			case float64:
				return i18n.FormatDecimal(lang, v, 0)
			}
			return fmt.Sprint(n)
		},
		"fieldError": func(e *FieldError) string { return rn.cat.T(lang, e.Key, e.Args...) },
		"field":      newFieldArgs,
		"when": func(v any) string {
			switch t := v.(type) {
			case time.Time:
				return i18n.FormatDateTime(lang, t, rn.loc)
			case *time.Time:
				if t != nil {
					return i18n.FormatDateTime(lang, *t, rn.loc)
				}
			}
			return ""
		},
		"minutes": func(d time.Duration) int { return int(math.Ceil(d.Minutes())) },
		"dec":     func(f float64, decimals int) string { return i18n.FormatDecimal(lang, f, decimals) },
		"otherLangs": func() []string {
			var out []string
			for _, l := range i18n.Languages {
				if l != lang {
					out = append(out, l)
				}
			}
			return out
		},
	}
}

// Parse reads a feature's page template (which defines "title" and
// "content") together with the layout, the shared partials and the
// feature's own partials, if any.
func (rn *Renderer) Parse(fsys fs.FS, file string, partials ...string) (*View, error) {
	v := &View{name: file, langs: map[string]*template.Template{}}
	for _, lang := range i18n.Languages {
		t := template.New("layout.html").Funcs(rn.funcs(lang))
		t, err := t.ParseFS(kitTemplates, "templates/layout.html", "templates/partials.html")
		if err != nil {
			return nil, err
		}
		if t, err = t.ParseFS(fsys, append([]string{file}, partials...)...); err != nil {
			return nil, fmt.Errorf("parse %s: %w", file, err)
		}
		v.langs[lang] = t
	}
	return v, nil
}

// MustParse is Parse for start-up wiring, where a broken template is a bug.
func (rn *Renderer) MustParse(fsys fs.FS, file string, partials ...string) *View {
	v, err := rn.Parse(fsys, file, partials...)
	if err != nil {
		panic(err)
	}
	return v
}

// Render writes view with status, filling the common page parts. Rendering
// goes to a buffer first so a template error becomes a clean 500 page rather
// than half a page.
func (rn *Renderer) Render(w http.ResponseWriter, r *http.Request, status int, v *View, p Page) {
	st := stateOf(r)
	p.Lang = st.Lang
	p.Path = r.URL.Path
	p.Nav = rn.nav
	p.RequestID = st.ID
	p.Viewer = st.Viewer
	if p.Flash == nil {
		p.Flash = rn.takeFlash(w, r)
	}
	if rn.Notices != nil && p.Notices == nil && v != rn.errView {
		p.Notices = rn.Notices(r)
	}
	var buf bytes.Buffer
	if err := v.langs[p.Lang].Execute(&buf, p); err != nil {
		if v == rn.errView {
			rn.log.Error("error page failed", "request_id", st.ID, "err", err)
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return
		}
		rn.Error(w, r, http.StatusInternalServerError, fmt.Errorf("render %s: %w", v.name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// T translates for the request's language.
func (rn *Renderer) T(r *http.Request, key string, args ...any) string {
	return rn.cat.T(Lang(r), key, args...)
}

// Error renders the translated error page for status. Server errors are
// logged with the request id, which the page shows so people can quote it.
func (rn *Renderer) Error(w http.ResponseWriter, r *http.Request, status int, err error) {
	if status >= 500 && err != nil {
		rn.log.Error("request failed", "request_id", RequestID(r), "route", r.Pattern, "err", err)
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	key := errorKey(status)
	rn.Render(w, r, status, rn.errView, Page{
		Title: rn.T(r, key+".title"),
		Data:  errorData{Status: status, Key: key},
	})
}

// LogError logs a failure the page survives (the request still succeeds),
// with the request id.
func (rn *Renderer) LogError(r *http.Request, err error) {
	rn.log.Error("request partly failed", "request_id", RequestID(r), "route", r.Pattern, "err", err)
}

// fieldArgs feeds the "field" partial.
type fieldArgs struct {
	Form                    *Form
	Name, Label, Type, Hint string
	Required                bool
	Autocomplete            string
}

// newFieldArgs reads the partial's options: "required" and
// "autocomplete=<token>" (WCAG 1.3.5 asks for the latter on personal data).
func newFieldArgs(f *Form, name, label, typ, hint string, opts ...string) fieldArgs {
	a := fieldArgs{Form: f, Name: name, Label: label, Type: typ, Hint: hint}
	for _, o := range opts {
		if o == "required" {
			a.Required = true
		} else if v, ok := strings.CutPrefix(o, "autocomplete="); ok {
			a.Autocomplete = v
		}
	}
	return a
}

type errorData struct {
	Status int
	Key    string
}

func errorKey(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusMethodNotAllowed,
		http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return fmt.Sprintf("error.%d", status)
	}
	if status >= 500 {
		return "error.500"
	}
	return "error.400"
}

// RateLimited answers 429 with Retry-After and a page that says when to try
// again.
func (rn *Renderer) RateLimited(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	secs := int(math.Ceil(retry.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	rn.Render(w, r, http.StatusTooManyRequests, rn.errView, Page{
		Title:      rn.T(r, "error.429.title"),
		Data:       errorData{Status: http.StatusTooManyRequests, Key: "error.429"},
		RetryAfter: time.Duration(secs) * time.Second,
	})
}

// ServerError shows the 500 page for a failure already logged.
func (rn *Renderer) ServerError(w http.ResponseWriter, r *http.Request) {
	rn.Error(w, r, http.StatusInternalServerError, nil)
}

// NotFound is the handler for unknown paths.
func (rn *Renderer) NotFound(w http.ResponseWriter, r *http.Request) {
	rn.Error(w, r, http.StatusNotFound, nil)
}

// JSON writes v as JSON with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// Redirect sends the browser to a local path after a form (303 See Other).
func Redirect(w http.ResponseWriter, r *http.Request, path string) {
	http.Redirect(w, r, path, http.StatusSeeOther)
}

// IDAndForm reads the path's {id} and the posted form of an action on one
// item. On a bad id (404) or an unreadable form (400) it has answered, and
// ok is false.
func (rn *Renderer) IDAndForm(w http.ResponseWriter, r *http.Request) (id int64, f *Form, ok bool) {
	if id, ok = PathID(r, ""); !ok {
		rn.Error(w, r, http.StatusNotFound, nil)
		return 0, nil, false
	}
	f, err := ParseForm(r)
	if err != nil {
		rn.Error(w, r, http.StatusBadRequest, err)
		return 0, nil, false
	}
	return id, f, true
}
