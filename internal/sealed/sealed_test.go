package sealed_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/quick"

	"climatevolunteers/internal/sealed"
)

func newRing(t *testing.T) *sealed.Keyring {
	t.Helper()
	k, err := sealed.Load("", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTrip(t *testing.T) {
	k := newRing(t)
	for _, pt := range []string{"", "a", "Marie Dupont", "06 12 34 56 78", "12 rue de Belleville, 75020 Paris", strings.Repeat("é", 5000)} {
		aad := sealed.Place("registry_people", 42, "name")
		s, err := k.SealString(pt, aad)
		if err != nil {
			t.Fatal(err)
		}
		if s == "" || strings.ContainsAny(s, "+/=") {
			t.Errorf("sealed text %q is not unpadded base64url", s)
		}
		got, err := k.OpenString(s, aad)
		if err != nil || got != pt {
			t.Errorf("OpenString = %q, %v; want %q", got, err, pt)
		}

		b, err := k.Seal([]byte(pt), nil)
		if err != nil {
			t.Fatal(err)
		}
		gotb, err := k.Open(b, nil)
		if err != nil || !bytes.Equal(gotb, []byte(pt)) || gotb == nil {
			t.Errorf("Open = %q, %v; want %q (non-nil)", gotb, err, pt)
		}
	}
}

func TestFreshNonceEachTime(t *testing.T) {
	k := newRing(t)
	hdr := 2 + len(k.PrimaryID())
	seen := map[string]bool{}
	for range 100 {
		b, err := k.Seal([]byte("same"), []byte("same"))
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(b[hdr : hdr+12])
		if seen[nonce] {
			t.Fatal("nonce repeated")
		}
		seen[nonce] = true
	}
}

func TestWrongPlace(t *testing.T) {
	k := newRing(t)
	s, _ := k.SealString("0612345678", sealed.Place("registry_people", 42, "phone"))
	for _, aad := range []string{
		sealed.Place("registry_people", 43, "phone"),           // another row
		sealed.Place("registry_people", 42, "emergency"),       // another column
		sealed.Place("volunteers", 42, "phone"),                // another table
		"", sealed.Place("registry_people", 42, "phone") + " ", // none, or almost
	} {
		if _, err := k.OpenString(s, aad); !errors.Is(err, sealed.ErrAuth) {
			t.Errorf("aad %q: err = %v, want ErrAuth", aad, err)
		}
	}
}

func TestTamperedAndTruncated(t *testing.T) {
	k := newRing(t)
	aad := []byte("registry_people:1:address")
	b, _ := k.Seal([]byte("3 place de la République"), aad)
	hdr := 2 + len(k.PrimaryID())
	for i := range b {
		for _, bit := range []byte{0x01, 0x80} {
			c := bytes.Clone(b)
			c[i] ^= bit
			_, err := k.Open(c, aad)
			if err == nil {
				t.Fatalf("byte %d ^ %#x: opened", i, bit)
			}
			if i >= hdr && !errors.Is(err, sealed.ErrAuth) {
				t.Errorf("byte %d (nonce, ciphertext or tag): err = %v, want ErrAuth", i, err)
			}
			if i == 0 && !errors.Is(err, sealed.ErrMalformed) {
				t.Errorf("version byte: err = %v, want ErrMalformed", err)
			}
		}
	}
	for n := range len(b) {
		_, err := k.Open(b[:n], aad)
		want := sealed.ErrAuth
		if n < hdr+12+16 {
			want = sealed.ErrMalformed
		}
		if !errors.Is(err, want) {
			t.Errorf("truncated to %d bytes: err = %v, want %v", n, err, want)
		}
	}
	if _, err := k.Open(append(bytes.Clone(b), 0), aad); !errors.Is(err, sealed.ErrAuth) {
		t.Errorf("extended: err = %v, want ErrAuth", err)
	}
	for _, s := range []string{"", "not base64!", "AQ", base64.RawURLEncoding.EncodeToString(b) + "="} {
		if _, err := k.OpenString(s, string(aad)); !errors.Is(err, sealed.ErrMalformed) {
			t.Errorf("OpenString(%q): err = %v, want ErrMalformed", s, err)
		}
	}
}

func TestUnknownKey(t *testing.T) {
	a, b := newRing(t), newRing(t)
	s, _ := a.SealString("Marie", "p")
	_, err := b.OpenString(s, "p")
	if !errors.Is(err, sealed.ErrUnknownKey) {
		t.Fatalf("err = %v, want ErrUnknownKey", err)
	}
	if !strings.Contains(err.Error(), a.PrimaryID()) {
		t.Errorf("error %q does not name the key id", err)
	}
	if _, _, err := b.Reseal(s, "p"); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("Reseal: err = %v, want ErrUnknownKey", err)
	}
}

func TestZeroValues(t *testing.T) {
	for name, k := range map[string]*sealed.Keyring{"nil": nil, "zero": new(sealed.Keyring)} {
		if _, err := k.Seal([]byte("x"), nil); !errors.Is(err, sealed.ErrNoKey) {
			t.Errorf("%s Seal: %v", name, err)
		}
		if _, err := k.Open([]byte("x"), nil); !errors.Is(err, sealed.ErrNoKey) {
			t.Errorf("%s Open: %v", name, err)
		}
		if _, err := k.SealString("x", ""); !errors.Is(err, sealed.ErrNoKey) {
			t.Errorf("%s SealString: %v", name, err)
		}
		if _, err := k.OpenString("x", ""); !errors.Is(err, sealed.ErrNoKey) {
			t.Errorf("%s OpenString: %v", name, err)
		}
		if _, _, err := k.Reseal("x", ""); !errors.Is(err, sealed.ErrNoKey) {
			t.Errorf("%s Reseal: %v", name, err)
		}
		if _, err := k.Rotate(t.TempDir()); !errors.Is(err, sealed.ErrNoKey) {
			t.Errorf("%s Rotate: %v", name, err)
		}
		if k.PrimaryID() != "" || k.IDs() != nil {
			t.Errorf("%s: ids %q %v", name, k.PrimaryID(), k.IDs())
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s Blind did not panic", name)
				}
			}()
			k.Blind("phone", []byte("x"))
		}()
	}
	// Empty plaintext and empty AAD are ordinary values.
	k := newRing(t)
	s, err := k.SealString("", "")
	if err != nil || s == "" {
		t.Fatalf("SealString empty = %q, %v", s, err)
	}
	if got, err := k.OpenString(s, ""); err != nil || got != "" {
		t.Errorf("OpenString = %q, %v", got, err)
	}
}

