package alerts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

// fakeDistricts is three Paris arrondissements.
type fakeDistricts struct{}

func (fakeDistricts) List(context.Context) ([]districts.District, error) {
	return []districts.District{
		{Code: "75111", Name: "Popincourt", Lat: 48.8591, Lon: 2.3801},
		{Code: "75113", Name: "Gobelins", Lat: 48.8284, Lon: 2.3623},
		{Code: "75120", Name: "Ménilmontant", Lat: 48.8635, Lon: 2.4012},
	}, nil
}

func setup(t *testing.T, d *db.DB) *Service {
	t.Helper()
	ctx := context.Background()
	ds, _ := fakeDistricts{}.List(ctx)
	now := db.Now()
	for i, x := range ds {
		if _, err := d.Exec(ctx, `INSERT INTO districts (code, name, position, lat, lon, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, x.Code, x.Name, i, x.Lat, x.Lon, now, now); err != nil {
			t.Fatal(err)
		}
	}
	return NewService(d, fakeDistricts{})
}

func user(t *testing.T, d *db.DB, role string) Actor {
	t.Helper()
	now := db.Now()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("%s-%d@example.org", role, now.UnixNano()), role, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Role: role}
}

func mustSet(t *testing.T, s *Service, a Actor, h Hazard, district string, l Level, advice string) Record {
	t.Helper()
	r, err := s.Set(context.Background(), a, h, district, l, advice)
	if err != nil {
		t.Fatalf("Set %s %q %d: %v", h, district, l, err)
	}
	return r
}

func TestNamesAndColours(t *testing.T) {
	if Name(Heat, 3) != "Alerte canicule" || Name(Heat, 4) != "Mobilisation maximale" || Name(Heat, 1) != "Veille saisonnière" {
		t.Error("heat plan names differ from FACTS.md")
	}
	if Level(3).Colour() != "orange" || Level(1).Colour() != "green" || Level(4).Colour() != "red" || Level(5).Colour() != "" {
		t.Error("colours")
	}
	if Name(Flood, 2) != "Vigilance jaune" || Name("snow", 2) != "" || Name(Heat, 0) != "" {
		t.Error("flood or unknown names")
	}
	if LabelKey(Flood, 3) != "alerts.level.flood.3" || LabelKey(Heat, 9) != "" {
		t.Error("label keys")
	}
}

func TestOnlyCoordinatorsAndAdminsSet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		for _, role := range []string{"volunteer", "moderator", "partner"} {
			if _, err := s.Set(ctx, user(t, d, role), Heat, "", 3, ""); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: %v, want ErrForbidden", role, err)
			}
		}
		if _, err := s.Set(ctx, Actor{Role: "admin"}, Heat, "", 3, ""); !errors.Is(err, ErrForbidden) {
			t.Errorf("admin role without an account: %v", err)
		}
		mustSet(t, s, user(t, d, "coordinator"), Heat, "", 2, "")
		mustSet(t, s, user(t, d, "admin"), Flood, "75113", 3, "")
		h, _ := s.History(ctx, 0)
		if len(h) != 2 {
			t.Errorf("%d rows, want 2", len(h))
		}
	})
}

func TestSetValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		c := user(t, d, "coordinator")
		cases := []struct {
			name     string
			hazard   Hazard
			district string
			level    Level
			advice   string
			field    string
		}{
			{"unknown hazard", "storm", "", 2, "", "hazard"},
			{"level 0", Heat, "", 0, "", "level"},
			{"level 5", Flood, "", 5, "", "level"},
			{"unknown district", Heat, "75199", 3, "", "district"},
			{"reserved code", Heat, CityScope, 3, "", "district"},
			{"long advice", Heat, "", 3, strings.Repeat("é", MaxAdvice+1), "advice"},
		}
		for _, tc := range cases {
			_, err := s.Set(context.Background(), c, tc.hazard, tc.district, tc.level, tc.advice)
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want a FieldError on %s", tc.name, err, tc.field)
			}
		}
		// The bound is in characters, after trimming.
		r := mustSet(t, s, c, Heat, "", 3, "  "+strings.Repeat("é", MaxAdvice)+"\n")
		if len([]rune(r.Advice)) != MaxAdvice {
			t.Errorf("advice of %d characters", len([]rune(r.Advice)))
		}
		if h, _ := s.History(context.Background(), 0); len(h) != 1 {
			t.Errorf("%d rows after refused changes, want 1", len(h))
		}
	})
}

func TestHistoryEndsReplacedLevels(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		c := user(t, d, "coordinator")
		first := mustSet(t, s, c, Heat, "", 2, "Buvez de l'eau.")
		mustSet(t, s, c, Flood, "", 2, "") // another hazard: heat's row stays current
		second := mustSet(t, s, c, Heat, "", 3, "Restez au frais.")
		same := mustSet(t, s, c, Heat, "", 3, " Restez au frais. ")
		if same.ID != second.ID {
			t.Errorf("setting the current level again made row %d, want %d kept", same.ID, second.ID)
		}
		mustSet(t, s, c, Heat, "75111", 4, "") // a district's scope is separate

		h, err := s.History(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 4 || h[0].DistrictCode != "75111" || h[len(h)-1].ID != first.ID {
			t.Fatalf("history %+v", h)
		}
		byID := map[int64]Record{}
		for _, r := range h {
			byID[r.ID] = r
		}
		old := byID[first.ID]
		if old.EndsAt == nil || !old.EndsAt.Equal(byID[second.ID].SetAt) {
			t.Errorf("replaced level ends at %v, want %v", old.EndsAt, byID[second.ID].SetAt)
		}
		if old.SetBy != c.UserID || old.Level != 2 || old.Advice != "Buvez de l'eau." {
			t.Errorf("old row %+v", old)
		}
		for _, r := range h[:3] {
			if r.EndsAt != nil {
				t.Errorf("row %d (%s %s) ended, want current", r.ID, r.Hazard, r.Scope())
			}
		}
		if got, _ := s.History(ctx, 2); len(got) != 2 {
			t.Errorf("limit 2 gave %d rows", len(got))
		}
	})
}

func TestEffectiveCityAndDistricts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		c := user(t, d, "coordinator")

		// Nothing set: level 1 everywhere.
		eff, err := s.EffectiveFor(ctx, "75111")
		if err != nil || len(eff) != 2 || eff[0].Hazard != Heat || eff[0].Level != 1 || eff[1].Level != 1 || !eff[0].SetAt.IsZero() {
			t.Fatalf("default %+v, %v", eff, err)
		}

		mustSet(t, s, c, Heat, "", 2, "Ville : vigilance.")
		mustSet(t, s, c, Heat, "75111", 3, "Popincourt : salles rafraîchies ouvertes.")
		mustSet(t, s, c, Heat, "75113", 1, "") // lower than the city: the city's applies
		mustSet(t, s, c, Flood, "75113", 2, "")

		sit, err := s.Current(ctx)
		if err != nil {
			t.Fatal(err)
		}
		check := func(name string, e Effective, level Level, from, advice string) {
			t.Helper()
			if e.Level != level || e.From != from || e.Advice != advice {
				t.Errorf("%s: %+v, want level %d from %q with %q", name, e, level, from, advice)
			}
		}
		check("city heat", sit.City[0], 2, "", "Ville : vigilance.")
		check("city flood", sit.City[1], 1, "", "")
		check("11e heat (own, higher)", sit.Districts["75111"][0], 3, "75111", "Popincourt : salles rafraîchies ouvertes.")
		check("13e heat (city, higher)", sit.Districts["75113"][0], 2, "", "Ville : vigilance.")
		check("13e flood (own)", sit.Districts["75113"][1], 2, "75113", "")
		check("20e heat (none of its own)", sit.Districts["75120"][0], 2, "", "Ville : vigilance.")
		if len(sit.Districts) != 3 {
			t.Errorf("%d districts", len(sit.Districts))
		}

		// The city rises above the 11th: the city's level and advice apply there.
		mustSet(t, s, c, Heat, "", 4, "Mobilisation maximale.")
		eff, _ = s.EffectiveFor(ctx, "75111")
		check("11e after the city rose", eff[0], 4, "", "Mobilisation maximale.")
		// Same level as the city, no advice of its own: the city's advice.
		mustSet(t, s, c, Heat, "75120", 4, "")
		eff, _ = s.EffectiveFor(ctx, "75120")
		check("20e at the city's level", eff[0], 4, "75120", "Mobilisation maximale.")
		// Unknown code or the city itself: the city's levels.
		for _, code := range []string{"", "75199"} {
			eff, _ = s.EffectiveFor(ctx, code)
			check("city via "+code, eff[0], 4, "", "Mobilisation maximale.")
		}
	})
}

func TestBannerFromLevelThree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		c := user(t, d, "coordinator")
		mustSet(t, s, c, Heat, "", 2, "Avertissement.")
		mustSet(t, s, c, Flood, "75113", 2, "")
		for _, code := range []string{"", "75111", "75113"} {
			if b, err := s.Banner(ctx, code); err != nil || b.Due() {
				t.Errorf("banner at level 2 in %q: %+v, %v", code, b, err)
			}
		}
		mustSet(t, s, c, Flood, "75113", 3, "Crue : évitez les quais.")
		b, _ := s.Banner(ctx, "75113")
		if !b.Due() || len(b.Alerts) != 1 || b.Alerts[0].Hazard != Flood || b.Alerts[0].Advice != "Crue : évitez les quais." {
			t.Errorf("flood orange in the 13th: %+v", b)
		}
		if b, _ := s.Banner(ctx, "75111"); b.Due() {
			t.Errorf("the 13th's flood shows in the 11th: %+v", b)
		}
		mustSet(t, s, c, Heat, "", 4, "Canicule extrême.")
		b, _ = s.Banner(ctx, "75113")
		if len(b.Alerts) != 2 || b.Alerts[0].Hazard != Heat || b.Alerts[1].Hazard != Flood {
			t.Errorf("both hazards, most severe first: %+v", b)
		}
		if b, _ := s.Banner(ctx, ""); !b.Due() || b.Alerts[0].Advice != "Canicule extrême." {
			t.Errorf("city banner: %+v", b)
		}
	})
}

func TestConcurrentSetsKeepOneCurrentRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		coords := []Actor{user(t, d, "coordinator"), user(t, d, "coordinator"), user(t, d, "admin")}
		const perActor = 8
		var wg sync.WaitGroup
		errs := make(chan error, len(coords)*perActor*2)
		for i, a := range coords {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range perActor {
					level := Level(1 + (i+j)%4)
					if _, err := s.Set(ctx, a, Heat, "", level, fmt.Sprint("c", i, " n", j)); err != nil {
						errs <- err
					}
					if _, err := s.Set(ctx, a, Heat, "75111", level, fmt.Sprint("d", i, " n", j)); err != nil {
						errs <- err
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var current, total int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM alert_levels WHERE ends_at IS NULL`).Scan(&current); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM alert_levels`).Scan(&total); err != nil {
			t.Fatal(err)
		}
		if current != 2 || total != len(coords)*perActor*2 {
			t.Errorf("%d current rows of %d, want 2 of %d", current, total, len(coords)*perActor*2)
		}
		// Each scope's history is a chain: every ended row ends when the next begins.
		for _, scope := range []string{CityScope, "75111"} {
			rows, err := collect(ctx, d, "SELECT "+recordColumns+" FROM alert_levels WHERE scope = ? ORDER BY id", scope)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i+1 < len(rows); i++ {
				if rows[i].EndsAt == nil || !rows[i].EndsAt.Equal(rows[i+1].SetAt) {
					t.Errorf("%s row %d ends at %v, next set at %v", scope, rows[i].ID, rows[i].EndsAt, rows[i+1].SetAt)
				}
			}
		}
	})
}

func TestOneCurrentRowIsEnforcedByTheSchema(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		setup(t, d)
		ins := `INSERT INTO alert_levels (hazard, scope, district_code, level, set_at) VALUES (?, ?, ?, ?, ?)`
		if _, err := d.Exec(ctx, ins, "heat", "city", nil, 2, db.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, ins, "heat", "city", nil, 3, db.Now()); err == nil {
			t.Error("a second current row for the same hazard and scope was accepted")
		}
		if _, err := d.Exec(ctx, ins, "heat", "75111", "75113", 3, db.Now()); err == nil {
			t.Error("a scope that is not its district code was accepted")
		}
		if _, err := d.Exec(ctx, ins, "heat", "city", nil, 5, db.Now()); err == nil {
			t.Error("level 5 was accepted")
		}
	})
}

func TestSetIsAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := setup(t, d)
		ctx := context.Background()
		c := user(t, d, "coordinator")
		mustSet(t, s, c, Heat, "", 2, "")
		r := mustSet(t, s, c, Heat, "", 3, "")
		mustSet(t, s, c, Heat, "", 3, "")                                   // unchanged: no entry
		s.Set(ctx, user(t, d, "volunteer"), Heat, "", 4, "")                // refused: no entry
		s.Set(ctx, c, Heat, "75199", 4, "")                                 // invalid: no entry
		f := mustSet(t, s, user(t, d, "admin"), Flood, "75113", 3, "Quais") // another actor

		rows, err := d.Query(ctx, `SELECT COALESCE(actor_id, 0), target_type, target_id, detail FROM audit_log
			WHERE action = ? ORDER BY id`, audit.ActionAlertLevelSet)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var actor int64
			var tt, tid, detail string
			if err := rows.Scan(&actor, &tt, &tid, &detail); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d %s %s %s", actor, tt, tid, detail))
		}
		if len(got) != 3 {
			t.Fatalf("entries %q, want 3", got)
		}
		want := fmt.Sprintf("%d alert_level %d heat, city: 2 -> 3", c.UserID, r.ID)
		if got[1] != want {
			t.Errorf("entry %q, want %q", got[1], want)
		}
		if !strings.HasSuffix(got[0], "heat, city: none -> 2") || !strings.HasSuffix(got[2], fmt.Sprintf("%d flood, 75113: none -> 3", f.ID)) {
			t.Errorf("entries %q", got)
		}
	})
}
