package monitor

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func newTestService(d *db.DB) *Service { return NewService(Deps{DB: d}) }

func TestSnapshotCountsEachFigure(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := newTestService(d)
		snap, err := s.Snapshot(context.Background(), f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		if snap.EpisodeID != f.Episode || snap.Ended || snap.Episode.Hazard != HazardHeat {
			t.Errorf("episode %d ended %v hazard %q", snap.EpisodeID, snap.Ended, snap.Episode.Hazard)
		}
		want := []DistrictFigures{
			{Code: "4", Name: "Hôtel-de-Ville", Level: 3, Figures: Figures{People: 4, Matched: 3, Unmatched: 1, Called: 2,
				Fine: 1, NeedsHelp: 1, NotReached: 0, NotCalled: 2, Overdue: 1, Volunteers: 2, Callers: 2,
				Escalations: Escalations{NeedsHelp: 1, Unmatched: 1, Waiting: 2}}},
			{Code: "11", Name: "Popincourt", Level: 4, Figures: Figures{People: 2, Matched: 2, Unmatched: 0, Called: 2,
				Fine: 1, NeedsHelp: 0, NotReached: 1, NotCalled: 0, Overdue: 1, Volunteers: 2, Callers: 2,
				Escalations: Escalations{Unreached: 1, Waiting: 1}}},
			{Code: "12", Name: "=Reuilly", Level: 3, Left: true},
		}
		if len(snap.Districts) != len(want) {
			t.Fatalf("districts: %+v", snap.Districts)
		}
		for i, w := range want {
			if snap.Districts[i] != w {
				t.Errorf("district %d:\n got %+v\nwant %+v", i, snap.Districts[i], w)
			}
		}
		// Volunteers and callers are distinct people over the episode: V2
		// works in two districts and counts once.
		total := Figures{People: 6, Matched: 5, Unmatched: 1, Called: 4, Fine: 2, NeedsHelp: 1, NotReached: 1, NotCalled: 2,
			Overdue: 2, Volunteers: 3, Callers: 3, Escalations: Escalations{NeedsHelp: 1, Unreached: 1, Unmatched: 1, Waiting: 3}}
		if snap.Total != total {
			t.Errorf("total:\n got %+v\nwant %+v", snap.Total, total)
		}
	})
}

func TestSnapshotCallersLookBack24Hours(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := newTestService(d)
		ctx := context.Background()
		// V3's only recent call goes back beyond the window: V3 no longer
		// counts among those who called, in district 11 or in total.
		if _, err := d.Exec(ctx, "UPDATE solidarity_calls SET called_at = ? WHERE volunteer_id = ?", f.Now.Add(-25*time.Hour), f.V3); err != nil {
			t.Fatal(err)
		}
		syncLastCalls(t, d)
		snap, err := s.Snapshot(ctx, f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		if got := snap.Districts[1].Callers; got != 1 {
			t.Errorf("callers in 11: %d, want 1", got)
		}
		if snap.Total.Callers != 2 || snap.Total.Volunteers != 3 {
			t.Errorf("total callers %d volunteers %d, want 2 and 3", snap.Total.Callers, snap.Total.Volunteers)
		}
	})
}

// Those who called are the calls' volunteers, not the assignments'
// current ones: B1, called by V3, is reassigned to V2.
func TestSnapshotCallersAreWhoCalledNotWhoIsAssigned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		if _, err := d.Exec(ctx, "UPDATE solidarity_assignments SET volunteer_id = ?, assigned_at = ?, next_due_at = ? WHERE id = ?",
			f.V2, f.Now, f.Now.Add(24*time.Hour), f.B1); err != nil {
			t.Fatal(err)
		}
		snap, err := newTestService(d).Snapshot(ctx, f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		if got := snap.Districts[1].Figures; got.Volunteers != 1 || got.Callers != 2 {
			t.Errorf("11: volunteers %d callers %d, want 1 (V2) and 2 (V2, V3)", got.Volunteers, got.Callers)
		}
		if snap.Total.Volunteers != 2 || snap.Total.Callers != 3 {
			t.Errorf("total volunteers %d callers %d, want 2 and 3", snap.Total.Volunteers, snap.Total.Callers)
		}
	})
}

// An ended episode's assignments have all stopped: its snapshot shows the
// final figures, over everyone it took in as its report does, as they
// stood when it ended (overdue calls and callers then; nothing waits).
func TestSnapshotOfEndedEpisodeKeepsItsFinalFigures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		endEpisode(t, d, f.Episode, f.Now)
		snap, err := newTestService(d).Snapshot(context.Background(), f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		total := Figures{People: 7, Matched: 6, Unmatched: 1, Called: 5, Fine: 3, NeedsHelp: 1, NotReached: 1, NotCalled: 2,
			Overdue: 2, Volunteers: 3, Callers: 3}
		if !snap.Ended || snap.Total != total {
			t.Errorf("ended %v, total:\n got %+v\nwant %+v", snap.Ended, snap.Total, total)
		}
		// Districts that were in to the end did not "leave"; 12 did.
		if len(snap.Districts) != 3 || snap.Districts[0].Left || snap.Districts[1].Left || !snap.Districts[2].Left ||
			snap.Districts[0].People != 5 {
			t.Errorf("districts %+v", snap.Districts)
		}
	})
}

func TestSnapshotOfUnknownAndEmptyEpisodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := newTestService(d)
		ctx := context.Background()
		if _, err := s.Snapshot(ctx, 999); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown episode: %v", err)
		}
		addDistrict(t, d, "7", "Palais-Bourbon", 7)
		ended := db.Now()
		id := addEpisode(t, d, HazardFlood, ended.Add(-time.Hour), &ended)
		addEpisodeDistrict(t, d, id, "7", 4, ended.Add(-time.Hour), nil)
		// An assignment in a district the episode does not list still counts.
		addAssignment(t, d, id, assignment{"9", 0, true, 0, "", ended.Add(time.Hour), ended})
		snap, err := s.Snapshot(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !snap.Ended || len(snap.Districts) != 2 || snap.Districts[0].Code != "7" || snap.Districts[0].People != 0 ||
			snap.Districts[1].Code != "9" || snap.Districts[1].Name != "9" || snap.Districts[1].People != 1 || snap.Total.People != 1 {
			t.Errorf("snapshot %+v", snap)
		}
	})
}

func TestPayloadIsStableWhileNothingChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		s := newTestService(d)
		ctx := context.Background()
		p1, err := s.payload(ctx, f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		p2, err := s.payload(ctx, f.Episode)
		if err != nil {
			t.Fatal(err)
		}
		if string(p1) != string(p2) {
			t.Errorf("two reads of an unchanged episode differ:\n%s\n%s", p1, p2)
		}
		var got struct {
			Episode   int64            `json:"episode"`
			Total     map[string]int   `json:"total"`
			Districts []map[string]any `json:"districts"`
		}
		if err := json.Unmarshal(p1, &got); err != nil {
			t.Fatal(err)
		}
		// The page's cells are keyed by these names (data-k).
		for k, v := range map[string]int{"people": 6, "needs_help": 1, "not_reached": 1, "overdue": 2, "esc_total": 3,
			"esc_unmatched": 1, "volunteers": 3, "callers": 3} {
			if got.Total[k] != v {
				t.Errorf("total %s = %d, want %d", k, got.Total[k], v)
			}
		}
		if got.Episode != f.Episode || len(got.Districts) != 3 || got.Districts[0]["code"] != "4" {
			t.Errorf("payload %s", p1)
		}
	})
}
