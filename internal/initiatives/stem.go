package initiatives

import (
	"strings"
	"unicode"

	"github.com/kljensen/snowball/french"
	"golang.org/x/text/unicode/norm"
)

// stemText turns French text into the words search compares: lower-cased,
// accents folded, French stop words dropped, each word reduced to its
// Snowball stem, separated by spaces. Stored text and queries go through it
// alike, so "Jardins partagés" and "jardin partage" meet on "jardin partag".
func stemText(s string) string { return strings.Join(stems(s), " ") }

// stems is stemText's list of words.
func stems(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		w = strings.ToLower(w)
		if french.IsStopWord(w) || moreStopWords[w] {
			continue
		}
		// Accents go before stemming: a query typed without them must
		// reach the same stem as the accented text ("evenement").
		w = fold(w)
		if len(w) < 2 || french.IsStopWord(w) || moreStopWords[w] {
			continue
		}
		out = append(out, french.Stem(singular(w), true))
	}
	return out
}

// singular drops a plural ending that Snowball keeps ("vélos", "amis",
// "jeux"), so that singular and plural meet. Applied to both sides of a
// search, an odd cut ("bois" -> "boi") costs nothing.
func singular(w string) string {
	switch {
	case len(w) <= 3:
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	case strings.HasSuffix(w, "eux"):
		return w[:len(w)-1]
	}
	return w
}

// moreStopWords are common words Snowball's French list leaves out.
var moreStopWords = map[string]bool{"les": true, "cet": true, "cette": true, "dont": true, "où": true, "ou": true}

// ligatures are letters that no decomposition splits.
var ligatures = strings.NewReplacer("œ", "oe", "æ", "ae", "ß", "ss")

// fold removes accents and other combining marks.
func fold(w string) string {
	w = ligatures.Replace(w)
	ascii := true
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return w
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// matchExpr turns a visitor's query into a safe FTS5 expression: every
// stem quoted as a string (so "NEAR", "*", "-", ":" or brackets are words,
// never syntax), all of them required. "" when nothing is left to search.
func matchExpr(q string) string {
	ss := stems(q)
	for i, s := range ss {
		ss[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return strings.Join(ss, " ")
}
