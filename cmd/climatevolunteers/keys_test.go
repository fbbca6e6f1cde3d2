package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity/registry"
)

// keysFixture is a data directory with a key file, demo registry entries
// and one sealed note of each kind the solidarity episodes keep.
func keysFixture(t *testing.T) (dir string, callID int64) {
	t.Helper()
	ctx := context.Background()
	dir = t.TempDir()
	keys, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := db.Open(ctx, db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := db.Now()
	err = d.Tx(ctx, func(tx *db.Tx) error {
		for _, x := range districts.Paris {
			if err := districts.Upsert(ctx, tx, x); err != nil {
				return err
			}
		}
		if err := registry.SeedDemo(ctx, tx, keys, now, 30); err != nil {
			return err
		}
		var ep, as int64
		if err := tx.QueryRow(ctx, "INSERT INTO solidarity_episodes (hazard, started_at) VALUES ('heat', ?) RETURNING id", now).Scan(&ep); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO solidarity_assignments (episode_id, district_code, next_due_at, assigned_at)
			VALUES (?, '11', ?, ?) RETURNING id`, ep, now, now).Scan(&as); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO solidarity_calls (assignment_id, episode_id, outcome, called_at)
			VALUES (?, ?, 'needs_help', ?) RETURNING id`, as, ep, now).Scan(&callID); err != nil {
			return err
		}
		help, err := keys.SealString("Needs water delivered", sealed.Place("solidarity_calls", callID, "help"))
		if err != nil {
			return err
		}
		if _, err = tx.Exec(ctx, "UPDATE solidarity_calls SET help_sealed = ? WHERE id = ?", help, callID); err != nil {
			return err
		}
		var esc int64
		if err := tx.QueryRow(ctx, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at, resolved_at, resolution)
			VALUES (?, ?, '11', 'needs_help', ?, ?, 'handled') RETURNING id`, as, ep, now, now).Scan(&esc); err != nil {
			return err
		}
		note, err := keys.SealString("Doctor called", sealed.Place("solidarity_escalations", esc, "note"))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE solidarity_escalations SET note_sealed = ? WHERE id = ?", note, esc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, callID
}

func runKeys(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"keys"}, args...), func(k string) string { return env[k] },
		strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// allUnder checks that every sealed value opens and was sealed by the
// primary key of keys (Reseal then changes nothing).
func allUnder(t *testing.T, dir string, keys *sealed.Keyring) {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, c := range sealedColumns() {
		res, err := registry.ResealColumn(ctx, d, keys, c)
		if err != nil || res.Resealed != 0 || len(res.Failed) != 0 || res.Checked == 0 {
			t.Errorf("%s after the command: %+v %v", c, res, err)
		}
	}
}

func TestKeysRotate(t *testing.T) {
	dir, _ := keysFixture(t)
	before, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runKeys(t, nil, "rotate", "--data-dir", dir)
	if code != 0 || !strings.Contains(stdout, "new primary key") ||
		!strings.Contains(stdout, "registry_people.card_sealed: 30 values checked, 30 resealed") ||
		!strings.Contains(stdout, "registry_people.point_sealed: 30 values checked, 30 resealed") ||
		!strings.Contains(stdout, "solidarity_calls.help_sealed: 1 values checked, 1 resealed") ||
		!strings.Contains(stdout, "solidarity_escalations.note_sealed: 1 values checked, 1 resealed") ||
		!strings.Contains(stdout, "Restart the server") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	after, err := sealed.Load("", dir)
	if err != nil {
		t.Fatal(err)
	}
	if ids := after.IDs(); len(ids) != 2 || ids[1] != before.PrimaryID() {
		t.Fatalf("keys after rotation: %v (before: %s)", ids, before.PrimaryID())
	}
	st, err := os.Stat(filepath.Join(dir, sealed.FileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", st.Mode(), err)
	}
	allUnder(t, dir, after)

	// reseal alone finds nothing more to do.
	code, stdout, _ = runKeys(t, nil, "reseal", "--data-dir", dir)
	if code != 0 || !strings.Contains(stdout, "30 values checked, 0 resealed") {
		t.Errorf("reseal: exit %d, %s", code, stdout)
	}
}

func TestKeysRotateWithEnvironmentKeys(t *testing.T) {
	dir, _ := keysFixture(t)
	// The operator moves the file's keys into CV_SECRET_KEY and puts a new one first.
	raw, err := os.ReadFile(filepath.Join(dir, sealed.FileName))
	if err != nil {
		t.Fatal(err)
	}
	secret := make([]byte, sealed.KeySize)
	rand.Read(secret)
	entries := []string{"next:" + base64.StdEncoding.EncodeToString(secret)}
	for _, line := range strings.Split(string(raw), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			entries = append(entries, line)
		}
	}
	env := map[string]string{"CV_SECRET_KEY": strings.Join(entries, ",")}
	keyFile, _ := os.ReadFile(filepath.Join(dir, sealed.FileName))

	code, stdout, stderr := runKeys(t, env, "rotate", "--data-dir", dir)
	if code != 0 || !strings.Contains(stdout, "CV_SECRET_KEY") || !strings.Contains(stdout, "30 resealed") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	if now, _ := os.ReadFile(filepath.Join(dir, sealed.FileName)); !bytes.Equal(now, keyFile) {
		t.Error("the key file changed while the keys came from the environment")
	}
	keys, err := sealed.Load(env["CV_SECRET_KEY"], "")
	if err != nil {
		t.Fatal(err)
	}
	allUnder(t, dir, keys)
}

func TestKeysRefusals(t *testing.T) {
	empty := t.TempDir()
	code, _, stderr := runKeys(t, nil, "rotate", "--data-dir", empty)
	if code != 1 || !strings.Contains(stderr, "no key file") {
		t.Errorf("no key file: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(empty, sealed.FileName)); !os.IsNotExist(err) {
		t.Error("a refused rotation created a key file")
	}
	for _, args := range [][]string{{}, {"frobnicate"}, {"rotate", "--bogus"}, {"rotate", "extra"}} {
		if code, _, stderr := runKeys(t, nil, args...); code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
	// A value that does not open is reported and fails the command.
	dir, callID := keysFixture(t)
	d, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(context.Background(), "UPDATE solidarity_calls SET help_sealed = 'AQh0YW1wZXJlZA' WHERE id = ?", callID); err != nil {
		t.Fatal(err)
	}
	d.Close()
	code, stdout, stderr := runKeys(t, nil, "reseal", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "solidarity_calls.help_sealed: 1 values do not open") || !strings.Contains(stdout, "card_sealed") {
		t.Errorf("damaged value: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}
