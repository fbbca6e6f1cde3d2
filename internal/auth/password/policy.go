package password

import (
	"strings"
	"unicode/utf8"
)

// Length bounds, in characters. Ten characters is where a password that is
// not on a list starts to resist online and offline guessing; 128 leaves room
// for passphrases while keeping the work done on input bounded.
const (
	MinLength = 10
	MaxLength = 128
)

// Catalog keys of the policy's messages (locales/*.json). Forms show them next
// to the password field.
const (
	KeyTooShort         = "password.too_short"         // {0}: MinLength
	KeyTooLong          = "password.too_long"          // {0}: MaxLength
	KeyCommon           = "password.common"            // on the list, or a predictable pattern
	KeyContainsPersonal = "password.contains_personal" // contains the email or a name
	KeyInvalid          = "password.invalid"           // not valid UTF-8 text
	KeyHint             = "password.hint"              // {0}: MinLength; shown under the field
)

// PolicyError tells why a new password is refused, as a catalog key and its
// arguments. Its text is the key: it never contains the password.
type PolicyError struct {
	Key  string
	Args []any
}

func (e *PolicyError) Error() string { return e.Key }

// Is makes errors.Is(err, ErrCommon) and the like compare keys only.
func (e *PolicyError) Is(target error) bool {
	t, ok := target.(*PolicyError)
	return ok && t.Key == e.Key
}

// Sentinels for errors.Is.
var (
	ErrTooShort         = &PolicyError{Key: KeyTooShort, Args: []any{MinLength}}
	ErrTooLong          = &PolicyError{Key: KeyTooLong, Args: []any{MaxLength}}
	ErrCommon           = &PolicyError{Key: KeyCommon}
	ErrContainsPersonal = &PolicyError{Key: KeyContainsPersonal}
	ErrInvalid          = &PolicyError{Key: KeyInvalid}
)

// Check applies the policy to a new password. personal lists what the
// account is known by (its email, display name...): a password containing
// one of them is refused, since that is the first thing an attacker tries.
// The first failing rule is returned, as a *PolicyError.
func Check(pw string, personal ...string) error {
	if !utf8.ValidString(pw) {
		return ErrInvalid
	}
	n := utf8.RuneCountInString(pw)
	if n < MinLength {
		return ErrTooShort
	}
	if n > MaxLength {
		return ErrTooLong
	}
	if IsCommon(pw) {
		return ErrCommon
	}
	if containsPersonal(unaccent(strings.ToLower(pw)), personal) {
		return ErrContainsPersonal
	}
	return nil
}

// minPersonalToken ignores short name parts ("li", "de"): refusing every
// password that contains them would refuse good ones for nothing.
const minPersonalToken = 4

func containsPersonal(lower string, personal []string) bool {
	for _, p := range personal {
		p = unaccent(strings.ToLower(strings.TrimSpace(p)))
		if p == "" {
			continue
		}
		// For an email, the local part is what people reuse; the domain
		// ("gmail", "orange") says nothing about them.
		if at := strings.LastIndexByte(p, '@'); at >= 0 {
			p = p[:at]
		}
		if utf8.RuneCountInString(p) >= 3 && strings.Contains(lower, p) {
			return true
		}
		if strings.Contains(p, lower) {
			return true
		}
		for _, tok := range strings.FieldsFunc(p, isSeparator) {
			if utf8.RuneCountInString(tok) >= minPersonalToken && strings.Contains(lower, tok) {
				return true
			}
		}
	}
	return false
}

func isSeparator(r rune) bool {
	return strings.ContainsRune(" .-_+'’,", r) || ('0' <= r && r <= '9')
}
