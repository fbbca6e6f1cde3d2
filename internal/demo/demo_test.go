package demo

import (
	"context"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

func TestLoadOnceOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		out, err := Load(ctx, d, Options{Volunteers: 50})
		if err != nil || out != Loaded {
			t.Fatalf("first load: %v err=%v", out, err)
		}
		store := districts.NewStore(d)
		ds, err := store.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 20 || ds[0].Name != "Louvre" || ds[19].Name != "Ménilmontant" {
			t.Fatalf("got %d districts: %+v", len(ds), ds)
		}
		var profiles, inFifteenth int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM volunteer_profiles").Scan(&profiles)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM volunteer_profiles WHERE district_code = '15'").Scan(&inFifteenth)
		if profiles != 50 || inFifteenth == 0 {
			t.Fatalf("%d demo volunteers, %d in the most populated district", profiles, inFifteenth)
		}
		// An administrator's later change must survive a restart with --demo.
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE districts SET name = ? WHERE code = ?", "Paris Centre", "1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		out, err = Load(ctx, d, Options{Volunteers: 50})
		if err != nil || out != AlreadyLoaded {
			t.Fatalf("second load: %v err=%v", out, err)
		}
		ds, _ = store.List(ctx)
		if len(ds) != 20 || ds[0].Name != "Paris Centre" {
			t.Fatalf("second load changed data: %+v", ds[0])
		}
	})
}

// A database holding real districts is never filled with the demo.
func TestLoadLeavesRealDataAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return districts.Upsert(ctx, tx, districts.District{Code: "1", Name: "Centre-ville", Position: 1, Lat: 45.76, Lon: 4.83})
		}); err != nil {
			t.Fatal(err)
		}
		out, err := Load(ctx, d, Options{Volunteers: 50})
		if err != nil || out != NotEmpty {
			t.Fatalf("load into a database with data: %v err=%v", out, err)
		}
		ds, _ := districts.NewStore(d).List(ctx)
		if len(ds) != 1 || ds[0].Name != "Centre-ville" {
			t.Fatalf("real data changed: %+v", ds)
		}
	})
}
