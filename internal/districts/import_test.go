package districts_test

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

var parisOptions = districts.ImportOptions{CodeProperty: "c_ar", NameProperty: "l_aroff"}

// parisFile is the open-data file shared for tests; it is never copied into
// the repository, so the test skips where it is absent.
func parisFile(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", "paris-arrondissements.geojson")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("skipped: %s is absent (the shared open-data folder is not next to the repository)", path)
	}
	return path
}

// The official file: 20 districts whose computed areas and centroids agree
// with the surfaces and centres the City publishes with it.
func TestParseParisArrondissements(t *testing.T) {
	path := parisFile(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feats, err := districts.ParseGeoJSON(f, parisOptions)
	if err != nil {
		t.Fatal(err)
	}
	if len(feats) != 20 {
		t.Fatalf("%d districts, want 20", len(feats))
	}
	official := officialFigures(t, path)
	var worstArea, worstCentre float64
	for _, d := range feats {
		want, ok := official[d.Code]
		if !ok {
			t.Errorf("unexpected code %q", d.Code)
			continue
		}
		rel := math.Abs(d.AreaKm2-want.km2) / want.km2
		worstArea = math.Max(worstArea, rel)
		worstCentre = math.Max(worstCentre, math.Max(math.Abs(d.Lat-want.lat), math.Abs(d.Lon-want.lon)))
		if rel > 0.02 {
			t.Errorf("%s %s: area %.3f km², official %.3f (%.1f %% off)", d.Code, d.Name, d.AreaKm2, want.km2, rel*100)
		}
		if math.Abs(d.Lat-want.lat) > 0.005 || math.Abs(d.Lon-want.lon) > 0.005 {
			t.Errorf("%s %s: centroid %.4f, %.4f, official %.4f, %.4f", d.Code, d.Name, d.Lat, d.Lon, want.lat, want.lon)
		}
		code, _ := strconv.Atoi(d.Code)
		if d.Position != code {
			t.Errorf("%s: position %d, want the numeric order", d.Code, d.Position)
		}
		if d.Boundary == "" || d.HasPopulation {
			t.Errorf("%s: boundary %d bytes, population given %v", d.Code, len(d.Boundary), d.HasPopulation)
		}
	}
	t.Logf("worst area difference %.2f %%, worst centroid difference %.5f°", worstArea*100, worstCentre)
}

type figures struct{ km2, lat, lon float64 }

// officialFigures reads the published surface (m²) and centre (geom_x_y,
// [lat, lon]) of each arrondissement from the file itself.
func officialFigures(t *testing.T, path string) map[string]figures {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Features []struct {
			Properties struct {
				Code    json.Number `json:"c_ar"`
				Surface float64     `json:"surface"`
				Centre  [2]float64  `json:"geom_x_y"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	out := map[string]figures{}
	for _, f := range file.Features {
		p := f.Properties
		out[p.Code.String()] = figures{p.Surface / 1e6, p.Centre[0], p.Centre[1]}
	}
	return out
}

// Importing over the demo keeps the populations, adds the boundaries and
// is idempotent.
func TestImportParisOverDemo(t *testing.T) {
	path := parisFile(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadParisDemo(t, d)
		store := districts.NewStore(d)
		for run, want := range []districts.ImportResult{{Updated: 20}, {Updated: 20}} {
			f, _ := os.Open(path)
			feats, err := districts.ParseGeoJSON(f, parisOptions)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			res, err := store.Import(ctx, feats)
			if err != nil || res != want {
				t.Fatalf("run %d: %+v, %v", run, res, err)
			}
		}
		ds, _ := store.List(ctx)
		if len(ds) != 20 || ds[0].Code != "1" || ds[19].Code != "20" || ds[14].Population != 227700 {
			t.Fatalf("after import: %+v", ds)
		}
		if ds[11].AreaKm2 < 16 || ds[11].AreaKm2 > 16.7 { // Reuilly, with the Bois de Vincennes
			t.Errorf("12th: %.2f km²", ds[11].AreaKm2)
		}
		shapes, err := store.Shapes(ctx)
		if err != nil || len(shapes) != 20 || len(shapes["16"]) == 0 {
			t.Fatalf("shapes: %d, %v", len(shapes), err)
		}
	})
}

func loadParisDemo(t *testing.T, d *db.DB) {
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
