package registry

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/solidarity"
)

func TestActiveFiltersDistrictsExpiryAndWithdrawals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		mk := func(n int, district, lat, lon string, langs ...string) int64 {
			in := person(n)
			in.District, in.Lat, in.Lon, in.Languages = district, lat, lon, langs
			return e.create(t, owner, ScopeMine, in)
		}
		inside := mk(1, "11", "48.857", "2.381", "fr", "ar")
		centroid := mk(2, "11", "", "", "zh")
		other := mk(3, "13", "", "", "fr")
		expired := mk(4, "11", "", "", "fr")
		withdrawn := mk(5, "20", "", "", "fr")
		e.setEnd(t, expired, start.Add(-time.Minute))
		if err := e.svc.Withdraw(ctx, owner, ScopeMine, withdrawn); err != nil {
			t.Fatal(err)
		}
		reads := e.audits(t, audit.ActionRegistryRead)

		ps, err := e.svc.Active(ctx, []string{"11", "20"}, start)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 2 || ps[0].ID != inside || ps[1].ID != centroid {
			t.Fatalf("active in 11 and 20: %+v", ps)
		}
		if ps[0].Lat != 48.857 || ps[0].Lon != 2.381 || ps[0].District != "11" || !slices.Equal(ps[0].Languages, []string{"fr", "ar"}) {
			t.Errorf("first person %+v", ps[0])
		}
		if ps[1].Lat != 48.8591 || ps[1].Lon != 2.3801 || !slices.Equal(ps[1].Languages, []string{"zh"}) {
			t.Errorf("without a point, the centroid: %+v", ps[1])
		}
		// Expiry is judged at the moment asked for.
		if ps, _ := e.svc.Active(ctx, []string{"11"}, start.Add(-2*time.Minute)); len(ps) != 3 {
			t.Errorf("before the expiry: %d people", len(ps))
		}
		if ps, _ := e.svc.Active(ctx, []string{"13"}, start); len(ps) != 1 || ps[0].ID != other {
			t.Errorf("district 13: %+v", ps)
		}
		if ps, err := e.svc.Active(ctx, nil, start); err != nil || len(ps) != 0 {
			t.Errorf("no districts: %v %v", ps, err)
		}
		if n := e.audits(t, audit.ActionRegistryRead); n != reads {
			t.Errorf("Active audited %d reads; it opens no card", n-reads)
		}
	})
}

func TestCardsAuditsOneReadPerPerson(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, volunteer := e.user(t, "volunteer"), e.user(t, "volunteer")
		a := e.create(t, owner, ScopeMine, person(1))
		b := e.create(t, owner, ScopeMine, person(2))
		gone := e.create(t, owner, ScopeMine, person(3))
		if err := e.svc.Withdraw(ctx, owner, ScopeMine, gone); err != nil {
			t.Fatal(err)
		}
		reads := e.audits(t, audit.ActionRegistryRead)

		reader := solidarity.Reader{UserID: volunteer.UserID, Role: "volunteer", Purpose: "calls", EpisodeID: 7}
		cards, err := e.svc.Cards(ctx, reader, []int64{a, b, gone, 999999})
		if err != nil {
			t.Fatal(err)
		}
		if len(cards) != 2 {
			t.Fatalf("%d cards, want 2 (withdrawn and unknown ids absent)", len(cards))
		}
		c := cards[a]
		want := person(1)
		if c.PersonID != a || c.Name != want.Name || c.Phone != "+33199000001" || c.Address != want.Address ||
			c.District != "20" || !c.LivesAlone || c.CareNeeds != want.CareNeeds || c.CallTimes != want.CallTimes ||
			c.EmergencyContact != "Paul Lefebvre, 06 12 34 56 78" || c.Lat != 48.8635 || c.Lon != 2.4012 ||
			!slices.Equal(c.Languages, []string{"fr"}) {
			t.Errorf("card %+v", c)
		}
		rows, err := d.Query(ctx, "SELECT target_id, COALESCE(actor_id, 0), detail FROM audit_log WHERE action = ? ORDER BY id", audit.ActionRegistryRead)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var targets []string
		for rows.Next() {
			var target, detail string
			var actor int64
			if err := rows.Scan(&target, &actor, &detail); err != nil {
				t.Fatal(err)
			}
			targets = append(targets, target)
			if actor != volunteer.UserID || !strings.Contains(detail, "calls") || !strings.Contains(detail, "episode 7") ||
				strings.Contains(detail, "Lefebvre") || strings.Contains(detail, "Cascades") {
				t.Errorf("audit entry by %d: %q", actor, detail)
			}
		}
		if len(targets) != reads+2 {
			t.Errorf("%d reads audited, want 2: %v", len(targets)-reads, targets)
		}
		if _, err := e.svc.Cards(ctx, solidarity.Reader{UserID: volunteer.UserID}, []int64{a}); !errors.Is(err, ErrNoPurpose) {
			t.Errorf("a read without purpose: %v", err)
		}
		if cards, err := e.svc.Cards(ctx, reader, nil); err != nil || len(cards) != 0 {
			t.Errorf("no ids: %v %v", cards, err)
		}
	})
}

// An expired entry's card is no longer opened for the volunteers' calls;
// coordinators handling an escalation still open it.
func TestCardsLeaveExpiredEntriesToEscalations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, volunteer, coord := e.user(t, "volunteer"), e.user(t, "volunteer"), e.user(t, "coordinator")
		live := e.create(t, owner, ScopeMine, person(1))
		expired := e.create(t, owner, ScopeMine, person(2))
		e.setEnd(t, expired, start.Add(-time.Minute))
		reads := e.audits(t, audit.ActionRegistryRead)

		cards, err := e.svc.Cards(ctx, solidarity.Reader{UserID: volunteer.UserID, Role: "volunteer", Purpose: "calls", EpisodeID: 1},
			[]int64{live, expired})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := cards[expired]; ok || len(cards) != 1 {
			t.Errorf("calls opened %d cards, the expired one included: %v", len(cards), ok)
		}
		if n := e.audits(t, audit.ActionRegistryRead) - reads; n != 1 {
			t.Errorf("%d reads audited for one card opened", n)
		}
		cards, err = e.svc.Cards(ctx, solidarity.Reader{UserID: coord.UserID, Role: "coordinator", Purpose: "escalation", EpisodeID: 1},
			[]int64{expired})
		if err != nil || cards[expired].Name != person(2).Name {
			t.Errorf("escalation: %v %v", cards, err)
		}
	})
}
