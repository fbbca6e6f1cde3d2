// Package sealed encrypts individual database fields (the registry of
// vulnerable people) with AES-256-GCM under a ring of rotatable keys, and
// computes keyed "blind" hashes so that rows can be found by a value that is
// never stored in clear.
//
// # Keys
//
// A Keyring holds 32-byte keys, each with a short id. The primary key (the
// newest, listed first) seals; every key opens. Load takes the keys from
// CV_SECRET_KEY when it is set, otherwise from <dataDir>/secret.keys, which it
// creates on first run.
//
// CV_SECRET_KEY is a comma-separated list of entries, newest first. An entry
// is "id:BASE64" or a bare "BASE64": exactly 32 bytes in base64 (standard or
// URL alphabet, padding optional). An id is 1 to 32 letters, digits, '-', '_'
// or '.'; a bare key's id is derived from the key itself (8 hex digits), so
// the same key keeps the same id wherever it is written. The entry
// "index:BASE64" is the blind-index key (below). Examples:
//
//	CV_SECRET_KEY=$(openssl rand -base64 32)
//	CV_SECRET_KEY="k2:BASE64,k1:BASE64,index:BASE64"
//
// secret.keys holds the same entries, one per line, newest first; blank lines
// and lines starting with '#' are ignored. It must be readable by its owner
// only (0600): Load refuses it otherwise. When CV_SECRET_KEY is set the file
// is neither read nor created.
//
// # Rotation
//
// Rotate puts a new primary key at the top of secret.keys; older keys stay so
// existing values still open, and Reseal moves a value to the primary key.
// Once every value has been resealed an old key line may be deleted. A running
// server keeps the keys it loaded: restart it after a rotation. With
// CV_SECRET_KEY, rotate by putting a new entry first in the variable.
//
// # Blind index
//
// Blind hashes use the "index" key, which never rotates: a lookup column must
// not change when the encryption keys do. The generated file always has one.
// Without an index entry the index key is derived (HKDF-SHA256) from the last,
// oldest key, which then must stay listed even after its values are resealed;
// Rotate writes that derived key into the file so the rule only binds
// CV_SECRET_KEY. When moving from the file to the variable, copy the index line.
//
// # Sealed values
//
//	version (1 byte, = 1) | id length (1) | key id | nonce (12) | ciphertext | GCM tag (16)
//
// GCM authenticates the header followed by the caller's AAD, so a value cannot
// be moved to another key id, row or column (see Place). SealString and
// OpenString carry the same bytes as unpadded base64url, for TEXT columns.
// Nonces are random: a key should seal well under 2^32 values, far beyond a
// city registry, and rotation resets the count.
package sealed

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

const (
	version   = 1
	nonceSize = 12
	tagSize   = 16
)

// Errors from Open, OpenString and Reseal; they never contain the value.
var (
	// ErrMalformed: not a sealed value at all (bad encoding, truncated, or an
	// unknown format version).
	ErrMalformed = errors.New("sealed: malformed value")
	// ErrUnknownKey: sealed under a key id this keyring does not hold.
	ErrUnknownKey = errors.New("sealed: value sealed with an unknown key")
	// ErrAuth: the value was altered, or is opened with another AAD than it
	// was sealed with (another row or column). GCM cannot tell these apart.
	ErrAuth = errors.New("sealed: value failed authentication (tampered, or read from another place)")
	// ErrNoKey: the Keyring is nil or was not made by Load.
	ErrNoKey = errors.New("sealed: keyring has no keys")
)

// Place is the AAD of a field: "table:rowID:column", e.g. Place("registry_people",
// 42, "phone"). The row id must be known before sealing (seal after the
// INSERT in the same transaction, or use an id chosen beforehand). table and
// column are constants of the code; a ':' in them would make places ambiguous,
// so it panics.
func Place(table string, rowID int64, column string) string {
	if strings.Contains(table, ":") || strings.Contains(column, ":") {
		panic("sealed.Place: table and column must not contain ':'")
	}
	return table + ":" + strconv.FormatInt(rowID, 10) + ":" + column
}

