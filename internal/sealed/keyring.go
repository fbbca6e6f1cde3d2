package sealed

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

const (
	// FileName is the key file inside the data directory.
	FileName = "secret.keys"
	// KeySize is the length of every key: AES-256.
	KeySize = 32

	indexID  = "index"
	maxIDLen = 32
	// The derived index key's HKDF label; changing it would change every blind hash.
	indexInfo = "climatevolunteers/sealed blind index v1"
)

var (
	// ErrKeyFileMode: secret.keys is readable or writable by group or others.
	ErrKeyFileMode = errors.New("sealed: key file is not private")
	// ErrEnvKeys: Rotate was called on keys that came from CV_SECRET_KEY.
	ErrEnvKeys = errors.New("sealed: the keys come from CV_SECRET_KEY; rotate by putting a new key first in the variable")
)

// Keyring holds the keys. It is safe for concurrent use, including a Rotate
// while other goroutines seal and open. Printing it never shows key material.
type Keyring struct {
	rotate sync.Mutex
	st     atomic.Pointer[ringState]
}

// ringState is immutable once published, so readers need no lock.
type ringState struct {
	keys  []*key // newest first; keys[0] seals
	byID  map[string]*key
	index []byte
	path  string // key file it came from; "" for CV_SECRET_KEY
}

type key struct {
	id     string
	secret []byte
	aead   cipher.AEAD
}

type entry struct {
	id     string
	secret []byte
}

func (k *Keyring) load() *ringState {
	if k == nil {
		return nil
	}
	return k.st.Load()
}

// Load builds the keyring from secretKeyEnv (the value of CV_SECRET_KEY) when
// it is not blank, otherwise from dataDir/secret.keys, creating that file with
// a new key and index key, mode 0600, when it does not exist.
func Load(secretKeyEnv, dataDir string) (*Keyring, error) {
	if v := strings.TrimSpace(secretKeyEnv); v != "" {
		var entries []entry
		for i, item := range strings.Split(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue // a trailing comma is harmless
			}
			e, err := parseEntry(item)
			if err != nil {
				return nil, fmt.Errorf("sealed: CV_SECRET_KEY entry %d: %w", i+1, err)
			}
			entries = append(entries, e)
		}
		s, err := newState(entries, "")
		if err != nil {
			return nil, fmt.Errorf("sealed: CV_SECRET_KEY: %w", err)
		}
		return wrap(s), nil
	}
	if dataDir == "" {
		return nil, errors.New("sealed: CV_SECRET_KEY is not set and no data directory was given")
	}
	path, err := filepath.Abs(filepath.Join(dataDir, FileName))
	if err != nil {
		return nil, err
	}
	s, err := readKeyFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s, err = createKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return wrap(s), nil
}

func wrap(s *ringState) *Keyring {
	k := new(Keyring)
	k.st.Store(s)
	return k
}

// PrimaryID is the id of the key that seals, "" for an empty Keyring.
func (k *Keyring) PrimaryID() string {
	if s := k.load(); s != nil {
		return s.keys[0].id
	}
	return ""
}

// IDs lists the key ids, newest first.
func (k *Keyring) IDs() []string {
	s := k.load()
	if s == nil {
		return nil
	}
	ids := make([]string, len(s.keys))
	for i, key := range s.keys {
		ids[i] = key.id
	}
	return ids
}

// String describes the keyring without key material, so that logging it by
// mistake (%v, %+v, %#v) is harmless.
func (k *Keyring) String() string {
	s := k.load()
	if s == nil {
		return "sealed.Keyring{empty}"
	}
	src := "CV_SECRET_KEY"
	if s.path != "" {
		src = s.path
	}
	return fmt.Sprintf("sealed.Keyring{primary: %s, keys: %d, from: %s}", s.keys[0].id, len(s.keys), src)
}

// GoString is String for %#v.
func (k *Keyring) GoString() string { return k.String() }

