package password

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Bounds on what a stored hash may ask for. A tampered or corrupt row must
// not make the server allocate gigabytes or spin for minutes.
const (
	maxMemoryKiB = 256 * 1024 // four times today's parameters
	maxTime      = 16
	maxThreads   = 16
	minSaltLen   = 8
	maxSaltLen   = 64
	minKeyLen    = 16
	maxKeyLen    = 64
)

var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC argon2id string strictly: exact field order, decimal
// numbers without signs, canonical base64 without padding.
func decode(s string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return p, nil, nil, ErrMalformed
	}
	if parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrIncompat
	}
	fields := strings.Split(parts[3], ",")
	if len(fields) != 3 {
		return p, nil, nil, ErrMalformed
	}
	m, err1 := param(fields[0], "m=", 32)
	t, err2 := param(fields[1], "t=", 32)
	th, err3 := param(fields[2], "p=", 8)
	if err1 != nil || err2 != nil || err3 != nil {
		return p, nil, nil, ErrMalformed
	}
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil {
		return p, nil, nil, ErrMalformed
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil {
		return p, nil, nil, ErrMalformed
	}
	p = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(th), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if p.Time < 1 || p.Time > maxTime || p.Threads < 1 || p.Threads > maxThreads ||
		p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB ||
		len(salt) < minSaltLen || len(salt) > maxSaltLen || len(key) < minKeyLen || len(key) > maxKeyLen {
		return p, nil, nil, ErrBadParams
	}
	return p, salt, key, nil
}

// param reads "m=65536" given the prefix "m=". ParseUint alone would accept
// "+5" or "0x10"-like surprises in other bases; digits only are allowed.
func param(field, prefix string, bits int) (uint64, error) {
	v, ok := strings.CutPrefix(field, prefix)
	if !ok || v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, ErrMalformed
	}
	return strconv.ParseUint(v, 10, bits)
}
