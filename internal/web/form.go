package web

import (
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Form carries submitted values back to the page with the errors found, so
// nothing typed is lost when the server refuses it. Errors are catalog keys.
type Form struct {
	Values url.Values
	Errors map[string]FieldError
	order  []string
}

// FieldError is a catalog key and its arguments.
type FieldError struct {
	Key  string
	Args []any
}

// NewForm wraps submitted values (nil for an empty form).
func NewForm(v url.Values) *Form {
	if v == nil {
		v = url.Values{}
	}
	return &Form{Values: v, Errors: map[string]FieldError{}}
}

// ParseForm reads a submitted form within the body limit. A body that is too
// large comes back as an *http.MaxBytesError, which Renderer.Error turns into
// a 413 page.
func ParseForm(r *http.Request) (*Form, error) {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, mbe
		}
		return nil, err
	}
	return NewForm(r.PostForm), nil
}

// Get returns a field's value, trimmed.
func (f *Form) Get(field string) string { return strings.TrimSpace(f.Values.Get(field)) }

// AddError records the first error of a field; later ones are dropped so each
// field shows one clear message.
func (f *Form) AddError(field, key string, args ...any) {
	if _, ok := f.Errors[field]; ok {
		return
	}
	f.Errors[field] = FieldError{Key: key, Args: args}
	f.order = append(f.order, field)
}

// Valid reports whether no error was recorded.
func (f *Form) Valid() bool { return len(f.Errors) == 0 }

// ErrorFields lists fields with errors in the order found, for the summary
// at the top of the form, which links to each field.
func (f *Form) ErrorFields() []string { return f.order }

// Error returns a field's error, if any (for templates).
func (f *Form) Error(field string) *FieldError {
	if e, ok := f.Errors[field]; ok {
		return &e
	}
	return nil
}

// Required checks that field is not blank.
func (f *Form) Required(field string) bool {
	if f.Get(field) == "" {
		f.AddError(field, "form.error.required")
		return false
	}
	return true
}

// MaxLen checks a field's length in characters.
func (f *Form) MaxLen(field string, n int) bool {
	if utf8.RuneCountInString(f.Get(field)) > n {
		f.AddError(field, "form.error.too_long", n)
		return false
	}
	return true
}

// Email checks that field holds one plain address.
func (f *Form) Email(field string) bool {
	v := f.Get(field)
	if v == "" {
		return true
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.IndexByte(v, '@'):], ".") {
		f.AddError(field, "form.error.email")
		return false
	}
	return true
}

// OneOf checks that field is one of the allowed values.
func (f *Form) OneOf(field string, allowed ...string) bool {
	v := f.Get(field)
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	f.AddError(field, "form.error.choice")
	return false
}

// SafeLocalPath returns p when it is a path on this site, else fallback:
// redirect targets taken from forms must never send people elsewhere.
func SafeLocalPath(p, fallback string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return fallback
	}
	u, err := url.Parse(p)
	if err != nil || u.IsAbs() || u.Host != "" {
		return fallback
	}
	return p
}
