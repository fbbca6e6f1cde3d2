package districts_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

func TestImportAccepts(t *testing.T) {
	opts := districts.ImportOptions{CodeProperty: "code", NameProperty: "name", PopulationProperty: "pop"}
	// A 0.01° square on the equator with a hole of a quarter of it in the
	// north-east corner: 0.75 of 1.2364 km², the centre pulled south-west.
	outer := `[[0,0],[0.01,0],[0.01,0.01],[0,0.01],[0,0]]`
	hole := `[[0.005,0.005],[0.005,0.01],[0.01,0.01],[0.01,0.005],[0.005,0.005]]`
	file := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[` +
		feature(`"code":"10","name":"Dix","pop":"1200"`, polygon(outer, hole)) + "," +
		feature(`"code":"2","name":"Deux","pop":3`, `{"type":"MultiPolygon","coordinates":[[`+outer+`]]}`) + `]}`
	feats, err := districts.ParseGeoJSON(strings.NewReader(file), opts)
	if err != nil {
		t.Fatal(err)
	}
	ten, two := feats[0], feats[1]
	if math.Abs(ten.AreaKm2-0.75*1.2364)/0.9273 > 0.005 || math.Abs(two.AreaKm2-1.2364)/1.2364 > 0.005 {
		t.Errorf("areas %.4f and %.4f km²", ten.AreaKm2, two.AreaKm2)
	}
	// Centroid of an L of three quarters: (5/12)·0.01 from the south-west corner.
	if math.Abs(ten.Lat-0.01*5/12) > 1e-6 || math.Abs(ten.Lon-0.01*5/12) > 1e-6 {
		t.Errorf("centroid %.6f, %.6f", ten.Lat, ten.Lon)
	}
	if ten.Position != 10 || two.Position != 2 || ten.Population != 1200 || !ten.HasPopulation {
		t.Errorf("positions %d, %d; population %d", ten.Position, two.Position, ten.Population)
	}
	// Codes that are not all numbers keep the file's order.
	feats, err = districts.ParseGeoJSON(strings.NewReader(collection(
		feature(`"code":"b","name":"B","pop":1`, polygon(okRing)),
		feature(`"code":"10","name":"Ten","pop":1`, polygon(okRing)),
		feature(`"code":"a","name":"A","pop":1`, polygon(okRing)))), opts)
	if err != nil || feats[0].Position != 1 || feats[1].Position != 2 || feats[2].Position != 3 {
		t.Errorf("file order: %+v, %v", feats, err)
	}
	for _, crs := range []string{"EPSG:4326", "urn:ogc:def:crs:EPSG::4326", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"} {
		f := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"` + crs + `"}},"features":[` + good + `]}`
		if _, err := districts.ParseGeoJSON(strings.NewReader(f), parisOptions); err != nil {
			t.Errorf("crs %s refused: %v", crs, err)
		}
	}
}

// A file with many problems lists the first ones and counts the rest.
func TestImportErrorIsShort(t *testing.T) {
	var fs []string
	for range 30 {
		fs = append(fs, feature(`"l_aroff":"X"`, polygon(okRing)))
	}
	_, err := districts.ParseGeoJSON(strings.NewReader(collection(fs...)), parisOptions)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != districts.MaxProblemLines || lines[19] != "… and 11 more problems" {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

// A new district is created with its boundary; populations from the file
// replace known ones.
func TestImportCreates(t *testing.T) {
	opts := districts.ImportOptions{CodeProperty: "c_ar", NameProperty: "l_aroff", PopulationProperty: "pop"}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadParisDemo(t, d)
		store := districts.NewStore(d)
		file := collection(
			feature(`"c_ar":1,"l_aroff":"Paris Centre","pop":100600`, polygon(okRing)),
			feature(`"c_ar":21,"l_aroff":"Nouveau","pop":7`, polygon(okRing)))
		res, err := store.ImportGeoJSON(ctx, strings.NewReader(file), opts)
		if err != nil || res != (districts.ImportResult{Created: 1, Updated: 1}) {
			t.Fatalf("%+v, %v", res, err)
		}
		one, _ := store.Get(ctx, "1")
		nw, _ := store.Get(ctx, "21")
		if one.Name != "Paris Centre" || one.Population != 100600 || nw.Population != 7 || nw.Position != 21 {
			t.Errorf("%+v %+v", one, nw)
		}
		if n, _ := store.Count(ctx); n != 21 {
			t.Errorf("%d districts: the others must stay", n)
		}
		if _, err := store.Get(ctx, "99"); err != districts.ErrNotFound {
			t.Errorf("unknown code: %v", err)
		}
		shapes, _ := store.Shapes(ctx)
		if len(shapes) != 2 || fmt.Sprint(shapes["21"][0][0][0]) != "[2.33 48.86]" {
			t.Errorf("shapes %v", shapes)
		}
		// A new boundary shows at once (the parsed shapes are cached).
		moved := feature(`"c_ar":21,"l_aroff":"Nouveau","pop":7`, polygon(`[[2.4,48.8],[2.41,48.8],[2.41,48.81],[2.4,48.8]]`))
		if _, err := store.ImportGeoJSON(ctx, strings.NewReader(collection(moved)), opts); err != nil {
			t.Fatal(err)
		}
		shapes, _ = store.Shapes(ctx)
		if len(shapes) != 2 || fmt.Sprint(shapes["21"][0][0][0]) != "[2.4 48.8]" {
			t.Errorf("after a new import: %v", shapes["21"])
		}
	})
}
