package districts_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
)

// A small square near the Louvre, closed, in WGS84.
const okRing = `[[2.33,48.86],[2.34,48.86],[2.34,48.87],[2.33,48.87],[2.33,48.86]]`

func feature(props, geometry string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{%s},"geometry":%s}`, props, geometry)
}

func polygon(rings ...string) string {
	return `{"type":"Polygon","coordinates":[` + strings.Join(rings, ",") + `]}`
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
}

var good = feature(`"c_ar":1,"l_aroff":"Louvre"`, polygon(okRing))

// Each bad file is refused with the feature's index and the reason, and the
// database keeps what it had.
func TestImportRefusals(t *testing.T) {
	opts := districts.ImportOptions{CodeProperty: "c_ar", NameProperty: "l_aroff", PopulationProperty: "pop"}
	withPop := func(props string) string { return props + `,"pop":100` }
	ok := feature(withPop(`"c_ar":1,"l_aroff":"Louvre"`), polygon(okRing))
	cases := []struct {
		name, file string
		want       []string
	}{
		{"missing code", collection(ok, feature(withPop(`"l_aroff":"Bourse"`), polygon(okRing))),
			[]string{`features[1]: property "c_ar" is missing`}},
		{"empty name", collection(feature(withPop(`"c_ar":2,"l_aroff":"  "`), polygon(okRing))),
			[]string{`features[0]: property "l_aroff" is empty`}},
		{"code is an object", collection(feature(withPop(`"c_ar":{"n":2},"l_aroff":"Bourse"`), polygon(okRing))),
			[]string{`features[0]: property "c_ar" must be a string or a number, not an object`}},
		{"duplicate code", collection(ok, feature(withPop(`"c_ar":"2","l_aroff":"Bourse"`), polygon(okRing)), ok),
			[]string{`features[2]: code "1" is already used by features[0]`}},
		{"point", collection(feature(withPop(`"c_ar":1,"l_aroff":"Louvre"`), `{"type":"Point","coordinates":[2.33,48.86]}`)),
			[]string{`features[0]: geometry type "Point" is not supported (only Polygon and MultiPolygon)`}},
		{"no geometry", collection(ok, feature(withPop(`"c_ar":2,"l_aroff":"Bourse"`), `null`)),
			[]string{`features[1]: geometry is missing`}},
		{"unclosed ring", collection(feature(withPop(`"c_ar":1,"l_aroff":"Louvre"`),
			polygon(`[[2.33,48.86],[2.34,48.86],[2.34,48.87],[2.33,48.87],[2.33,48.861]]`))),
			[]string{`features[0]: polygon 0, ring 0: is not closed`}},
		{"short ring", collection(ok, feature(withPop(`"c_ar":2,"l_aroff":"Bourse"`), polygon(`[[2.33,48.86],[2.34,48.86],[2.33,48.86]]`))),
			[]string{`features[1]: polygon 0, ring 0: has 3 positions; a ring needs at least 4`}},
		{"bad hole in a multipolygon", collection(feature(withPop(`"c_ar":1,"l_aroff":"Louvre"`),
			`{"type":"MultiPolygon","coordinates":[[`+okRing+`],[`+okRing+`,[[2.331,48.861],[2.332,48.861],[2.331,48.861]]]]}`)),
			[]string{`features[0]: polygon 1, ring 1: has 3 positions`}},
		{"Lambert-93", collection(feature(withPop(`"c_ar":1,"l_aroff":"Louvre"`),
			polygon(`[[651000,6862000],[652000,6862000],[652000,6863000],[651000,6862000]]`))),
			[]string{`features[0]: polygon 0, ring 0: position [651000, 6862000] is not a WGS84 longitude and latitude: the file looks projected`}},
		{"projected crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[` + ok + `]}`,
			[]string{`file: "crs" is urn:ogc:def:crs:EPSG::2154; only WGS84 (CRS84 or EPSG:4326) is accepted`}},
		{"bad population", collection(feature(`"c_ar":1,"l_aroff":"Louvre","pop":-3`, polygon(okRing))),
			[]string{`features[0]: property "pop" is "-3"; a whole number of residents is expected`}},
		{"several problems", collection(feature(`"l_aroff":"Louvre"`, `{"type":"LineString","coordinates":[]}`)),
			[]string{`features[0]: property "c_ar" is missing`, `features[0]: property "pop" is missing`, `features[0]: geometry type "LineString"`}},
		{"a single feature", feature(withPop(`"c_ar":1,"l_aroff":"Louvre"`), polygon(okRing)),
			[]string{`file: type is "Feature"; a "FeatureCollection" is expected`}},
		{"no features", collection(), []string{"file: the collection has no features"}},
		{"broken JSON", "{\"type\":\"FeatureCollection\",\n\"features\":[\n{,}]}", []string{"file: not valid JSON: line 3: invalid character ','"}},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		loadParisDemo(t, d)
		store := districts.NewStore(d)
		before, _ := store.List(ctx)
		for _, c := range cases {
			_, err := store.ImportGeoJSON(ctx, strings.NewReader(c.file), opts)
			var ie *districts.ImportError
			if !errors.As(err, &ie) {
				t.Errorf("%s: error %v, want an ImportError", c.name, err)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%s: %q lacks %q", c.name, err.Error(), w)
				}
			}
			after, _ := store.List(ctx)
			if !reflect.DeepEqual(before, after) {
				t.Errorf("%s: the database changed", c.name)
			}
		}
		if shapes, _ := store.Shapes(ctx); len(shapes) != 0 {
			t.Errorf("boundaries written: %d", len(shapes))
		}
	})
}
