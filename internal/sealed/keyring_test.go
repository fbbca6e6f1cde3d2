package sealed_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"climatevolunteers/internal/sealed"
)

func b64(b byte) string { return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32)) }

func TestKeyFileCreated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // not there yet
	k, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sealed.FileName)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", st.Mode().Perm())
	}
	data, _ := os.ReadFile(path)
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		id, key, ok := strings.Cut(line, ":")
		raw, err := base64.StdEncoding.DecodeString(key)
		if !ok || err != nil || len(raw) != 32 {
			t.Errorf("line %q is not id:base64(32 bytes)", line)
		}
		ids = append(ids, id)
	}
	if !slices.Equal(ids, []string{"index", k.PrimaryID()}) {
		t.Errorf("ids in file %v, keyring primary %q", ids, k.PrimaryID())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}

	// Second run: same keys.
	k2, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := k.SealString("Marie", "p")
	if got, err := k2.OpenString(s, "p"); err != nil || got != "Marie" {
		t.Errorf("reloaded: %q, %v", got, err)
	}
	if k.Blind("x", []byte("y")) != k2.Blind("x", []byte("y")) {
		t.Error("blind index changed on reload")
	}
}

func TestKeyFileRefusedWhenShared(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	dir := t.TempDir()
	if _, err := sealed.Load("", dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, sealed.FileName)
	data, _ := os.ReadFile(path)
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660} {
		os.Chmod(path, mode)
		_, err := sealed.Load("", dir)
		if !errors.Is(err, sealed.ErrKeyFileMode) {
			t.Fatalf("mode %04o: err = %v, want ErrKeyFileMode", mode, err)
		}
		if !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("error %q does not say how to fix it", err)
		}
		assertNoKeyMaterial(t, err, string(data))
	}
	os.Chmod(path, 0o400) // read-only for the owner is fine
	if _, err := sealed.Load("", dir); err != nil {
		t.Errorf("mode 0400: %v", err)
	}
}

func TestKeyFileMalformed(t *testing.T) {
	key := b64(9)
	for name, content := range map[string]string{
		"short key":    "k1:" + key[:20] + "\n",
		"not base64":   "k1:" + key[:40] + "!!!!\n",
		"bad id":       "k 1:" + key + "\n",
		"duplicate id": "k1:" + key + "\nk1:" + b64(8) + "\n",
		"only index":   "index:" + key + "\n",
		"empty":        "# nothing\n",
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, sealed.FileName), []byte(content), 0o600)
		_, err := sealed.Load("", dir)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		assertNoKeyMaterial(t, err, content)
	}
}

func TestEnvKeys(t *testing.T) {
	dir := t.TempDir()
	k, err := sealed.Load(" "+b64(1)+" ", dir)
	if err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Error("a key file was created although CV_SECRET_KEY is set")
	}
	if id := k.PrimaryID(); len(id) != 8 {
		t.Errorf("derived id %q", id)
	}
	// The same bare key has the same id wherever it is listed.
	k2, err := sealed.Load(b64(2)+", "+b64(1)+",", "")
	if err != nil {
		t.Fatal(err)
	}
	if ids := k2.IDs(); len(ids) != 2 || ids[1] != k.PrimaryID() {
		t.Errorf("ids %v, want second = %q", ids, k.PrimaryID())
	}
	s, _ := k.SealString("Marie", "p")
	if got, err := k2.OpenString(s, "p"); err != nil || got != "Marie" {
		t.Errorf("older key in list: %q, %v", got, err)
	}
	if _, err := k.Rotate(dir); !errors.Is(err, sealed.ErrEnvKeys) {
		t.Errorf("Rotate with env keys: %v", err)
	}

	// Explicit ids, URL alphabet without padding, explicit index key.
	url := base64.RawURLEncoding.EncodeToString(bytes.Repeat([]byte{0xfb}, 32))
	k3, err := sealed.Load("k2:"+url+",k1:"+b64(1)+",index:"+b64(3), "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k3.IDs(), []string{"k2", "k1"}) {
		t.Errorf("ids %v", k3.IDs())
	}
	k4, _ := sealed.Load("k9:"+b64(4)+",index:"+b64(3), "")
	if k3.Blind("p", []byte("v")) != k4.Blind("p", []byte("v")) {
		t.Error("same index key, different blind hash")
	}

	// Without an index entry, it follows the oldest key, not the newest.
	k5, _ := sealed.Load(b64(5)+","+b64(1), "")
	if k5.Blind("p", []byte("v")) != k.Blind("p", []byte("v")) {
		t.Error("derived index key does not follow the oldest key")
	}
}

func TestEnvErrorsHideKeys(t *testing.T) {
	good := b64(1)
	short := base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmnopqrstu")) // 31 bytes
	long := base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmnopqrstuvw"))
	for _, env := range []string{
		short,
		long,
		good + "," + short,
		"k1:" + short,
		"k1:" + good[:30] + "%%%" + good[33:],
		"secret-passphrase-not-a-key",
		"k 1:" + good,
		"k1:" + good + ",k1:" + b64(2),
		"index:" + good,
		"index:" + good + ",index:" + b64(2) + ",k1:" + b64(3),
		"k1:" + base64.StdEncoding.EncodeToString(make([]byte, 32)),
		"k1:",
		strings.Repeat("k", 33) + ":" + good,
	} {
		_, err := sealed.Load(env, t.TempDir())
		if err == nil {
			t.Errorf("%q: accepted", env)
			continue
		}
		if !strings.HasPrefix(err.Error(), "sealed: CV_SECRET_KEY") {
			t.Errorf("error %q does not name the variable", err)
		}
		assertNoKeyMaterial(t, err, env)
	}
}

