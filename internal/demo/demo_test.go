package demo

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
)

func TestLoadOnceOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		out, err := Load(ctx, d, Options{Volunteers: 50})
		if err != nil || out != Loaded {
			t.Fatalf("first load: %v err=%v", out, err)
		}
		store := districts.NewStore(d)
		ds, err := store.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 20 || ds[0].Name != "Louvre" || ds[19].Name != "Ménilmontant" {
			t.Fatalf("got %d districts: %+v", len(ds), ds)
		}
		var profiles, inFifteenth int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM volunteer_profiles").Scan(&profiles)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM volunteer_profiles WHERE district_code = '15'").Scan(&inFifteenth)
		if profiles != 50 || inFifteenth == 0 {
			t.Fatalf("%d demo volunteers, %d in the most populated district", profiles, inFifteenth)
		}
		// An administrator's later change must survive a restart with --demo.
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "UPDATE districts SET name = ? WHERE code = ?", "Paris Centre", "1")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		out, err = Load(ctx, d, Options{Volunteers: 50})
		if err != nil || out != AlreadyLoaded {
			t.Fatalf("second load: %v err=%v", out, err)
		}
		ds, _ = store.List(ctx)
		if len(ds) != 20 || ds[0].Name != "Paris Centre" {
			t.Fatalf("second load changed data: %+v", ds[0])
		}
	})
}

// A database holding real districts is never filled with the demo.
func TestLoadLeavesRealDataAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return districts.Upsert(ctx, tx, districts.District{Code: "1", Name: "Centre-ville", Position: 1, Lat: 45.76, Lon: 4.83})
		}); err != nil {
			t.Fatal(err)
		}
		out, err := Load(ctx, d, Options{Volunteers: 50})
		if err != nil || out != NotEmpty {
			t.Fatalf("load into a database with data: %v err=%v", out, err)
		}
		ds, _ := districts.NewStore(d).List(ctx)
		if len(ds) != 1 || ds[0].Name != "Centre-ville" {
			t.Fatalf("real data changed: %+v", ds)
		}
	})
}

