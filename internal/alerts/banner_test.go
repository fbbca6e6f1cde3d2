package alerts

import (
	"context"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// The banner names the city at its level with its advice, and separately
// the districts whose own level is above it, with theirs.
func TestAlertingCityAndDistrictsAbove(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := setup(t, d)
		coord := user(t, d, "coordinator")
		order := []string{"75111", "75113", "75120"}
		banner := func() []Alerted {
			t.Helper()
			sit, err := s.CachedCurrent(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return sit.Alerting(order)
		}
		if got := banner(); len(got) != 0 {
			t.Fatalf("banner with nothing set: %+v", got)
		}
		mustSet(t, s, coord, Heat, "75120", 3, "Ménilmontant d'abord.")
		mustSet(t, s, coord, Heat, "75111", 3, "")
		got := banner()
		if len(got) != 1 || got[0].City || got[0].Level != 3 || len(got[0].Districts) != 2 ||
			got[0].Districts[0] != "75111" || got[0].Advice != "Ménilmontant d'abord." {
			t.Fatalf("two districts at 3: %+v", got)
		}

		// The city at 3 with its advice, the 20th at 4 with its own.
		mustSet(t, s, coord, Heat, "", 3, "Buvez de l'eau (ville).")
		mustSet(t, s, coord, Heat, "75120", 4, "Rouge dans le 20e.")
		got = banner()
		if len(got) != 2 {
			t.Fatalf("city and a district above it: %+v", got)
		}
		if !got[0].City || got[0].Level != 3 || got[0].Advice != "Buvez de l'eau (ville)." || len(got[0].Districts) != 0 {
			t.Errorf("city line: %+v", got[0])
		}
		if got[1].City || got[1].Level != 4 || got[1].Advice != "Rouge dans le 20e." || len(got[1].Districts) != 1 || got[1].Districts[0] != "75120" {
			t.Errorf("district line: %+v", got[1])
		}

		// Heatwave hours follow each district's level, the city's elsewhere.
		mustSet(t, s, coord, Heat, "", 1, "")
		mustSet(t, s, coord, Heat, "75111", 1, "")
		hot, err := s.Heatwave(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !hot("75120") || hot("75111") || hot("75113") || hot("") {
			t.Errorf("heatwave: 20th %v, 11th %v, 13th %v, outside %v", hot("75120"), hot("75111"), hot("75113"), hot(""))
		}
		if got := banner(); len(got) != 1 || got[0].Level != 4 || got[0].City {
			t.Errorf("after lowering the city: %+v", got)
		}
	})
}
