package password

import (
	"errors"
	"strings"
	"testing"

	"climatevolunteers/internal/web/i18n"
)

func TestCheck(t *testing.T) {
	personal := []string{"jean-baptiste.lefevre@example.fr", "Hélène Dupont"}
	cases := []struct {
		pw   string
		want error // nil: accepted
	}{
		// Too short, whatever else is wrong.
		{"", ErrTooShort},
		{"court", ErrTooShort},
		{"123456789", ErrTooShort},
		{"éléphant!", ErrTooShort}, // 9 characters, 11 bytes: characters count
		{strings.Repeat("ab1", 43), ErrTooLong},
		{"\xff\xfe invalide \xff", ErrInvalid},

		// The list, with case, accents, digits, symbols and look-alikes.
		{"motdepasse", ErrCommon},
		{"MotDePasse2024!", ErrCommon},
		{"Password123", ErrCommon},
		{"p@ssw0rd2024", ErrCommon},
		{"P4$$w0rd!!", ErrCommon},
		{"azertyuiop", ErrCommon},
		{"Azerty123456", ErrCommon},
		{"123azerty!!", ErrCommon},
		{"qwertyuiop", ErrCommon},
		{"1qaz2wsx3edc", ErrCommon},
		{"Soleil2024!", ErrCommon},
		{"soleil1990azerty", ErrCommon},
		{"paris2024!!", ErrCommon},
		{"Liberté1789", ErrCommon},
		{"jetaime1234", ErrCommon},
		{"Bienvenue01", ErrCommon},
		{"iloveyou2023", ErrCommon},
		{"sunshine99!", ErrCommon},
		{"Football1998", ErrCommon},
		{"Marseille13013", ErrCommon},
		{"climatevolunteers", ErrCommon},
		{"Volontaires2025", ErrCommon},
		{"trustno1trustno1", ErrCommon},
		{"azertyazerty", ErrCommon},
		{"chocolat!!!!", ErrCommon},

		// Patterns.
		{"aaaaaaaaaa", ErrCommon},
		{"1111111111", ErrCommon},
		{"!!!!!!!!!!!!", ErrCommon},
		{"abcabcabcabc", ErrCommon},
		{"0123456789", ErrCommon},
		{"9876543210", ErrCommon},
		{"abcdefghijk", ErrCommon},
		{"zyxwvutsrqp", ErrCommon},
		{"abcdefghij!", ErrCommon},
		{"abcdef123456", ErrCommon},
		{"ZZZZZZZZZZ", ErrCommon},
		{"éééééééééé", ErrCommon},

		// Personal details: email local part and its pieces, names, accents.
		{"jean-baptiste.lefevre", ErrContainsPersonal},
		{"moi-c-est-lefevre-42", ErrContainsPersonal},
		{"Baptiste a vu un ours", ErrContainsPersonal},
		{"helene fait du velo", ErrContainsPersonal},
		{"DUPONT sous la pluie", ErrContainsPersonal},

		// Good ones: long, not on the list, not predictable.
		{"cheval-bleu-tomate-nuage", nil}, // four words: a passphrase, not a stem
		{"correct horse battery staple", nil},
		{"Le chat dort sur le toit", nil},
		{"un vélo sous la neige", nil},
		{"Tr0ub4dor&3xz", nil},
		{"xk29fjq01mz", nil},
		{"ma grand-mère fait du rap", nil},
		{"ExamplePourLeDomaine", nil}, // the email's domain is not personal
		{strings.Repeat("ab1", 42) + "cd", nil},
	}
	for _, c := range cases {
		err := Check(c.pw, personal...)
		if c.want == nil {
			if err != nil {
				t.Errorf("Check(%q) = %v, want accepted", c.pw, err)
			}
			continue
		}
		if !errors.Is(err, c.want) {
			t.Errorf("Check(%q) = %v, want %v", c.pw, err, c.want)
		}
	}
}

// Short local parts: three characters count as a whole ("bob"), two do not
// ("jb" appears in too many good passwords to mean anything).
func TestShortPersonalDetails(t *testing.T) {
	if err := Check("jb lit des romans au lit", "jb@example.fr"); err != nil {
		t.Errorf("two-letter local part refused a password: %v", err)
	}
	if err := Check("bob regarde la mer", "bob@example.fr"); !errors.Is(err, ErrContainsPersonal) {
		t.Errorf("three-letter local part: %v", err)
	}
	if err := Check("un soir de juin 2025", "", "  "); err != nil {
		t.Errorf("blank personal details: %v", err)
	}
}

func TestPolicyErrorCarriesKeyAndArgs(t *testing.T) {
	err := Check("court")
	var pe *PolicyError
	if !errors.As(err, &pe) || pe.Key != KeyTooShort || len(pe.Args) != 1 || pe.Args[0] != MinLength {
		t.Fatalf("Check(short) = %#v", err)
	}
	if strings.Contains(err.Error(), "court") {
		t.Fatalf("error text %q contains the password", err)
	}
	if errors.Is(err, ErrCommon) {
		t.Fatal("keys are not told apart")
	}
}

func TestListIsLoaded(t *testing.T) {
	if n := len(commonSet); n < 300 {
		t.Fatalf("only %d entries in common.txt", n)
	}
	for w := range commonSet {
		if w != strings.ToLower(w) || w != unaccent(w) {
			t.Errorf("entry %q is not lower case without accents", w)
		}
	}
}

// Every key the policy returns exists in both languages.
func TestLocalesHaveEveryKey(t *testing.T) {
	cat, err := i18n.New(Locales)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Languages {
		if n := len(cat.Keys(lang)); n != 6 {
			t.Errorf("%s has %d keys, want 6", lang, n)
		}
		for _, k := range []string{KeyTooShort, KeyTooLong, KeyCommon, KeyContainsPersonal, KeyInvalid, KeyHint} {
			if msg := cat.T(lang, k, MinLength); strings.HasPrefix(msg, "[") || strings.Contains(msg, "{0}") {
				t.Errorf("%s: %s = %q", lang, k, msg)
			}
		}
	}
	if got := cat.T("en", KeyTooShort, MinLength); !strings.Contains(got, "10") {
		t.Errorf("min length not filled in: %q", got)
	}
}
