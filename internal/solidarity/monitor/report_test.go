package monitor

import (
	"context"
	"errors"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestReportFiguresByDistrict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := newTestService(d)
		rep, err := s.Report(context.Background(), f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		hm := func(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }
		// District 4 counts the person whose district left (inactive): in
		// scope, matched, called and fine. First calls 46 h, 18 h and 45 h
		// after assignment; in 11, 22 h and 47 h 30.
		want := []ReportRow{
			{Code: "4", Name: "Hôtel-de-Ville", People: 5, Matched: 4, Unmatched: 1, Calls: 4, Fine: 2, NeededHelp: 1,
				Volunteers: 2, MedianFirstCall: hm(45, 0), Called: 3},
			{Code: "11", Name: "Popincourt", People: 2, Matched: 2, Calls: 4, Fine: 1, UnreachedEscalations: 1,
				OverdueEscalations: 1, Volunteers: 2, MedianFirstCall: hm(34, 45), Called: 2},
			{Code: "12", Name: "=Reuilly"},
		}
		if len(rep.Districts) != len(want) {
			t.Fatalf("districts %+v", rep.Districts)
		}
		for i, w := range want {
			if rep.Districts[i] != w {
				t.Errorf("district %d:\n got %+v\nwant %+v", i, rep.Districts[i], w)
			}
		}
		total := ReportRow{People: 7, Matched: 6, Unmatched: 1, Calls: 8, Fine: 3, NeededHelp: 1, UnreachedEscalations: 1,
			OverdueEscalations: 1, Volunteers: 3, MedianFirstCall: hm(45, 0), Called: 5}
		if rep.Total != total {
			t.Errorf("total:\n got %+v\nwant %+v", rep.Total, total)
		}
		if rep.Districts[2].HasMedian() || !rep.Total.HasMedian() {
			t.Error("HasMedian")
		}
		if rep.Districts[1].MedianHours() != 34 || rep.Districts[1].MedianMinutes() != 45 {
			t.Errorf("34 h 45 split as %d h %d", rep.Districts[1].MedianHours(), rep.Districts[1].MedianMinutes())
		}
	})
}

func TestReportCountsAVolunteerWhoCalledThenLeft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := newTestService(d)
		ctx := context.Background()
		// B1 is reassigned from V3 to V1 10 hours ago, after V3's calls;
		// V1 calls 2 hours later.
		if _, err := d.Exec(ctx, "UPDATE solidarity_assignments SET volunteer_id = ?, assigned_at = ? WHERE id = ?",
			f.V1, f.Now.Add(-10*time.Hour), f.B1); err != nil {
			t.Fatal(err)
		}
		addCall(t, d, f.Episode, f.B1, f.V1, "fine", f.Now.Add(-8*time.Hour))
		rep, err := s.Report(ctx, f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		// 11 now involves V1 (assigned), V2 (assigned) and V3 (called).
		if got := rep.Districts[1].Volunteers; got != 3 {
			t.Errorf("volunteers in 11: %d, want 3", got)
		}
		// The time runs from the latest assignment to the first call after
		// it: 2 h for B1 (V3's earlier calls do not make it 0), 47 h 30 for b2.
		if got := rep.Districts[1]; got.MedianFirstCall != 24*time.Hour+45*time.Minute || got.Called != 2 {
			t.Errorf("median in 11: %v over %d, want 24h45m (2 h and 47 h 30) over 2", got.MedianFirstCall, got.Called)
		}
		if rep.Total.Volunteers != 3 {
			t.Errorf("total volunteers %d", rep.Total.Volunteers)
		}
	})
}

// Reassigned and not called since: the person leaves the median (the
// tables keep no earlier assignment time to measure from).
func TestReportMedianLeavesOutPeopleNotCalledSinceReassigned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := d.Exec(ctx, "UPDATE solidarity_assignments SET volunteer_id = ?, assigned_at = ? WHERE id = ?",
			f.V1, f.Now, f.B1); err != nil {
			t.Fatal(err)
		}
		rep, err := newTestService(d).Report(ctx, f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		if got := rep.Districts[1]; got.MedianFirstCall != 47*time.Hour+30*time.Minute || got.Called != 1 {
			t.Errorf("median in 11: %v over %d, want 47h30m over 1", got.MedianFirstCall, got.Called)
		}
	})
}

func TestReportOfUnknownEpisode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		if _, err := newTestService(d).Report(context.Background(), 404); !errors.Is(err, ErrNotFound) {
			t.Errorf("got %v", err)
		}
	})
}

func TestEpisodesListLatestFirst(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := newTestService(d)
		ctx := context.Background()
		list, total, err := s.Episodes(ctx, 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(list) != 2 {
			t.Fatalf("total %d, list %+v", total, list)
		}
		heat, flood := list[0], list[1]
		if heat.ID != f.Episode || heat.EndedAt != nil || heat.People != 7 || heat.Calls != 8 || len(heat.Districts) != 3 ||
			heat.Districts[0].Code != "4" || heat.Districts[2].RemovedAt == nil {
			t.Errorf("heat episode %+v", heat)
		}
		if flood.ID != f.Other || flood.EndedAt == nil || flood.People != 1 || flood.Calls != 1 || len(flood.Districts) != 1 {
			t.Errorf("flood episode %+v", flood)
		}
		if page2, total, err := s.Episodes(ctx, 1, 1); err != nil || total != 2 || len(page2) != 1 || page2[0].ID != f.Other {
			t.Errorf("second page: %+v %d %v", page2, total, err)
		}
		open, err := s.OpenEpisodes(ctx)
		if err != nil || len(open) != 1 || open[0].ID != f.Episode {
			t.Errorf("open episodes %+v %v", open, err)
		}
	})
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []int64
		n    int
		want time.Duration
	}{
		{nil, 0, 0},
		{[]int64{60}, 1, time.Minute},
		{[]int64{300, 60, 120}, 3, 2 * time.Minute},
		{[]int64{60, 120, 240, 600}, 4, 3 * time.Minute},
	} {
		n, got := median(c.in)
		if n != c.n || got != c.want {
			t.Errorf("median(%v) = %d, %v; want %d, %v", c.in, n, got, c.n, c.want)
		}
	}
}