func TestBlind(t *testing.T) {
	k := newRing(t)
	a := k.Blind("person.phone", []byte("+33612345678"))
	if a != k.Blind("person.phone", []byte("+33612345678")) {
		t.Error("not deterministic")
	}
	if len(a) != 43 || strings.Contains(a, "3361") {
		t.Errorf("Blind = %q", a)
	}
	if a == k.Blind("person.phone", []byte("+33612345679")) {
		t.Error("different values collide")
	}
	if a == k.Blind("person.name", []byte("+33612345678")) {
		t.Error("kinds not separated")
	}
	// The length prefix keeps kind and value apart.
	if k.Blind("ab", []byte("c")) == k.Blind("a", []byte("bc")) {
		t.Error("kind/value boundary ambiguous")
	}
	if a == newRing(t).Blind("person.phone", []byte("+33612345678")) {
		t.Error("another keyring gives the same hash")
	}
}

func TestPlace(t *testing.T) {
	if got := sealed.Place("registry_people", 42, "phone"); got != "registry_people:42:phone" {
		t.Errorf("Place = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("Place accepted ':' in a name")
		}
	}()
	sealed.Place("a:b", 1, "c")
}

func TestStringHidesKeys(t *testing.T) {
	env := "k1:" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	k, err := sealed.Load(env, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, k)
		if strings.Contains(out, "BwcH") || !strings.Contains(out, "k1") {
			t.Errorf("%s: %q", verb, out)
		}
	}
}

// Property: any plaintext and AAD round-trip; any other AAD, and any single
// flipped bit, is refused.
func TestProperty(t *testing.T) {
	k := newRing(t)
	rng := rand.New(rand.NewPCG(1, 2))
	f := func(pt, aad []byte, other []byte) bool {
		b, err := k.Seal(pt, aad)
		if err != nil {
			return false
		}
		got, err := k.Open(b, aad)
		if err != nil || !bytes.Equal(got, pt) {
			return false
		}
		if !bytes.Equal(other, aad) {
			if _, err := k.Open(b, other); !errors.Is(err, sealed.ErrAuth) {
				return false
			}
		}
		c := bytes.Clone(b)
		i := rng.IntN(len(c))
		c[i] ^= 1 << rng.IntN(8)
		_, err = k.Open(c, aad)
		return err != nil
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 2000}); err != nil {
		t.Error(err)
	}
	g := func(pt, aad string) bool {
		s, err := k.SealString(pt, aad)
		if err != nil {
			return false
		}
		got, err := k.OpenString(s, aad)
		return err == nil && got == pt
	}
	if err := quick.Check(g, &quick.Config{MaxCount: 2000}); err != nil {
		t.Error(err)
	}
}