// The demo's initiatives: spread over the city, mostly public, each found
// by its own title, with counters that match the member rows.
func TestDemoInitiatives(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		start := time.Now()
		if out, err := Load(ctx, d, Options{Volunteers: 300}); err != nil || out != Loaded {
			t.Fatalf("load: %v err=%v", out, err)
		}
		t.Logf("demo with 300 volunteers loaded in %v", time.Since(start).Round(time.Millisecond))

		byStatus := map[string]int{}
		rows, err := d.Query(ctx, "SELECT status, COUNT(*) FROM initiatives GROUP BY status")
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for rows.Next() {
			var s string
			var n int
			rows.Scan(&s, &n)
			byStatus[s], total = n, total+n
		}
		rows.Close()
		if total != initiatives.DefaultDemoInitiatives || byStatus["published"] < total*3/4 || byStatus["paused"] == 0 ||
			byStatus["submitted"] == 0 || byStatus["draft"] != 0 {
			t.Errorf("%d initiatives by status: %v", total, byStatus)
		}
		var districtsUsed, themes, owners, consenting, withPoint int
		d.QueryRow(ctx, "SELECT COUNT(DISTINCT district_code), COUNT(DISTINCT theme), COUNT(lat) FROM initiatives").
			Scan(&districtsUsed, &themes, &withPoint)
		d.QueryRow(ctx, "SELECT COUNT(*), COUNT(intro_consent_at) FROM initiative_members WHERE role = 'owner'").Scan(&owners, &consenting)
		if districtsUsed != 20 || themes != len(initiatives.Themes) || owners != total ||
			consenting < total/3 || consenting > total*3/4 || withPoint < total/2 || withPoint == total {
			t.Errorf("%d districts, %d themes, %d owners (%d consenting), %d with a point", districtsUsed, themes, owners, consenting, withPoint)
		}
		var duplicates int
		d.QueryRow(ctx, "SELECT COUNT(*) - COUNT(DISTINCT title) FROM initiatives").Scan(&duplicates)
		if duplicates != 0 {
			t.Errorf("%d initiatives share a title with another", duplicates)
		}
		// More in the populous 15th than in the 1st.
		var first, fifteenth int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM initiatives WHERE district_code = '1'").Scan(&first)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM initiatives WHERE district_code = '15'").Scan(&fifteenth)
		if fifteenth <= first {
			t.Errorf("%d initiatives in the 15th, %d in the 1st", fifteenth, first)
		}

		var mismatched, members int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives i WHERE
			i.participants <> (SELECT COUNT(*) FROM initiative_members m WHERE m.initiative_id = i.id AND m.role = 'participant') OR
			i.followers <> (SELECT COUNT(*) FROM initiative_members m WHERE m.initiative_id = i.id AND m.role = 'follower')`).Scan(&mismatched)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM initiative_members WHERE role IN ('participant', 'follower')").Scan(&members)
		if mismatched != 0 || members < total {
			t.Errorf("%d initiatives whose counters differ from their rows; %d participants and followers", mismatched, members)
		}

		// Every visible initiative is found by its title; ids gathered
		// this way cover them all.
		store := initiatives.NewStore(d)
		all, err := store.Find(ctx, initiatives.Query{Limit: initiatives.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if all.Total != byStatus["published"]+byStatus["paused"] {
			t.Errorf("Find sees %d, want %d", all.Total, byStatus["published"]+byStatus["paused"])
		}
		var ids []int64
		for q := (initiatives.Query{Limit: initiatives.MaxLimit}); ; {
			res, err := store.Find(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range res.Items {
				ids = append(ids, it.ID)
			}
			if res.Next == nil {
				break
			}
			q.After = res.Next
		}
		unfound := 0
		for _, id := range ids {
			in, err := store.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			res, err := store.Find(ctx, initiatives.Query{Text: in.Title, Limit: initiatives.MaxLimit})
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, it := range res.Items {
				found = found || it.ID == id
			}
			if !found {
				unfound++
				if unfound < 5 {
					t.Errorf("initiative %d not found by its title %q", id, in.Title)
				}
			}
		}
		if unfound > 0 || len(ids) != all.Total {
			t.Errorf("%d of %d visible initiatives not found by their titles; %d walked", unfound, all.Total, len(ids))
		}

		// The clusters: groups of one theme within a few hundred metres.
		var near int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM initiatives a JOIN initiatives b ON a.id < b.id AND a.theme = b.theme
			AND a.status = 'published' AND b.status = 'published'
			AND abs(a.geo_lat - b.geo_lat) < 0.004 AND abs(a.geo_lon - b.geo_lon) < 0.006`).Scan(&near)
		if near < 20 {
			t.Errorf("%d close pairs of similar initiatives, want clusters", near)
		}
	})
}

