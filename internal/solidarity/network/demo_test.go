package network

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/volunteers"
)

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		weights := make([]volunteers.DemoDistrict, len(districts.Paris))
		err := d.Tx(ctx, func(tx *db.Tx) error {
			for i, x := range districts.Paris {
				if err := districts.Upsert(ctx, tx, x); err != nil {
					return err
				}
				weights[i] = volunteers.DemoDistrict{Code: x.Code, Population: x.Population}
			}
			if err := volunteers.SeedDemo(ctx, tx, 120, weights, auth.InsertDemoUser); err != nil {
				return err
			}
			return SeedDemo(ctx, tx, time.Now(), 80)
		})
		if err != nil {
			t.Fatal(err)
		}
		vols := volunteers.NewService(d, nil)
		svc := NewService(Deps{DB: d, Districts: districts.NewStore(d), Volunteers: vols.Store()})
		ms, err := svc.Available(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 80 {
			t.Fatalf("%d available, want 80", len(ms))
		}
		centroid := map[string][2]float64{}
		for _, x := range districts.Paris {
			centroid[x.Code] = [2]float64{x.Lat, x.Lon}
		}
		small, located := 0, 0
		for _, m := range ms {
			if m.Capacity < 1 || m.Capacity > 5 || len(m.Languages) == 0 || len(m.Districts) < 1 || len(m.Districts) > 2 {
				t.Fatalf("member %+v", m)
			}
			if m.Capacity <= 3 {
				small++
			}
			if m.Lat < 48.8 || m.Lat > 48.91 || m.Lon < 2.22 || m.Lon > 2.47 {
				t.Fatalf("member outside Paris %+v", m)
			}
			if c := centroid[m.Districts[0]]; m.Lat != c[0] || m.Lon != c[1] {
				located++
			}
		}
		if small < 60 || small == 80 {
			t.Fatalf("%d of 80 with a capacity of 1 to 3: want most, not all", small)
		}
		if located == 0 || located == 80 {
			t.Fatalf("%d of 80 with a location of their own: want some", located)
		}
		l, err := svc.List(ctx, ListFilter{Limit: 10})
		if err != nil || l.Counts.Members != 80 || l.Rows[0].Name == "" {
			t.Fatalf("list %+v %v", l.Counts, err)
		}
	})
}
