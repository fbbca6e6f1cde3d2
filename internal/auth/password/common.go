package password

import (
	_ "embed"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// common.txt is the project's own list of passwords and password stems that
// people pick first: keyboard walks (AZERTY and QWERTY), "password" and
// "motdepasse" variants, and French and English words, names, teams and
// places. One entry a line, lower case without accents; "#" starts a comment.
//
//go:embed common.txt
var commonText string

var commonSet = parseList(commonText)

func parseList(text string) map[string]struct{} {
	set := map[string]struct{}{}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		if line = strings.TrimSpace(line); line != "" {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
}

func listed(s string) bool {
	_, ok := commonSet[s]
	return ok
}

// IsCommon reports whether pw is among any attacker's first guesses, ignoring
// case and accents:
//   - a listed entry, possibly with digits or symbols before or after it
//     ("Soleil2024!", "123azerty") or with look-alike signs ("p@ssw0rd");
//   - one character or a short unit repeated ("aaaaaaaaaa", "abcabcabc");
//   - a run of consecutive characters ("0123456789", "zyxwvutsrq");
//   - nothing but such pieces, at most two words and short digit groups
//     ("soleil1990azerty", "abcdef123456").
func IsCommon(pw string) bool {
	lower := strings.ToLower(pw)
	for _, folded := range []string{lower, unaccent(lower)} {
		for _, v := range []string{folded, unLeet(folded)} {
			if isPattern(v) || isPattern(strings.TrimRight(v, symbols)) || isComposite(v) {
				return true
			}
			for _, s := range stems(v) {
				if listed(s) {
					return true
				}
			}
		}
	}
	return false
}

// symbols are what people add around a word to satisfy "one special character".
const (
	symbols = "!?.,;:*#@$%&_-+=~^/\\|()[]{}<>'\"` "
	digits  = "0123456789"
)

// stems lists s and s stripped of the digits and symbols around it.
func stems(s string) []string {
	out := []string{s}
	for _, t := range []string{
		strings.TrimRight(s, symbols),
		strings.TrimRight(s, digits+symbols),
		strings.TrimLeft(s, digits+symbols),
		strings.Trim(s, digits+symbols),
	} {
		if t != "" && t != s {
			out = append(out, t)
		}
	}
	return out
}

// leet maps look-alike digits and signs back to letters. "1" is read as "i"
// ("adm1n" is common, "passw1rd" is not).
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "8", "b", "@", "a", "$", "s", "€", "e")

// unLeet replaces look-alikes inside the word only: digits and signs at the
// ends are the usual prefixes and suffixes, which stems removes.
func unLeet(s string) string {
	start := len(s) - len(strings.TrimLeft(s, digits+symbols))
	end := len(strings.TrimRight(s, digits+symbols))
	if start >= end {
		return s
	}
	return s[:start] + leet.Replace(s[start:end]) + s[end:]
}

// unaccent drops combining marks: "liberté" and "liberte" are one guess.
func unaccent(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPattern: one short unit repeated, or a run of consecutive characters.
func isPattern(s string) bool {
	runes := []rune(s)
	return len(runes) >= 3 && (isRepeated(runes) || isRun(runes))
}

// isRepeated reports whether s is a unit repeated at least twice, where the
// unit is short ("aaaa", "abab", "123123"), a run or itself listed
// ("azertyazerty").
func isRepeated(runes []rune) bool {
	n := len(runes)
	for size := 1; size <= n/2; size++ {
		if n%size != 0 {
			continue
		}
		unit := string(runes[:size])
		if strings.Repeat(unit, n/size) != string(runes) {
			continue
		}
		if size <= 3 || isRun(runes[:size]) || listed(unit) {
			return true
		}
	}
	return false
}

// isRun reports whether each character is the previous one plus one, or
// each minus one: "abcdef", "0123456789", "987654".
func isRun(runes []rune) bool {
	if len(runes) < 3 {
		return false
	}
	step := runes[1] - runes[0]
	if step != 1 && step != -1 {
		return false
	}
	for i := 2; i < len(runes); i++ {
		if runes[i]-runes[i-1] != step {
			return false
		}
	}
	return true
}

// isComposite reports whether s is made only of predictable pieces: listed
// words (two at most: four random common words make a good passphrase),
// runs, repeats, digit groups of up to four (years, birthdays) and symbols.
func isComposite(s string) bool {
	words, pieces := 0, 0
	for _, seg := range segments(s) {
		switch {
		case strings.Trim(seg, symbols) == "":
			continue
		case isPattern(seg), strings.Trim(seg, digits) == "" && len(seg) <= 4:
		case listed(seg):
			words++
		default:
			return false
		}
		pieces++
	}
	return pieces > 0 && words <= 2
}

// segments cuts s where it changes between letters, digits and other signs.
func segments(s string) []string {
	class := func(r rune) int {
		switch {
		case unicode.IsDigit(r):
			return 1
		case unicode.IsLetter(r):
			return 2
		}
		return 3
	}
	var out []string
	start, prev := 0, -1
	for i, r := range s {
		c := class(r)
		if prev != -1 && c != prev {
			out = append(out, s[start:i])
			start = i
		}
		prev = c
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}
