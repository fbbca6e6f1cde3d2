// Package password hashes passwords with argon2id and checks new ones against
// the platform's policy (length, common passwords, personal details).
//
// Passwords are never logged: nothing here formats one into an error.
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Params are argon2id's cost settings. They are written into every encoded
// hash, so they can be raised later: old hashes still verify, and Verify
// reports them as needing a rehash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes, each computed on its own goroutine
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams were chosen on the 2-core, 24 GiB server this platform is
// sized for, with BenchmarkHash (go test -run '^$' -bench Hash -benchmem
// -count 5 ./internal/auth/password; Go 1.26.8, amd64, 2 vCPU, 2026-11;
// median and range over the runs, other builds sharing the machine):
//
//	m=19 MiB t=2 p=1 (OWASP minimum)    27 ms/hash (26-37)   19 MiB
//	m=46 MiB t=1 p=1                    36 ms/hash (35-49)   46 MiB
//	m=64 MiB t=1 p=1 (chosen)           53 ms/hash (50-58)   64 MiB
//	m=64 MiB t=1 p=2                    50 ms/hash (31-60)   64 MiB, needs both cores free
//	m=64 MiB t=2 p=1                   101 ms/hash (100-113) 64 MiB
//
// m=64 MiB, t=1, p=1 costs about 50 ms: more memory per guess than the OWASP
// minimum (memory is what makes GPU and ASIC attacks on a stolen table
// expensive), yet quick for a person signing in. One lane per hash leaves the
// other core to a second sign-in or to page requests (p=2 only pays when that
// core is idle, as its spread shows). At most MaxConcurrent (2) hashes run at
// a time, so hashing holds at most 128 MiB with these parameters (old hashes
// verify with their own, bounded to 256 MiB), and a burst of sign-ins waits
// its turn instead of exhausting memory: BenchmarkHashBurst (8 goroutines)
// measured 25 ms per hash for the server as a whole (25-28), about 40
// sign-ins a second.
var DefaultParams = Params{Memory: 64 * 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// MaxConcurrent bounds how many hashes the default hasher computes at once:
// one per core.
const MaxConcurrent = 2

// MaxBytes is the longest password hashed at all: the UTF-8 size of
// MaxLength characters. Longer input is refused before any work is done.
const MaxBytes = 4 * MaxLength

// Errors. Callers show a generic message for all of them: a malformed stored
// hash is the operator's problem, not the visitor's.
var (
	ErrMalformed  = errors.New("password: malformed hash")
	ErrBadParams  = errors.New("password: hash parameters out of bounds")
	ErrIncompat   = errors.New("password: unsupported hash algorithm or version")
	ErrInputLarge = errors.New("password: input too large to hash")
)

// Hasher computes and verifies hashes with one set of parameters, allowing a
// bounded number at a time: each hash holds Params.Memory while it runs.
type Hasher struct {
	params Params
	sem    chan struct{}
	// derive is argon2.IDKey; tests replace it to watch concurrency.
	derive func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte
}

// NewHasher returns a hasher computing at most maxConcurrent hashes at once
// (at least one).
func NewHasher(p Params, maxConcurrent int) *Hasher {
	if maxConcurrent < 1 {
		maxConcurrent = 1
	}
	return &Hasher{params: p, sem: make(chan struct{}, maxConcurrent), derive: argon2.IDKey}
}

// Default is the process-wide hasher: the concurrency bound only protects
// memory if every hash in the process goes through the same one.
var Default = NewHasher(DefaultParams, MaxConcurrent)

// Hash encodes pw with the default hasher.
func Hash(pw string) (string, error) { return Default.Hash(context.Background(), pw) }

// HashContext is Hash giving up when ctx ends while waiting for a turn.
func HashContext(ctx context.Context, pw string) (string, error) { return Default.Hash(ctx, pw) }

// Verify checks pw against an encoded hash with the default hasher.
func Verify(pw, encoded string) (ok, needsRehash bool, err error) {
	return Default.Verify(context.Background(), pw, encoded)
}

// VerifyContext is Verify giving up when ctx ends while waiting for a turn.
func VerifyContext(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error) {
	return Default.Verify(ctx, pw, encoded)
}

// Params returns the parameters new hashes get.
func (h *Hasher) Params() Params { return h.params }

// Hash returns pw's PHC-format encoding:
// $argon2id$v=19$m=65536,t=1,p=1$<salt>$<key>, base64 without padding.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	if len(pw) > MaxBytes {
		return "", ErrInputLarge
	}
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key, err := h.run(ctx, pw, salt, h.params)
	if err != nil {
		return "", err
	}
	return encode(h.params, salt, key), nil
}

// Verify reports whether pw matches encoded, comparing in constant time, and
// whether the hash should be replaced (it was made with other parameters).
// A malformed or out-of-bounds encoding is an error, never a panic.
func (h *Hasher) Verify(ctx context.Context, pw, encoded string) (ok, needsRehash bool, err error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if len(pw) > MaxBytes {
		// No password this long was ever accepted: nothing to compare.
		return false, false, nil
	}
	got, err := h.run(ctx, pw, salt, p)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != h.params, nil
}

// run waits for a turn, then derives the key. The password is normalised to
// NFC so that "é" typed as one code point or as e + accent (keyboards and
// systems differ) is the same password.
func (h *Hasher) run(ctx context.Context, pw string, salt []byte, p Params) ([]byte, error) {
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.sem }()
	// A turn may be granted just as ctx ends; the caller has gone, so skip the work.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return h.derive(norm.NFC.Bytes([]byte(pw)), salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}
