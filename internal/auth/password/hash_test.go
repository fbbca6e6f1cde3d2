package password

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// cheap keeps unit tests fast; the real parameters are exercised once.
var cheap = Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashRoundTrip(t *testing.T) {
	enc, err := Hash("un vélo, deux vélos, trois")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=65536,t=1,p=1$") {
		t.Fatalf("encoding %q does not carry the default parameters", enc)
	}
	ok, rehash, err := Verify("un vélo, deux vélos, trois", enc)
	if err != nil || !ok || rehash {
		t.Fatalf("Verify(right) = %v, %v, %v", ok, rehash, err)
	}
	ok, _, err = Verify("un vélo, deux vélos, trois!", enc)
	if err != nil || ok {
		t.Fatalf("Verify(wrong) = %v, %v", ok, err)
	}
	again, _ := Hash("un vélo, deux vélos, trois")
	if again == enc {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
}

func TestVerifyNormalisesUnicode(t *testing.T) {
	h := NewHasher(cheap, 1)
	ctx := context.Background()
	enc, err := h.Hash(ctx, "caf\u00e9 au lait")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _, err := h.Verify(ctx, "cafe\u0301 au lait", enc); !ok || err != nil {
		t.Fatalf("decomposed é refused: %v, %v", ok, err)
	}
}

func TestNeedsRehash(t *testing.T) {
	ctx := context.Background()
	old := NewHasher(cheap, 1)
	enc, err := old.Hash(ctx, "ancien paramètre")
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, _ := old.Verify(ctx, "ancien paramètre", enc); !ok || rehash {
		t.Fatalf("same params: ok=%v rehash=%v", ok, rehash)
	}
	stronger := cheap
	stronger.Time = 2
	cur := NewHasher(stronger, 1)
	if ok, rehash, err := cur.Verify(ctx, "ancien paramètre", enc); !ok || !rehash || err != nil {
		t.Fatalf("older params: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	// A wrong password never asks for a rehash: nothing to rehash with.
	if ok, rehash, _ := cur.Verify(ctx, "autre chose", enc); ok || rehash {
		t.Fatalf("wrong password: ok=%v rehash=%v", ok, rehash)
	}
}

func TestTamperedEncodingsAreErrors(t *testing.T) {
	h := NewHasher(cheap, 1)
	ctx := context.Background()
	good, err := h.Hash(ctx, "mot de passe valable")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$") // "", argon2id, v=19, m=..., salt, key
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	cases := map[string]struct {
		enc  string
		want error
	}{
		"empty":            {"", ErrMalformed},
		"plain text":       {"mot de passe valable", ErrMalformed},
		"bcrypt":           {"$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01", ErrMalformed},
		"argon2i":          {with(1, "argon2i"), ErrIncompat},
		"version 16":       {with(2, "v=16"), ErrIncompat},
		"extra field":      {good + "$x", ErrMalformed},
		"missing key":      {strings.Join(parts[:5], "$"), ErrMalformed},
		"order":            {with(3, "t=1,m=1024,p=1"), ErrMalformed},
		"two params":       {with(3, "m=1024,t=1"), ErrMalformed},
		"sign":             {with(3, "m=+1024,t=1,p=1"), ErrMalformed},
		"negative":         {with(3, "m=1024,t=-1,p=1"), ErrMalformed},
		"hex":              {with(3, "m=0x400,t=1,p=1"), ErrMalformed},
		"overflow":         {with(3, "m=99999999999,t=1,p=1"), ErrMalformed},
		"threads overflow": {with(3, "m=1024,t=1,p=300"), ErrMalformed},
		"huge memory":      {with(3, "m=262145,t=1,p=1"), ErrBadParams},
		"zero time":        {with(3, "m=1024,t=0,p=1"), ErrBadParams},
		"long time":        {with(3, "m=1024,t=1000,p=1"), ErrBadParams},
		"zero threads":     {with(3, "m=1024,t=1,p=0"), ErrBadParams},
		"tiny memory":      {with(3, "m=4,t=1,p=1"), ErrBadParams},
		"salt not base64":  {with(4, "!!!!"), ErrMalformed},
		"padded key":       {with(5, parts[5]+"="), ErrMalformed},
		"short salt":       {with(4, "YWJj"), ErrBadParams},
		"short key":        {with(5, "YWJjZGVm"), ErrBadParams},
		"empty key":        {with(5, ""), ErrBadParams},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			ok, rehash, err := h.Verify(ctx, "mot de passe valable", c.enc)
			if ok || rehash || !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, %v, %v; want %v", ok, rehash, err, c.want)
			}
		})
	}
	// A changed key is well-formed: it simply does not match.
	key := []byte(parts[5])
	if key[3] == 'A' {
		key[3] = 'B'
	} else {
		key[3] = 'A'
	}
	if ok, _, err := h.Verify(ctx, "mot de passe valable", with(5, string(key))); ok || err != nil {
		t.Fatalf("flipped key bit: ok=%v err=%v", ok, err)
	}
}

func TestOversizedInput(t *testing.T) {
	h := NewHasher(cheap, 1)
	ctx := context.Background()
	huge := strings.Repeat("x", MaxBytes+1)
	if _, err := h.Hash(ctx, huge); !errors.Is(err, ErrInputLarge) {
		t.Fatalf("Hash(huge) err = %v", err)
	}
	enc, _ := h.Hash(ctx, "raisonnable et long")
	if ok, _, err := h.Verify(ctx, huge, enc); ok || err != nil {
		t.Fatalf("Verify(huge) = %v, %v", ok, err)
	}
}

// At most maxConcurrent derivations run at once, whatever the number of
// callers; the others wait their turn and all finish.
func TestConcurrencyBound(t *testing.T) {
	const bound, callers = 2, 7
	h := NewHasher(cheap, bound)
	var active, peak atomic.Int32
	entered := make(chan struct{})
	release := make(chan struct{})
	h.derive = func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		n := active.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		entered <- struct{}{}
		<-release
		active.Add(-1)
		return make([]byte, keyLen)
	}
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, err := h.Hash(context.Background(), "une phrase de passe"); err != nil {
				t.Error(err)
			}
		})
	}
	// The first `bound` callers get in together, without anyone leaving.
	for range bound {
		<-entered
	}
	if len(h.sem) != bound {
		t.Fatalf("semaphore holds %d turns, want %d", len(h.sem), bound)
	}
	// Then each departure lets exactly one more in.
	for range callers - bound {
		release <- struct{}{}
		<-entered
		if n := active.Load(); n > bound {
			t.Fatalf("%d hashes at once, bound is %d", n, bound)
		}
	}
	for range bound {
		release <- struct{}{}
	}
	wg.Wait()
	if p := peak.Load(); p != bound {
		t.Fatalf("peak %d hashes at once, want exactly the bound %d", p, bound)
	}
}

// A caller waiting for a turn gives up when its context ends.
func TestWaitRespectsContext(t *testing.T) {
	h := NewHasher(cheap, 1)
	h.sem <- struct{}{} // every turn taken
	defer func() { <-h.sem }()

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "une phrase de passe"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Hash while full: %v", err)
	}
	enc := "$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	done, stop := context.WithCancel(context.Background())
	stop()
	if ok, _, err := h.Verify(done, "x", enc); ok || !errors.Is(err, context.Canceled) {
		t.Fatalf("Verify with cancelled ctx: %v, %v", ok, err)
	}
}
