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
		loaded, err := Load(ctx, d)
		if err != nil || !loaded {
			t.Fatalf("first load: loaded=%v err=%v", loaded, err)
		}
		store := districts.NewStore(d)
		ds, err := store.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 20 || ds[0].Name != "Louvre" || ds[19].Name != "Ménilmontant" {
			t.Fatalf("got %d districts: %+v", len(ds), ds)
		}
		// An administrator's later change must survive a restart with --demo.
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE districts SET name = ? WHERE code = ?", "Paris Centre", "1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		loaded, err = Load(ctx, d)
		if err != nil || loaded {
			t.Fatalf("second load: loaded=%v err=%v", loaded, err)
		}
		ds, _ = store.List(ctx)
		if len(ds) != 20 || ds[0].Name != "Paris Centre" {
			t.Fatalf("second load changed data: %+v", ds[0])
		}
	})
}