// assertNoKeyMaterial fails if the error quotes 6 or more consecutive
// characters of any key-looking token in src.
func assertNoKeyMaterial(t *testing.T, err error, src string) {
	t.Helper()
	msg := err.Error()
	var lines []string
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "#") {
			lines = append(lines, line)
		}
	}
	for _, tok := range strings.FieldsFunc(strings.Join(lines, ","), func(r rune) bool { return r == ',' || r == ':' || r == ' ' }) {
		if len(tok) < 12 {
			continue // ids
		}
		for i := 0; i+6 <= len(tok); i++ {
			if strings.Contains(msg, tok[i:i+6]) {
				t.Errorf("error %q quotes key material %q", msg, tok[i:i+6])
				return
			}
		}
	}
}

func TestRotate(t *testing.T) {
	dir := t.TempDir()
	k, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	first := k.PrimaryID()
	blind := k.Blind("person.phone", []byte("+33612345678"))
	aad := sealed.Place("registry_people", 7, "phone")
	old, _ := k.SealString("+33612345678", aad)

	id, err := k.Rotate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if id == first || k.PrimaryID() != id || !slices.Equal(k.IDs(), []string{id, first}) {
		t.Fatalf("after rotate: new %q, ids %v", id, k.IDs())
	}
	st, _ := os.Stat(filepath.Join(dir, sealed.FileName))
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode after rotate %04o", st.Mode().Perm())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if got, err := k.OpenString(old, aad); err != nil || got != "+33612345678" {
		t.Errorf("old value after rotate: %q, %v", got, err)
	}
	if k.Blind("person.phone", []byte("+33612345678")) != blind {
		t.Error("blind index changed with rotation")
	}

	moved, changed, err := k.Reseal(old, aad)
	if err != nil || !changed || moved == old {
		t.Fatalf("Reseal = %q, %v, %v", moved, changed, err)
	}
	again, changed, err := k.Reseal(moved, aad)
	if err != nil || changed || again != moved {
		t.Errorf("Reseal of a current value = %v, %v", changed, err)
	}
	if _, _, err := k.Reseal(old, "registry_people:8:phone"); !errors.Is(err, sealed.ErrAuth) {
		t.Errorf("Reseal with wrong place: %v", err)
	}

	// Reloaded from disk, in the new order; once the old key is removed the
	// resealed value still opens, and blind hashes stay (the index key is its own line).
	k2, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(k2.IDs(), k.IDs()) {
		t.Errorf("reloaded ids %v, want %v", k2.IDs(), k.IDs())
	}
	path := filepath.Join(dir, sealed.FileName)
	data, _ := os.ReadFile(path)
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, first+":") {
			kept = append(kept, line)
		}
	}
	os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o600)
	k3, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := k3.OpenString(moved, aad); err != nil || got != "+33612345678" {
		t.Errorf("resealed value without the old key: %q, %v", got, err)
	}
	if _, err := k3.OpenString(old, aad); !errors.Is(err, sealed.ErrUnknownKey) {
		t.Errorf("old value without the old key: %v", err)
	}
	if k3.Blind("person.phone", []byte("+33612345678")) != blind {
		t.Error("blind index changed after retiring the first key")
	}

	if _, err := k3.Rotate(t.TempDir()); err == nil {
		t.Error("Rotate into another data directory accepted")
	}
}

// A hand-written file without an index line: Rotate pins the derived index
// key, so the oldest key can be retired later without breaking lookups.
func TestRotatePinsIndex(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, sealed.FileName)
	os.WriteFile(path, []byte("k1:"+b64(1)+"\n"), 0o600)
	k, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	blind := k.Blind("p", []byte("v"))
	if _, err := k.Rotate(dir); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.HasPrefix(line, "k1:") {
			kept = append(kept, line)
		}
	}
	os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o600)
	k2, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if k2.Blind("p", []byte("v")) != blind {
		t.Error("blind index lost when the oldest key was retired")
	}
}

// Keys another process added (a CLI rotation) survive this process's rotation.
func TestRotateKeepsOtherProcessKeys(t *testing.T) {
	dir := t.TempDir()
	server, _ := sealed.Load("", dir)
	cli, _ := sealed.Load("", dir)
	cliID, err := cli.Rotate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := server.Rotate(dir); err != nil {
		t.Fatal(err)
	}
	if ids := server.IDs(); len(ids) != 3 || ids[1] != cliID {
		t.Errorf("ids %v, want the CLI's key %q kept", ids, cliID)
	}
}

// Sealing and opening go on while the keys rotate (run with -race).
func TestRotateConcurrent(t *testing.T) {
	dir := t.TempDir()
	k, _ := sealed.Load("", dir)
	done := make(chan struct{})
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				s, err := k.SealString("Marie", "p")
				if err == nil {
					_, err = k.OpenString(s, "p")
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 5 {
		if _, err := k.Rotate(dir); err != nil {
			t.Error(err)
		}
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(k.IDs()); n != 6 {
		t.Errorf("%d keys, want 6", n)
	}
}
