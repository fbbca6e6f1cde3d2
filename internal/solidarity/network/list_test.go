package network

import (
	"context"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		fx := newFixture(t, d)
		ctx := context.Background()
		// Two in the 11e (one also covers the 1er), one in the 16e who
		// speaks Arabic, one who left.
		a := fx.volunteer(t, "11")
		fx.join(t, a, input()) // 11 + 1, capacity 3, fr en
		b := fx.volunteer(t, "11")
		in := input()
		in.Districts, in.Capacity = []string{"11"}, "2"
		fx.join(t, b, in)
		c := fx.volunteer(t, "16")
		in = input()
		in.Districts, in.Languages, in.Capacity = []string{"16"}, []string{"ar"}, "5"
		fx.join(t, c, in)
		gone := fx.volunteer(t, "16")
		fx.join(t, gone, in)
		if err := fx.svc.Withdraw(ctx, gone); err != nil {
			t.Fatal(err)
		}

		l, err := fx.svc.List(ctx, ListFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 4 || len(l.Rows) != 4 || l.Rows[0].UserID != gone || l.Rows[3].UserID != a {
			t.Fatalf("newest first: %+v", l.Rows)
		}
		if r := l.Rows[3]; r.Name == "" || !r.Trained || r.Capacity != 3 || len(r.Districts) != 2 || len(r.Languages) != 2 {
			t.Fatalf("row %+v", r)
		}
		if l.Counts != (DistrictCount{Members: 3, Ready: 3, Capacity: 10}) {
			t.Fatalf("totals %+v", l.Counts)
		}
		if l.ByDistrict["11"] != (DistrictCount{Code: "11", Members: 2, Ready: 2, Capacity: 5}) ||
			l.ByDistrict["1"].Members != 1 || l.ByDistrict["16"] != (DistrictCount{Code: "16", Members: 1, Ready: 1, Capacity: 5}) {
			t.Fatalf("by district %+v", l.ByDistrict)
		}

		for _, c := range []struct {
			f    ListFilter
			want []int64
		}{
			{ListFilter{District: "1"}, []int64{a}},
			{ListFilter{District: "16"}, []int64{gone, c}},
			{ListFilter{Language: "ar"}, []int64{gone, c}},
			{ListFilter{Language: "ar", State: StateActive}, []int64{c}},
			{ListFilter{State: StateWithdrawn}, []int64{gone}},
			{ListFilter{State: StateRetrain}, nil},
			{ListFilter{District: "99"}, nil},
			{ListFilter{Limit: 2, Offset: 2}, []int64{b, a}},
		} {
			l, err := fx.svc.List(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, r := range l.Rows {
				got = append(got, r.UserID)
			}
			if len(got) != len(c.want) || (len(got) > 0 && (got[0] != c.want[0] || got[len(got)-1] != c.want[len(c.want)-1])) {
				t.Errorf("%+v: %v, want %v", c.f, got, c.want)
			}
		}

		// A new training version sends everyone back to "retrain".
		fx.svc.Training.Version = 2
		l, err = fx.svc.List(ctx, ListFilter{State: StateRetrain})
		if err != nil || l.Total != 3 || l.Counts.Ready != 0 || l.Rows[0].Trained {
			t.Fatalf("after a new version: %+v %v", l, err)
		}
		if !(ListFilter{State: "ready"}).Valid() || (ListFilter{State: "gone"}).Valid() || (ListFilter{Language: "xx"}).Valid() {
			t.Fatal("Valid")
		}
	})
}
