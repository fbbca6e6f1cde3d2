package registry

import (
	"bytes"
	"context"
	"os"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// The registry's promise (issue 7): the database holds no name, phone
// number or address of a registered person in clear. People are registered,
// edited and listed through the service; then every byte of the SQLite file
// and its WAL is scanned. A clear canary written the same way proves the
// scan would see them.
func TestNoClearPersonalDataInSQLiteFile(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
	e := newEnv(t, d)
	owner, coord := e.user(t, "volunteer"), e.user(t, "coordinator")

	people := []Input{person(1), person(2), person(3)}
	people[1].Name, people[1].Phone, people[1].Address = "Jean Moulinier", "06 43 58 77 21", "3 villa Saint-Michel, 75018 Paris"
	people[1].District = "18"
	people[2].Name, people[2].Phone, people[2].Address = "Aïcha Benkirane", "+33 7 81 22 90 14", "88 boulevard de Belleville"
	people[2].EmergencyName, people[2].EmergencyPhone = "Karim Benkirane", "07 55 44 33 22"
	var ids []int64
	for i, in := range people {
		sc, a := ScopeMine, owner
		if i == 2 {
			sc, a = ScopeStaff, coord
		}
		ids = append(ids, e.create(t, a, sc, in))
	}
	// An edit writes the row again.
	edit := people[0]
	edit.Version, edit.Address = 1, "14 rue des Cascades, 75020 Paris"
	if errs, err := e.svc.Update(ctx, owner, ScopeMine, ids[0], edit); err != nil || len(errs) > 0 {
		t.Fatal(errs, err)
	}
	if _, _, err := e.svc.List(ctx, coord, Filter{}); err != nil {
		t.Fatal(err)
	}
	const canary = "CLEAR-CANARY-4b1d"
	if _, err := d.Exec(ctx, "CREATE TABLE scan_probe (note TEXT NOT NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "INSERT INTO scan_probe (note) VALUES (?)", canary); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Exec(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}

	var raw []byte
	for _, suffix := range []string{"", "-wal", "-journal"} {
		b, err := os.ReadFile(d.Path() + suffix)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		raw = append(raw, b...)
	}
	if !bytes.Contains(raw, []byte(canary)) {
		t.Fatal("the clear canary is not in the file: the scan sees nothing")
	}
	clear := []string{"Lefebvre", "Cascades", "Moulinier", "Saint-Michel", "Benkirane", "Belleville",
		"Infirmière", "Paul", "Avant 11 h"}
	for _, in := range append(people, edit) {
		clear = append(clear, in.Name, in.Address, in.Phone)
		n, _ := NormalisePhone(in.Phone)
		clear = append(clear, n, n[3:], NationalPhone(n))
	}
	for _, c := range clear {
		if bytes.Contains(raw, []byte(c)) {
			t.Errorf("%q is in the database file in clear", c)
		}
	}
}
