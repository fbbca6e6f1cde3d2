package sealed_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/sealed"
)

// The registry's promise: no name, phone number or address in clear in the
// SQLite file. A clear canary written the same way proves the scan would see
// them if they were there.
func TestNoClearTextInSQLiteFile(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite)
	k := newRing(t)

	people := []struct{ name, phone, address string }{
		{"Marie-Thérèse Lefebvre", "+33 6 12 34 56 78", "14 rue des Cascades, 75020 Paris"},
		{"Jean Moulinier", "01 43 58 77 21", "3 villa Saint-Michel, 75018 Paris"},
	}
	const canary = "CLEAR-CANARY-7f3e9a"
	if _, err := d.Exec(ctx, `CREATE TABLE sealed_probe (
		id INTEGER PRIMARY KEY, name TEXT NOT NULL, phone TEXT NOT NULL, address TEXT NOT NULL,
		phone_blind TEXT NOT NULL, note TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		id := int64(i + 1)
		seal := func(col, v string) string {
			s, err := k.SealString(v, sealed.Place("sealed_probe", id, col))
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if _, err := d.Exec(ctx, `INSERT INTO sealed_probe (id, name, phone, address, phone_blind, note) VALUES (?, ?, ?, ?, ?, ?)`,
			id, seal("name", p.name), seal("phone", p.phone), seal("address", p.address),
			k.Blind("person.phone", []byte(p.phone)), canary); err != nil {
			t.Fatal(err)
		}
	}
	// Move everything from the WAL into the main file, and leave the WAL empty.
	if _, err := d.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}

	// The values read back, by their blind index.
	var name string
	if err := d.QueryRow(ctx, `SELECT name FROM sealed_probe WHERE phone_blind = ?`,
		k.Blind("person.phone", []byte(people[1].phone))).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if got, err := k.OpenString(name, sealed.Place("sealed_probe", 2, "name")); err != nil || got != people[1].name {
		t.Fatalf("read back %q, %v", got, err)
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
	for _, p := range people {
		for _, clear := range []string{p.name, p.phone, p.address, "Lefebvre", "Cascades", "12 34 56"} {
			if bytes.Contains(raw, []byte(clear)) {
				t.Errorf("%q is in the database file in clear", clear)
			}
		}
	}
}
