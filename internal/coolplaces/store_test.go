package coolplaces

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

// fixture is a small hand-written file in the shape of the City's
// "ilots-de-fraicheur-equipements-activites" set (semicolons, a BOM, a
// quoted field holding the separator).
const fixture = "\uFEFFidentifiant;nom;type;adresse;arrondissement;statut_ouverture;ouvert_24h;canicule_ouverture;ouverture_estivale_nocturne;categorie;horaires_periode;horaires_lundi;horaires_mardi;horaires_mercredi;horaires_jeudi;horaires_vendredi;horaires_samedi;horaires_dimanche;payant;geo_point_2d\n" +
	"P1;Parc A;Parc;1 rue A;75011;Ouvert;Non;Oui;Non;Espaces verts;Été;08:00 - 21:30;08:00 - 21:30;08:00 - 21:30;08:00 - 21:30;08:00 - 21:30;09:00 - 21:30;09:00 - 21:30;Non;48.8600, 2.3800\n" +
	"P2;Piscine B;Piscines;\"2 rue B; bâtiment C\";Paris 11e;Ouvert;Non;Non;Non;Piscine;Été;Fermé;07:00 - 22:00;07:00 - 22:00;07:00 - 22:00;07:00 - 22:00;09:00 - 19:00;selon affichage;Oui;48.8610, 2.3810\n" +
	"P3;Bois C;Bois;Route C;94300;Ouvert;Oui;Non;Non;Espaces verts;;;;;;;;;Non;48.8300, 2.4400\n"

func seedDistricts(t *testing.T, d *db.DB) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		for _, dist := range districts.Paris {
			if err := districts.Upsert(context.Background(), tx, dist); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestParseCSVFixture(t *testing.T) {
	rows, err := ParseCSV(strings.NewReader(fixture), "ilots-test")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows", len(rows))
	}
	a, b, c := rows[0], rows[1], rows[2]
	if a.Kind != Park || !a.HeatwaveOpen || a.Point != (Point{48.86, 2.38}) || a.Line != 2 || a.Hours.HasUnknown() {
		t.Errorf("row A: %+v", a)
	}
	if b.Kind != Pool || !b.Paying || b.Address != "2 rue B; bâtiment C" || len(b.Hours[0].Spans) != 0 || !b.Hours[6].Unknown {
		t.Errorf("row B: %+v", b)
	}
	if !c.Open24h || c.Hours.String() != AllDay().String() {
		t.Errorf("row C: %+v", c)
	}

	comma := "identifiant,nom,type,arrondissement,geo_point_2d,horaires_lundi\nX,Jardin X,Jardin,1er,\"48.86, 2.33\",08:00 - 20:00\n"
	rows, err = ParseCSV(strings.NewReader(comma), "s")
	if err != nil || len(rows) != 1 || rows[0].Kind != Garden || rows[0].Arrondissement != "1er" {
		t.Fatalf("comma file: %+v, %v", rows, err)
	}

	fountains := "gid;voie;commune;modele;dispo;geo_point_2d\n12;Place X;PARIS 12EME ARRONDISSEMENT;Wallace;OUI;48.84, 2.39\n13;Rue Y;PARIS 12EME ARRONDISSEMENT;Arceau;NON;48.85, 2.39\n"
	rows, err = ParseCSV(strings.NewReader(fountains), "fontaines-a-boire")
	if err != nil || len(rows) != 2 || rows[0].SourceID != "fontaine-12" || rows[0].Kind != Fountain ||
		!rows[0].Open24h || rows[1].Open24h || rows[1].OpenAt(time.Now(), true) {
		t.Fatalf("fountains: %+v, %v", rows, err)
	}
	if arrondissementNumber("PARIS 12EME ARRONDISSEMENT") != 12 {
		t.Error("fountains' commune is not read as the 12th")
	}
}