// Blind is a keyed hash (HMAC-SHA256 under the index key) of value for
// lookups and uniqueness checks: store it next to the sealed field and search
// by it. kind separates uses, e.g. "person.phone", so equal values of
// different kinds do not match. Normalise value first (e.g. a phone in E.164);
// the hash is stable across key rotation. The result is 43 base64url
// characters. It panics on a Keyring not made by Load, since an empty hash
// would make every lookup match.
func (k *Keyring) Blind(kind string, value []byte) string {
	s := k.load()
	if s == nil {
		panic("sealed: Blind on a keyring with no keys")
	}
	m := hmac.New(sha256.New, s.index)
	// Length-prefix kind so that (kind, value) pairs cannot collide.
	m.Write(binary.AppendUvarint(nil, uint64(len(kind))))
	m.Write([]byte(kind))
	m.Write(value)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Rotate adds a new primary key to dataDir/secret.keys (which this keyring
// must have been loaded from), rewriting the file atomically with mode 0600,
// and starts sealing with it. It returns the new key's id. The file is read
// again first so that keys added by another process are kept.
func (k *Keyring) Rotate(dataDir string) (string, error) {
	cur := k.load()
	if cur == nil {
		return "", ErrNoKey
	}
	k.rotate.Lock()
	defer k.rotate.Unlock()
	cur = k.load()
	if cur.path == "" {
		return "", ErrEnvKeys
	}
	path, err := filepath.Abs(filepath.Join(dataDir, FileName))
	if err != nil {
		return "", err
	}
	if path != cur.path {
		return "", fmt.Errorf("sealed: this keyring was loaded from %s, not %s", cur.path, path)
	}
	onDisk, err := readKeyFile(path)
	if err != nil {
		return "", err
	}
	entries := []entry{newEntry(onDisk.byID)}
	for _, key := range onDisk.keys {
		entries = append(entries, entry{key.id, key.secret})
	}
	// Pin the index key (possibly derived until now) so the oldest key can be retired later.
	entries = append(entries, entry{indexID, onDisk.index})
	next, err := newState(entries, path)
	if err != nil {
		return "", err
	}
	if err := writeKeyFile(path, next, false); err != nil {
		return "", err
	}
	k.st.Store(next)
	return next.keys[0].id, nil
}

// newState checks the entries and prepares a cipher per key.
func newState(entries []entry, path string) (*ringState, error) {
	s := &ringState{byID: make(map[string]*key), path: path}
	for _, e := range entries {
		if e.id == indexID {
			if s.index != nil {
				return nil, errors.New("more than one index key")
			}
			s.index = e.secret
			continue
		}
		if s.byID[e.id] != nil {
			return nil, fmt.Errorf("key id %q appears twice", e.id)
		}
		block, err := aes.NewCipher(e.secret)
		if err != nil {
			return nil, errors.New("unusable key") // unreachable: sizes are checked
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, errors.New("unusable key")
		}
		key := &key{id: e.id, secret: e.secret, aead: aead}
		s.keys = append(s.keys, key)
		s.byID[e.id] = key
	}
	if len(s.keys) == 0 {
		return nil, errors.New("no encryption key (only an index key)")
	}
	if s.index == nil {
		idx, err := hkdf.Key(sha256.New, s.keys[len(s.keys)-1].secret, nil, indexInfo, KeySize)
		if err != nil {
			return nil, err
		}
		s.index = idx
	}
	return s, nil
}

// parseEntry reads "id:BASE64" or "BASE64". Its errors never quote the input:
// whatever was typed there may be a key.
func parseEntry(s string) (entry, error) {
	id, b64, hasID := strings.Cut(s, ":") // ':' is not in any base64 alphabet
	if !hasID {
		b64 = s
	} else if !validID(id) {
		return entry{}, fmt.Errorf("key id must be 1 to %d letters, digits, '-', '_' or '.'", maxIDLen)
	}
	secret, err := decodeKey(strings.TrimSpace(b64))
	if err != nil {
		return entry{}, err
	}
	if !hasID {
		id = fingerprint(secret)
	}
	return entry{id, secret}, nil
}

func decodeKey(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("the key is empty")
	}
	var b []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(s); err == nil {
			break
		}
	}
	if err != nil {
		return nil, errors.New("the key is not valid base64")
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("the key decodes to %d bytes, want %d (make one with: openssl rand -base64 32)", len(b), KeySize)
	}
	if bytes.Equal(b, make([]byte, KeySize)) {
		return nil, errors.New("the key is all zeros (a placeholder?)")
	}
	return b, nil
}

