package registry

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/sealed"
)

// After a rotation every value is resealed under the new key, and the
// registry still opens once the old key is gone from the file.
func TestResealAfterRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		var ids []int64
		for i := range 5 {
			ids = append(ids, e.create(t, owner, ScopeMine, person(i+1)))
		}
		oldID := e.keys.PrimaryID()
		newID, err := e.keys.Rotate(e.dir)
		if err != nil {
			t.Fatal(err)
		}
		// One entry is written after the rotation: already under the new key.
		ids = append(ids, e.create(t, owner, ScopeMine, person(9)))
		// One value is damaged: listed, not fatal.
		bad := e.create(t, owner, ScopeMine, person(10))
		if _, err := d.Exec(ctx, "UPDATE registry_people SET point_sealed = card_sealed WHERE id = ?", bad); err != nil {
			t.Fatal(err)
		}

		for _, c := range SealedColumns {
			res, err := ResealColumn(ctx, d, e.keys, c)
			if err != nil {
				t.Fatal(err)
			}
			wantFailed := 0
			if c.Place == "point" {
				wantFailed = 1
			}
			if res.Resealed != 5 || len(res.Failed) != wantFailed || res.Checked != 7-wantFailed {
				t.Errorf("%s: %+v", c, res)
			}
			again, err := ResealColumn(ctx, d, e.keys, c)
			if err != nil || again.Resealed != 0 {
				t.Errorf("%s second walk: %+v %v", c, again, err)
			}
		}
		if _, err := d.Exec(ctx, "DELETE FROM registry_people WHERE id = ?", bad); err != nil {
			t.Fatal(err)
		}

		// Drop the old key from the file and load the keys afresh.
		path := filepath.Join(e.dir, sealed.FileName)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var kept []string
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, oldID+":") {
				kept = append(kept, line)
			}
		}
		if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
		keys, err := sealed.Load("", e.dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := keys.IDs(); len(got) != 1 || got[0] != newID {
			t.Fatalf("keys after removing the old one: %v", got)
		}
		svc, err := NewService(Deps{DB: d, Keys: keys, Districts: e.svc.Districts, Clock: e.clock.now})
		if err != nil {
			t.Fatal(err)
		}
		for i, id := range ids {
			got, err := svc.Get(ctx, owner, ScopeMine, id)
			if err != nil {
				t.Fatalf("entry %d after the rotation: %v", id, err)
			}
			if want := person(i + 1); i < 5 && got.Card.Name != want.Name {
				t.Errorf("entry %d: %q", id, got.Card.Name)
			}
		}
		// The phone index does not change with the keys.
		if p, errs, err := svc.List(ctx, e.user(t, "coordinator"), Filter{Phone: person(2).Phone}); err != nil || len(errs) > 0 || p.Total != 1 {
			t.Errorf("phone search after rotation: %d %v %v", p.Total, errs, err)
		}
	})
}