func TestParseCSVRefusals(t *testing.T) {
	head := "identifiant;nom;type;arrondissement;ouvert_24h;geo_point_2d\n"
	file := head +
		"A;Parc A;Parc;75011;Non;48.86, 2.38\n" + // line 2: fine
		";Sans id;Parc;75011;Non;48.86, 2.38\n" + // 3: no identifiant
		"B;;Parc;75011;Non;48.86, 2.38\n" + // 4: no name
		"C;Parc C;Parc;75011;Non;48.86\n" + // 5: one coordinate
		"D;Parc D;Parc;75011;Peut-être;91, 2.38\n" + // 6: bad flag and latitude
		"A;Parc A bis;Parc;75011;Non;48.86, 2.38\n" + // 7: duplicate
		"E;Parc E;Parc;75011\n" + // 8: too few fields
		"F;Parc F;Parc;75011;Non;48.86, 2.38\n"
	_, err := ParseCSV(strings.NewReader(file), "s")
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err = %v", err)
	}
	want := []string{
		"line 3: identifiant is empty",
		"line 4: nom is empty",
		`line 5: geo_point_2d is "48.86"`,
		"line 6: geo_point_2d is \"91, 2.38\"",
		`line 6: ouvert_24h: "Peut-être" is neither Oui nor Non`,
		`line 7: identifiant "A" is already used on line 2`,
		"line 8: 4 fields where the header has 6",
	}
	got := ie.Lines()
	if len(got) != len(want) {
		t.Fatalf("problems:\n%s", ie)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d = %q, want %q…", i, got[i], want[i])
		}
	}

	for name, bad := range map[string]string{
		"empty":       "",
		"no header":   "foo;bar\n1;2\n",
		"header only": head,
		"bad quotes":  head + "A;\"Parc;Parc;75011;Non;48.86, 2.38\n",
	} {
		if _, err := ParseCSV(strings.NewReader(bad), "s"); !errors.As(err, &ie) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	big := strings.NewReader(head + strings.Repeat("x", MaxFileBytes))
	if _, err := ParseCSV(big, "s"); !errors.As(err, &ie) || !strings.Contains(err.Error(), "larger") {
		t.Errorf("oversized file: %v", err)
	}
}

func TestImportUpsertsAllOrNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seedDistricts(t, d)
		s := NewStore(d)
		res, err := s.ImportCSV(ctx, strings.NewReader(fixture), "ilots-test")
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 3 || res.Updated != 0 || res.UnknownHours != 1 || res.NoDistrict != 1 {
			t.Fatalf("first import: %+v", res)
		}
		near, err := s.Nearest(ctx, Point{48.86, 2.38}, time.Now(), false, 3, false)
		if err != nil || len(near) != 3 {
			t.Fatalf("nearest: %v, %v", near, err)
		}
		a := near[0].Place
		if a.SourceID != "P1" || a.DistrictCode != "11" || a.Source != "ilots-test" || !a.HeatwaveOpen ||
			a.Hours.String() != "mon=08:00-21:30;tue=08:00-21:30;wed=08:00-21:30;thu=08:00-21:30;fri=08:00-21:30;sat=09:00-21:30;sun=09:00-21:30" {
			t.Errorf("stored A: %+v", a)
		}
		if b := near[1].Place; b.DistrictCode != "11" || !b.Paying || b.Kind != Pool {
			t.Errorf("stored B: %+v", b)
		}
		if c := near[2].Place; c.DistrictCode != "" || !c.Open24h {
			t.Errorf("stored C: %+v", c)
		}

		// A second import of an edited file updates by identifiant.
		edited := strings.Replace(fixture, "Parc A;", "Parc A renamed;", 1)
		res, err = s.ImportCSV(ctx, strings.NewReader(edited), "ilots-test")
		if err != nil || res.Created != 0 || res.Updated != 3 {
			t.Fatalf("second import: %+v, %v", res, err)
		}
		if got, _ := s.Get(ctx, a.ID); got.Name != "Parc A renamed" {
			t.Errorf("after update: %q", got.Name)
		}

	})
}

// A row that fails in the database after earlier rows were written rolls
// them back too.
func TestImportRollsBackMidway(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		rows := []Row{
			{Place: Place{SourceID: "ok", Name: "OK", Kind: Park, Point: Point{48.86, 2.38}}},
			{Place: Place{SourceID: "nan", Name: "bad", Kind: Park, Point: Point{48.86, 2.38}}},
		}
		// A trigger refuses the second row, after the first was written.
		var err error
		if d.Engine == db.SQLite {
			_, err = d.Exec(ctx, `CREATE TRIGGER refuse_nan BEFORE INSERT ON cool_places
				FOR EACH ROW WHEN NEW.source_id = 'nan' BEGIN SELECT RAISE(ABORT, 'refused'); END`)
		} else {
			_, err = d.Exec(ctx, `CREATE FUNCTION refuse_nan() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN IF NEW.source_id = 'nan' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$`)
			if err == nil {
				_, err = d.Exec(ctx, `CREATE TRIGGER refuse_nan BEFORE INSERT ON cool_places
					FOR EACH ROW EXECUTE FUNCTION refuse_nan()`)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, rows); err == nil {
			t.Fatal("import succeeded")
		}
		if n, _ := s.Count(ctx); n != 0 {
			t.Errorf("%d places written by a failed import", n)
		}
	})
}