func validID(id string) bool {
	if len(id) < 1 || len(id) > maxIDLen {
		return false
	}
	for _, c := range []byte(id) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// fingerprint names a key after a hash of it: 32 bits of a domain-separated
// SHA-256 reveal nothing useful about a 256-bit random key.
func fingerprint(secret []byte) string {
	h := sha256.New()
	h.Write([]byte("climatevolunteers/sealed key id\x00"))
	h.Write(secret)
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// newEntry makes a random key whose id is not already taken.
func newEntry(taken map[string]*key) entry {
	for {
		secret := make([]byte, KeySize)
		rand.Read(secret)
		id := fingerprint(secret)
		if taken[id] == nil && id != indexID {
			return entry{id, secret}
		}
	}
}

func readKeyFile(path string) (*ringState, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Stat the open file, not the path, so the checked file is the one read.
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("sealed: %s is not a regular file", path)
	}
	// Windows has no Unix permission bits: its ACLs are the operator's job.
	if perm := st.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o, but it must be readable by its owner only; run: chmod 600 %s",
			ErrKeyFileMode, path, perm, path)
	}
	data, err := io.ReadAll(io.LimitReader(f, 1<<20))
	if err != nil {
		return nil, err
	}
	var entries []entry
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("sealed: %s line %d: %w", path, i+1, err)
		}
		entries = append(entries, e)
	}
	s, err := newState(entries, path)
	if err != nil {
		return nil, fmt.Errorf("sealed: %s: %w", path, err)
	}
	return s, nil
}

func createKeyFile(path string) (*ringState, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	idx := make([]byte, KeySize)
	rand.Read(idx)
	s, err := newState([]entry{newEntry(nil), {indexID, idx}}, path)
	if err != nil {
		return nil, err
	}
	err = writeKeyFile(path, s, true)
	if errors.Is(err, fs.ErrExist) {
		// Another process starting at the same moment won: use its keys.
		return readKeyFile(path)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

const fileHeader = `# Climate Volunteers field-encryption keys (internal/sealed).
# Keep this file private (mode 0600) and backed up: without it the registry cannot be read.
# One "id:base64" key per line, newest first: the first key encrypts, every key decrypts.
# "index" is the lookup (blind index) key: it never changes.
`

// writeKeyFile writes through a temporary file so that a crash never leaves a
// half-written key file. With exclusive it fails with fs.ErrExist rather than
// replace an existing file.
func writeKeyFile(path string, s *ringState, exclusive bool) error {
	var b bytes.Buffer
	b.WriteString(fileHeader)
	b.WriteString(indexID + ":" + base64.StdEncoding.EncodeToString(s.index) + "\n")
	for _, key := range s.keys {
		b.WriteString(key.id + ":" + base64.StdEncoding.EncodeToString(key.secret) + "\n")
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+FileName+"-*") // created 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a rename this finds nothing
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if exclusive {
		// A hard link, unlike rename, refuses to replace an existing file.
		err = os.Link(tmp.Name(), path)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// Some file systems have no hard links; fall back on check-then-rename.
			if _, serr := os.Lstat(path); serr == nil {
				return fs.ErrExist
			}
			err = os.Rename(tmp.Name(), path)
		}
	} else {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return err
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename durable; not every platform can fsync a
// directory, and the file itself is already synced, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
