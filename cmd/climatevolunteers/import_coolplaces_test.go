package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
)

func TestImportCoolPlacesCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	good := filepath.Join(dir, "ilots.csv")
	bad := filepath.Join(dir, "bad.csv")
	head := "identifiant;nom;type;arrondissement;horaires_lundi;geo_point_2d\n"
	os.WriteFile(good, []byte(head+
		"A;Parc A;Parc;75011;08:00 - 21:30;48.86, 2.38\n"+
		"B;Piscine B;Piscine;Paris 12e;selon saison;48.84, 2.39\n"), 0o600)
	os.WriteFile(bad, []byte(head+
		"C;Parc C;Parc;75011;08:00 - 21:30;48.86, 2.38\n"+
		";Sans id;Parc;75011;;48.86, 2.38\n"+
		"D;Parc D;Parc;75011;;nowhere\n"), 0o600)

	code, stdout, stderr := runCmd(t, "import", "cool-places", good, "--data-dir", data)
	if code != 0 || !strings.Contains(stdout, "2 new, 0 updated") || !strings.Contains(stdout, "2 places have hours") {
		t.Fatalf("first import: exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, "import", "cool-places", "--data-dir", data, good)
	if code != 0 || !strings.Contains(stdout, "0 new, 2 updated") {
		t.Fatalf("second import: exit %d, %s", code, stdout)
	}

	code, _, stderr = runCmd(t, "import", "cool-places", bad, "--data-dir", data)
	if code != 1 || !strings.Contains(stderr, "line 3: identifiant is empty") ||
		!strings.Contains(stderr, "line 4: geo_point_2d") || !strings.Contains(stderr, "nothing was imported") {
		t.Fatalf("refused file: exit %d, stderr:\n%s", code, stderr)
	}

	d, err := db.Open(context.Background(), db.Options{DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	var source string
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*), MIN(source) FROM cool_places").Scan(&n, &source); err != nil {
		t.Fatal(err)
	}
	if n != 2 || source != "ilots" {
		t.Errorf("%d places from %q after a refused file", n, source)
	}

	for _, args := range [][]string{{"import", "cool-places"}, {"import", "cool-places", good, bad}, {"import", "cool-places", "--bogus"}} {
		if code, _, stderr := runCmd(t, args...); code != 2 || !strings.Contains(stderr, "usage:") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if code, _, stderr := runCmd(t, "import", "parks"); code != 2 || !strings.Contains(stderr, "cool-places") {
		t.Errorf("unknown data set: exit %d, stderr %q", code, stderr)
	}
}