func TestNearest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seedDistricts(t, d)
		if err := d.Tx(ctx, func(tx *db.Tx) error { return SeedDemo(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		// Seeding twice updates.
		if err := d.Tx(ctx, func(tx *db.Tx) error { return SeedDemo(ctx, tx) }); err != nil {
			t.Fatal(err)
		}
		s := NewStore(d)
		if n, _ := s.Count(ctx); n != len(demoPlaces) {
			t.Fatalf("%d places, want %d", n, len(demoPlaces))
		}

		// Place de la République: the nearest is the square du Temple.
		republique := Point{48.8674, 2.3636}
		day := paris("2026-07-07 12:00") // a Tuesday
		near, err := s.Nearest(ctx, republique, day, false, 5, false)
		if err != nil || len(near) != 5 {
			t.Fatalf("%v, %v", near, err)
		}
		if near[0].Name != "Square du Temple – Elie-Wiesel" || near[0].DistanceM > 600 || near[0].DistanceM < 200 || !near[0].OpenNow {
			t.Errorf("nearest: %+v", near[0])
		}
		for i := 1; i < len(near); i++ {
			if near[i].DistanceM < near[i-1].DistanceM {
				t.Errorf("not in distance order: %v", near)
			}
		}
		if near[0].DistrictCode != "3" {
			t.Errorf("district %q", near[0].DistrictCode)
		}

		// At 3 a.m. only places open around the clock are open, plus those
		// with heatwave night openings during a heatwave.
		night := paris("2026-07-07 03:00")
		plain, err := s.Nearest(ctx, republique, night, false, 5, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range plain {
			if !n.Open24h && !n.SummerNightOpen || !n.OpenNow {
				t.Errorf("open at 3 a.m. without a night opening: %s", n.Name)
			}
		}
		hot, err := s.Nearest(ctx, republique, night, true, 5, true)
		if err != nil {
			t.Fatal(err)
		}
		if hot[0].Name != "Parc de Belleville" {
			t.Errorf("nearest open at 3 a.m. in a heatwave: %s (%.0f m)", hot[0].Name, hot[0].DistanceM)
		}
		if plain[0].Name == "Parc de Belleville" {
			t.Error("Belleville open at night without a heatwave")
		}
		// The heatwave is per district: Belleville (20th) keeps its night
		// opening only where the alert is.
		for _, c := range []struct {
			hot  string
			want bool
		}{{"20", true}, {"11", false}} {
			found, err := s.Search(ctx, Query{From: republique, At: night, Hot: func(code string) bool { return code == c.hot },
				Limit: 10, OpenOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			has := slices.ContainsFunc(found, func(n Nearby) bool { return n.Name == "Parc de Belleville" })
			if has != c.want {
				t.Errorf("heatwave in the %s: Belleville open at night %v, want %v", c.hot, has, c.want)
			}
		}
		// A kind is filtered in the search itself: the nearest pool, however
		// many other places are nearer.
		pools, err := s.Search(ctx, Query{From: republique, At: day, Kind: Pool, Limit: 1})
		if err != nil || len(pools) != 1 || pools[0].Kind != Pool {
			t.Errorf("nearest pool: %+v, %v", pools, err)
		}

		// All of them, far away: the box widens to the whole table.
		all, err := s.Nearest(ctx, Point{45.76, 4.83}, day, false, 100, false)
		if err != nil || len(all) != len(demoPlaces) {
			t.Errorf("from Lyon: %d places, %v", len(all), err)
		}
	})
}

// The City's real file, when the shared data folder holds it.
func TestImportRealOpenData(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data")
	matches, _ := filepath.Glob(filepath.Join(dir, "ilots-de-fraicheur*.csv"))
	if len(matches) == 0 {
		t.Skip("no ilots-de-fraicheur*.csv in " + dir)
	}
	for _, m := range matches {
		f, err := os.Open(m)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := ParseCSV(f, filepath.Base(m))
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", m, err)
		}
		if len(rows) < 10 {
			t.Errorf("%s: only %d rows", m, len(rows))
		}
	}
}