// The demo's events: about sixty over the next eight weeks, owned by
// initiatives, partners and the City, the Climate Volunteers' day with
// eight workshops and 1,000 places, and counters that match the rows.
func TestDemoEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if out, err := Load(ctx, d, Options{Volunteers: 200}); err != nil || out != Loaded {
			t.Fatalf("load: %v err=%v", out, err)
		}
		var total, published, owners, cities, partners, initiativesOwned, online int
		d.QueryRow(ctx, "SELECT COUNT(*), COUNT(DISTINCT owner_kind) FROM events").Scan(&total, &owners)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE status = 'published'").Scan(&published)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE owner_kind = 'city'").Scan(&cities)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE owner_kind = 'partner'").Scan(&partners)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE owner_kind = 'initiative'").Scan(&initiativesOwned)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE district_code IS NULL").Scan(&online)
		if total < 55 || total > 70 || published < total*3/4 || owners != 3 || cities == 0 || partners == 0 ||
			initiativesOwned < total/3 || online == 0 {
			t.Errorf("%d events (%d published): %d city, %d partner, %d initiative, %d online", total, published, cities, partners, initiativesOwned, online)
		}
		var badOwner int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM events e JOIN initiatives i ON i.id = e.initiative_id WHERE i.status <> 'published'`).Scan(&badOwner)
		if badOwner != 0 {
			t.Errorf("%d events of unpublished initiatives", badOwner)
		}
		var sessions, places, dayCapacity int
		if err := d.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(s.capacity), 0), MAX(e.capacity) FROM event_sessions s
			JOIN events e ON e.id = s.event_id WHERE e.title = ?`, "La journée des Volontaires du Climat").Scan(&sessions, &places, &dayCapacity); err != nil {
			t.Fatal(err)
		}
		if sessions != 8 || places != 1000 || dayCapacity != 1000 {
			t.Errorf("the day: %d workshops, %d places, capacity %d", sessions, places, dayCapacity)
		}
		var regs, mismatched, mismatchedSessions, overbooked, clashes int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM event_registrations").Scan(&regs)
		d.QueryRow(ctx, `SELECT COUNT(*) FROM events e WHERE
			e.confirmed <> (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'confirmed') OR
			e.waitlisted <> (SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id AND r.status = 'waitlisted')`).Scan(&mismatched)
		d.QueryRow(ctx, `SELECT COUNT(*) FROM event_sessions s WHERE
			s.confirmed <> (SELECT COUNT(*) FROM event_session_choices c WHERE c.session_id = s.id AND c.status = 'confirmed')`).Scan(&mismatchedSessions)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE capacity > 0 AND confirmed > capacity").Scan(&overbooked)
		d.QueryRow(ctx, `SELECT COUNT(*) FROM event_session_choices a JOIN event_session_choices b ON a.registration_id = b.registration_id
			AND a.session_id < b.session_id JOIN event_sessions x ON x.id = a.session_id JOIN event_sessions y ON y.id = b.session_id
			WHERE x.starts_at < y.ends_at AND y.starts_at < x.ends_at`).Scan(&clashes)
		if regs < 200 || mismatched+mismatchedSessions != 0 || overbooked != 0 || clashes != 0 {
			t.Errorf("%d registrations; %d mismatched counters, %d overbooked, %d workshop clashes", regs, mismatched, overbooked, clashes)
		}
		var waiting int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM events WHERE waitlisted > 0").Scan(&waiting)
		if waiting == 0 {
			t.Error("no event with a waiting list")
		}
	})
}

// Every demo committee meeting is a published City event at its own time,
// in the 4th district, so that people can register for the next one.
func TestDemoCommitteeMeetings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if out, err := Load(ctx, d, Options{Volunteers: 50}); err != nil || out != Loaded {
			t.Fatalf("load: %v err=%v", out, err)
		}
		var meetings, linked, upcoming int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committee_meetings").Scan(&meetings)
		d.QueryRow(ctx, `SELECT COUNT(*) FROM plan_committee_meetings m JOIN events e ON e.id = m.event_id
			WHERE e.status = 'published' AND e.owner_kind = 'city' AND e.district_code = '4'
			AND e.starts_at = m.starts_at AND e.ends_at = m.ends_at AND e.address = m.place`).Scan(&linked)
		d.QueryRow(ctx, `SELECT COUNT(*) FROM plan_committee_meetings m JOIN events e ON e.id = m.event_id
			WHERE e.starts_at > ? AND e.registration_closes_at > ?`, time.Now(), time.Now()).Scan(&upcoming)
		if meetings == 0 || linked != meetings || upcoming != meetings/2 {
			t.Errorf("%d meetings, %d with their event, %d open for registration", meetings, linked, upcoming)
		}
		var badWindow int
		d.QueryRow(ctx, `SELECT COUNT(*) FROM plan_committee_meetings m JOIN events e ON e.id = m.event_id
			WHERE e.registration_closes_at <= e.registration_opens_at`).Scan(&badWindow)
		if badWindow != 0 {
			t.Errorf("%d meeting events close registration before they open it", badWindow)
		}
	})
}
