package initiatives

import (
	"strings"
	"testing"
)

func TestStemTextMeetsVariants(t *testing.T) {
	// Each group of words must reach one and the same text.
	for _, group := range [][]string{
		{"Jardin partagé", "jardins partagés", "JARDINS PARTAGES", "jardin partage"},
		{"Événements", "evenement", "ÉVÈNEMENT"},
		{"l'écologie", "L’écologie", "ecologie", "écologique"},
		{"cœur", "coeurs", "Cœurs"},
		{"vélo", "vélos", "velo"},
		{"réparation", "réparations", "réparer"},
		{"jeux", "jeu"},
		{"amis", "ami"},
	} {
		want := stemText(group[0])
		if want == "" {
			t.Errorf("%q stems to nothing", group[0])
		}
		for _, s := range group[1:] {
			if got := stemText(s); got != want {
				t.Errorf("%q -> %q, but %q -> %q", s, got, group[0], want)
			}
		}
	}
}

func TestStemTextDropsStopWordsAndPunctuation(t *testing.T) {
	for in, want := range map[string]string{
		"":                             "",
		"de la, du et les...":          "",
		"Le jardin de la rue":          "jardin ru",
		"vélo-école":                   "velo ecol",
		"<script>alert(1)</script>":    "script alert script",
		"a b c 7":                      "",
		"Paris 11e, 2026":              "pari 11e 2026",
		"\"quoted\" (NEAR) * - ^ : {}": "quoted near",
	} {
		if got := stemText(in); got != want {
			t.Errorf("stemText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMatchExprQuotesEveryWord(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"   ":                   "",
		`"`:                     "",
		"*":                     "",
		"jardins partagés":      `"jardin" "partag"`,
		`NEAR(jardin, 2)`:       `"near" "jardin"`,
		`-vélo OR "compost"*`:   `"velo" "or" "compost"`,
		"title:jardin ^atelier": `"titl" "jardin" "ateli"`,
	} {
		got := matchExpr(in)
		if got != want {
			t.Errorf("matchExpr(%q) = %s, want %s", in, got, want)
		}
		// Outside the quotes there are only spaces.
		outside := ""
		for i, part := range strings.Split(got, `"`) {
			if i%2 == 0 {
				outside += part
			}
		}
		if strings.TrimSpace(outside) != "" {
			t.Errorf("matchExpr(%q) leaves %q outside quotes", in, outside)
		}
	}
}