// Seal encrypts plaintext under the primary key, bound to aad.
func (k *Keyring) Seal(plaintext, aad []byte) ([]byte, error) {
	s := k.load()
	if s == nil {
		return nil, ErrNoKey
	}
	return s.seal(plaintext, aad), nil
}

// Open decrypts a value made by Seal with the same aad.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	s := k.load()
	if s == nil {
		return nil, ErrNoKey
	}
	pt, _, err := s.open(sealed, aad)
	return pt, err
}

// SealString is Seal for a TEXT column: unpadded base64url. The empty string
// seals to a non-empty value; store NULL for a missing field instead.
func (k *Keyring) SealString(plaintext, aad string) (string, error) {
	b, err := k.Seal([]byte(plaintext), []byte(aad))
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// OpenString reverses SealString. An empty input is ErrMalformed, so a value
// wiped in the database is noticed rather than read as "".
func (k *Keyring) OpenString(sealed, aad string) (string, error) {
	s := k.load()
	if s == nil {
		return "", ErrNoKey
	}
	b, err := decodeText(sealed)
	if err != nil {
		return "", err
	}
	pt, _, err := s.open(b, []byte(aad))
	return string(pt), err
}

// Reseal re-encrypts a SealString value under the primary key when another
// key sealed it, reporting whether it changed; a key-rotation command walks a
// table with it. The value is authenticated either way, so the walk also
// finds damaged ones.
func (k *Keyring) Reseal(old, aad string) (string, bool, error) {
	s := k.load()
	if s == nil {
		return "", false, ErrNoKey
	}
	b, err := decodeText(old)
	if err != nil {
		return "", false, err
	}
	pt, id, err := s.open(b, []byte(aad))
	if err != nil {
		return "", false, err
	}
	if id == s.keys[0].id {
		return old, false, nil
	}
	return base64.RawURLEncoding.EncodeToString(s.seal(pt, []byte(aad))), true, nil
}

func decodeText(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", ErrMalformed)
	}
	return b, nil
}

func (s *ringState) seal(plaintext, aad []byte) []byte {
	p := s.keys[0]
	hdr := header(p.id)
	out := make([]byte, len(hdr)+nonceSize, len(hdr)+nonceSize+len(plaintext)+tagSize)
	copy(out, hdr)
	nonce := out[len(hdr):]
	rand.Read(nonce) // never fails since Go 1.24 (it crashes the program instead)
	return p.aead.Seal(out, nonce, plaintext, additional(hdr, aad))
}

func (s *ringState) open(b, aad []byte) (plaintext []byte, keyID string, err error) {
	if len(b) < 2 {
		return nil, "", fmt.Errorf("%w: too short", ErrMalformed)
	}
	if b[0] != version {
		return nil, "", fmt.Errorf("%w: unsupported format version %d", ErrMalformed, b[0])
	}
	n := int(b[1])
	if n < 1 || n > maxIDLen || len(b) < 2+n+nonceSize+tagSize {
		return nil, "", fmt.Errorf("%w: too short", ErrMalformed)
	}
	id := string(b[2 : 2+n])
	if !validID(id) {
		return nil, "", fmt.Errorf("%w: bad key id", ErrMalformed)
	}
	key := s.byID[id]
	if key == nil {
		return nil, id, fmt.Errorf("%w %q", ErrUnknownKey, id)
	}
	hdr, body := b[:2+n], b[2+n:]
	pt, err := key.aead.Open(nil, body[:nonceSize], body[nonceSize:], additional(hdr, aad))
	if err != nil {
		return nil, id, ErrAuth
	}
	if pt == nil {
		pt = []byte{}
	}
	return pt, id, nil
}

func header(id string) []byte {
	h := make([]byte, 0, 2+len(id))
	h = append(h, version, byte(len(id)))
	return append(h, id...)
}

// additional authenticates the header too: the header is self-delimiting, so
// header||aad is unambiguous and a value cannot be relabelled.
func additional(hdr, aad []byte) []byte {
	a := make([]byte, 0, len(hdr)+len(aad))
	return append(append(a, hdr...), aad...)
}
