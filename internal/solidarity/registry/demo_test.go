package registry

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if err := d.Tx(ctx, func(tx *db.Tx) error { return SeedDemo(ctx, tx, e.keys, start, 120) }); err != nil {
			t.Fatal(err)
		}
		var codes []string
		for i := 1; i <= 20; i++ {
			codes = append(codes, strconv.Itoa(i))
		}
		active, err := e.svc.Active(ctx, codes, start)
		if err != nil {
			t.Fatal(err)
		}
		if len(active) != 120 {
			t.Fatalf("%d active demo people, want 120", len(active))
		}
		centroids, _ := e.svc.cityPlace(ctx)
		langs := map[string]int{}
		for _, p := range active {
			c := centroids.centroids[p.District]
			if d := (p.Lat-c.Lat)*(p.Lat-c.Lat) + (p.Lon-c.Lon)*(p.Lon-c.Lon); d > 0.01*0.01 || d == 0 {
				t.Errorf("person %d at %v,%v, far from (or on) the centroid of %s", p.ID, p.Lat, p.Lon, p.District)
			}
			for _, l := range p.Languages {
				langs[l]++
			}
		}
		if langs["fr"] < 80 || langs["ar"] == 0 {
			t.Errorf("languages %v", langs)
		}
		coord := e.user(t, "coordinator")
		page, _, err := e.svc.List(ctx, coord, Filter{Status: "expiring"})
		if err != nil || page.Total < 5 {
			t.Errorf("%d expiring demo entries, %v", page.Total, err)
		}
		for _, x := range page.Entries {
			if !strings.HasPrefix(x.Card.Phone, "+3319900") || (x.Card.EmergencyPhone != "" && !strings.HasPrefix(x.Card.EmergencyPhone, "+3319900")) {
				t.Errorf("demo phone outside the fiction range: %s %s", x.Card.Phone, x.Card.EmergencyPhone)
			}
		}
	})
}
