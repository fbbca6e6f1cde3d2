package registry

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/volunteers"
)

func TestCreateSealsEveryPersonalField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		relative := e.user(t, "volunteer")
		in := person(1)
		in.Lat, in.Lon = "48,8641", "2.3989"
		id := e.create(t, relative, ScopeMine, in)

		// In clear: only the district, languages, relation, consent and season.
		var district, langs, as, card, pt string
		var version int
		var ends time.Time
		if err := d.QueryRow(ctx, `SELECT district_code, languages, registered_as, consent_version, season_ends_at, card_sealed, point_sealed
			FROM registry_people WHERE id = ?`, id).Scan(&district, &langs, &as, &version, &ends, &card, &pt); err != nil {
			t.Fatal(err)
		}
		if district != "20" || langs != "fr" || as != RelationRelative || version != ConsentVersion {
			t.Errorf("clear fields: %q %q %q v%d", district, langs, as, version)
		}
		if want := time.Date(2027, 9, 15, 23, 59, 59, 0, Paris); !ends.Equal(want) {
			t.Errorf("season ends %v, want %v", ends, want)
		}
		for _, clear := range []string{"Lefebvre", "Cascades", "0199", "199000001", "Infirmière", "48.8641"} {
			if strings.Contains(card+pt, clear) {
				t.Errorf("%q readable in the sealed columns", clear)
			}
		}
		// Bound to the row: the card does not open as another row's.
		if _, err := e.keys.OpenString(card, sealed.Place(table, id+1, "card")); !errors.Is(err, sealed.ErrAuth) {
			t.Errorf("card opened under another row: %v", err)
		}

		got, err := e.svc.Get(ctx, relative, ScopeMine, id)
		if err != nil {
			t.Fatal(err)
		}
		c := got.Card
		if c.Name != in.Name || c.Phone != "+33199000001" || c.Address != in.Address || !c.LivesAlone ||
			c.Mobility != "Canne" || c.CareNeeds != in.CareNeeds || c.CallTimes != in.CallTimes ||
			c.EmergencyName != "Paul Lefebvre" || c.EmergencyPhone != "+33612345678" ||
			c.Lat != 48.8641 || c.Lon != 2.3989 || !c.ExactPoint {
			t.Errorf("read back %+v", *c)
		}
		if n := e.audits(t, audit.ActionRegistryCreated); n != 1 {
			t.Errorf("%d created entries in the audit log", n)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_type = 'registry_person' AND target_id = ? AND actor_id = ?",
			audit.ActionRegistryRead, strconv.FormatInt(id, 10), relative.UserID); n != 1 {
			t.Errorf("%d reads audited, want 1", n)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%Lefebvre%' OR detail LIKE '%0199%'"); n != 0 {
			t.Error("personal data in the audit log")
		}
	})
}

func TestCreateRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		a := e.user(t, "volunteer")
		cases := []struct {
			name       string
			edit       func(*Input)
			field, key string
		}{
			{"no consent", func(in *Input) { in.Consent = false }, "consent", "registry.error.consent"},
			{"bad phone", func(in *Input) { in.Phone = "12 34" }, "phone", "registry.error.phone"},
			{"letters in phone", func(in *Input) { in.Phone = "01 99 00 AB 12" }, "phone", "registry.error.phone"},
			{"no phone", func(in *Input) { in.Phone = " " }, "phone", "form.error.required"},
			{"unknown district", func(in *Input) { in.District = "21" }, "district", "registry.error.district_unknown"},
			{"no district", func(in *Input) { in.District = "" }, "district", "registry.error.district"},
			{"point outside the city", func(in *Input) { in.Lat, in.Lon = "45.76", "4.83" }, "lat", "registry.error.point_outside"},
			{"half a point", func(in *Input) { in.Lat = "48.86" }, "lat", "registry.error.point"},
			{"no language", func(in *Input) { in.Languages = nil }, "languages", "registry.error.languages"},
			{"unknown language", func(in *Input) { in.Languages = []string{"fr", "xx"} }, "languages", "registry.error.language_unknown"},
			{"living alone unsaid", func(in *Input) { in.LivesAlone = "" }, "lives_alone", "registry.error.lives_alone"},
			{"name too long", func(in *Input) { in.Name = strings.Repeat("é", MaxName+1) }, "name", "form.error.too_long"},
			{"no address", func(in *Input) { in.Address = "" }, "address", "form.error.required"},
			{"needs too long", func(in *Input) { in.CareNeeds = strings.Repeat("x", MaxNeeds+1) }, "care_needs", "form.error.too_long"},
			{"contact without phone", func(in *Input) { in.EmergencyPhone = "" }, "emergency_phone", "registry.error.emergency_phone"},
			{"no relation", func(in *Input) { in.Relation = "" }, "relation", "registry.error.relation"},
			{"staff relation from the public form", func(in *Input) { in.Relation = RelationStaff }, "relation", "registry.error.relation"},
		}
		for _, c := range cases {
			in := person(2)
			c.edit(&in)
			id, errs, err := e.svc.Create(ctx, a, ScopeMine, in)
			if err != nil || id != 0 || !hasField(errs, c.field, c.key) {
				t.Errorf("%s: id %d, errors %v, %v", c.name, id, errs, err)
			}
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people"); n != 0 {
			t.Errorf("%d entries stored from refused forms", n)
		}

		// The same person twice is refused to a coordinator (the public form
		// accepts it quietly: TestPublicDuplicateIsQuiet); someone else on the
		// same line is not.
		e.create(t, a, ScopeMine, person(3))
		dup := person(3)
		dup.Name = "  marie-thérèse   LEFEBVRE 3 "
		dup.Phone = "+33 1 99 00 00 03"
		if _, errs, err := e.svc.Create(ctx, e.user(t, "coordinator"), ScopeStaff, dup); err != nil || !hasField(errs, "name", "registry.error.duplicate") {
			t.Errorf("duplicate: %v %v", errs, err)
		}
		spouse := person(3)
		spouse.Name = "Jean Lefebvre"
		e.create(t, a, ScopeMine, spouse)

		// Registering on the phone is for coordinators; visitors register nothing.
		if _, _, err := e.svc.Create(ctx, a, ScopeStaff, person(4)); !errors.Is(err, ErrForbidden) {
			t.Errorf("a volunteer registered as staff: %v", err)
		}
		if _, _, err := e.svc.Create(ctx, Actor{}, ScopeMine, person(4)); !errors.Is(err, ErrForbidden) {
			t.Errorf("a visitor registered someone: %v", err)
		}
	})
}

func TestNormalisePhone(t *testing.T) {
	for in, want := range map[string]string{
		"01 23 45 67 89":       "+33123456789",
		"01.23.45.67.89":       "+33123456789",
		"06-12-34-56-78":       "+33612345678",
		"+33 6 12 34 56 78":    "+33612345678",
		"+33 (0)6 12 34 56 78": "+33612345678",
		"0033612345678":        "+33612345678",
		"+44 20 7946 0000":     "+442079460000",
		"0612345678\u00a0":     "+33612345678",
	} {
		if got, ok := NormalisePhone(in); !ok || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12345", "00 12 34 56 78", "0012", "+33 12 34", "+33 0 12 34 56 78 90", "01 23 45 67 8x",
		"1234567890", "+0123456789", "01 23 45 67 89 01 23 45 67 89 01"} {
		if got, ok := NormalisePhone(in); ok {
			t.Errorf("%q accepted as %q", in, got)
		}
	}
	if NationalPhone("+33123456789") != "01 23 45 67 89" || NationalPhone("+442079460000") != "+442079460000" {
		t.Error("NationalPhone")
	}
}

func TestSeason(t *testing.T) {
	p := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, Paris) }
	end27 := time.Date(2027, 9, 15, 23, 59, 59, 0, Paris)
	end28 := time.Date(2028, 9, 15, 23, 59, 59, 0, Paris)
	for _, c := range []struct{ at, want time.Time }{
		{p(2026, 11, 27, 10), end27},
		{p(2027, 6, 1, 0), end27},
		{p(2027, 9, 15, 23), end27},
		{end27, end28}, // strictly after
		{p(2027, 9, 16, 0), end28},
	} {
		if got := SeasonEnd(c.at); !got.Equal(end27) && !got.Equal(end28) || !got.Equal(c.want) {
			t.Errorf("SeasonEnd(%v) = %v, want %v", c.at, got, c.want)
		}
	}
	// A renewal carries the entry into the next summer, whether made before
	// the end or after it.
	if got := RenewedEnd(end27, p(2027, 8, 20, 12)); !got.Equal(end28) {
		t.Errorf("renewed before the end: %v", got)
	}
	if got := RenewedEnd(end27, p(2027, 10, 1, 12)); !got.Equal(end28) {
		t.Errorf("renewed after the end: %v", got)
	}
	if StatusOf(end27, p(2027, 7, 1, 0)) != Active || StatusOf(end27, p(2027, 8, 20, 0)) != Expiring ||
		StatusOf(end27, p(2027, 9, 16, 0)) != Expired || StatusOf(end27, end27) != Expired {
		t.Error("StatusOf")
	}
}

func TestWhoReachesWhichEntry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, other := e.user(t, "volunteer"), e.user(t, "volunteer")
		coord := e.user(t, "coordinator")
		id := e.create(t, owner, ScopeMine, person(1))
		staffID := e.create(t, coord, ScopeStaff, person(2))

		// Someone else's entry does not exist for them, whatever they try.
		if _, err := e.svc.Get(ctx, other, ScopeMine, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("read another's entry: %v", err)
		}
		in := person(1)
		in.Name, in.Version = "Changed", 1
		if _, err := e.svc.Update(ctx, other, ScopeMine, id, in); !errors.Is(err, ErrNotFound) {
			t.Errorf("changed another's entry: %v", err)
		}
		bad := in
		bad.Phone = "nope"
		if _, err := e.svc.Update(ctx, other, ScopeMine, id, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("an invalid edit of another's entry told them it exists: %v", err)
		}
		e.clock.set(time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC))
		if _, err := e.svc.Renew(ctx, other, ScopeMine, id, true); !errors.Is(err, ErrNotFound) {
			t.Errorf("renewed another's entry: %v", err)
		}
		if err := e.svc.Withdraw(ctx, other, ScopeMine, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("withdrew another's entry: %v", err)
		}
		// Coordinators' pages are for coordinators.
		if _, err := e.svc.Get(ctx, other, ScopeStaff, id); !errors.Is(err, ErrForbidden) {
			t.Errorf("a volunteer read through the coordination pages: %v", err)
		}
		if _, _, err := e.svc.List(ctx, other, Filter{}); !errors.Is(err, ErrForbidden) {
			t.Errorf("a volunteer listed the registry: %v", err)
		}
		// A coordinator's phone registrations are the registry's, not "theirs".
		if _, err := e.svc.Get(ctx, coord, ScopeMine, staffID); !errors.Is(err, ErrNotFound) {
			t.Errorf("a staff entry read as the coordinator's own: %v", err)
		}
		if mine, err := e.svc.Mine(ctx, coord); err != nil || len(mine) != 0 {
			t.Errorf("coordinator's own entries: %d, %v", len(mine), err)
		}
		if _, err := e.svc.Get(ctx, coord, ScopeStaff, id); err != nil {
			t.Errorf("coordinator read: %v", err)
		}
		if mine, err := e.svc.Mine(ctx, owner); err != nil || len(mine) != 1 || mine[0].Card.Name != person(1).Name {
			t.Errorf("owner's entries: %v, %v", mine, err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people WHERE id = ? AND version = 1", id); n != 1 {
			t.Error("the entry changed through a refused request")
		}
		if n := e.audits(t, audit.ActionRegistryRead); n != 2 {
			t.Errorf("%d reads audited; want the coordinator's and the owner's list", n)
		}
	})
}

func TestUpdateKeepsTheVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, coord := e.user(t, "volunteer"), e.user(t, "coordinator")
		id := e.create(t, owner, ScopeMine, person(1))

		in := person(1)
		in.Version = 1
		in.Address = "2 rue Neuve, 75011 Paris"
		in.District = "11"
		in.Languages = []string{"ar", "fr", "ar"}
		if errs, err := e.svc.Update(ctx, coord, ScopeStaff, id, in); err != nil || len(errs) > 0 {
			t.Fatalf("update: %v %v", errs, err)
		}
		// The owner's form was opened at version 1: their save is refused.
		stale := person(1)
		stale.Version = 1
		stale.CallTimes = "Le soir"
		if _, err := e.svc.Update(ctx, owner, ScopeMine, id, stale); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale edit: %v", err)
		}
		got, err := e.svc.Get(ctx, owner, ScopeMine, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != 2 || got.District != "11" || got.Card.Address != in.Address || got.Card.CallTimes != person(1).CallTimes ||
			strings.Join(got.Languages, ",") != "fr,ar" {
			t.Errorf("after the refused edit: v%d %s %q %q %v", got.Version, got.District, got.Card.Address, got.Card.CallTimes, got.Languages)
		}
		// Without a point the district's centroid is used.
		if got.Card.ExactPoint || got.Card.Lat != 48.8591 || got.Card.Lon != 2.3801 {
			t.Errorf("point %v %v %v", got.Card.Lat, got.Card.Lon, got.Card.ExactPoint)
		}
		if n := e.audits(t, audit.ActionRegistryUpdated); n != 1 {
			t.Errorf("%d updates audited", n)
		}
		// An edit may not make a duplicate either.
		other := e.create(t, owner, ScopeMine, person(5))
		dup := person(1)
		dup.Version = 1
		if errs, err := e.svc.Update(ctx, owner, ScopeMine, other, dup); err != nil || !hasField(errs, "name", "registry.error.duplicate") {
			t.Errorf("edit into a duplicate: %v %v", errs, err)
		}
	})
}

func TestWithdrawErases(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner := e.user(t, "volunteer")
		id := e.create(t, owner, ScopeMine, person(1))
		if err := e.svc.Withdraw(ctx, owner, ScopeMine, id); err != nil {
			t.Fatal(err)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people"); n != 0 {
			t.Error("the withdrawn entry is still stored")
		}
		if n := e.audits(t, audit.ActionRegistryWithdrawn); n != 1 {
			t.Errorf("%d withdrawals audited", n)
		}
		if _, err := e.svc.Get(ctx, owner, ScopeMine, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("read after withdrawal: %v", err)
		}
		// The same person may register again.
		e.create(t, owner, ScopeMine, person(1))
	})
}

func TestListFiltersAndAuditsEachEntryShown(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		coord := e.user(t, "coordinator")
		var ids []int64
		for i := range 5 {
			in := person(10 + i)
			if i >= 3 {
				in.District = "11"
			}
			ids = append(ids, e.create(t, coord, ScopeStaff, in))
		}
		e.setEnd(t, ids[0], start.Add(10*24*time.Hour)) // expiring
		e.setEnd(t, ids[1], start.Add(-time.Hour))      // expired

		check := func(f Filter, want ...int64) {
			t.Helper()
			before := e.audits(t, audit.ActionRegistryRead)
			p, errs, err := e.svc.List(ctx, coord, f)
			if err != nil || len(errs) > 0 {
				t.Fatalf("%+v: %v %v", f, errs, err)
			}
			var got []int64
			for _, x := range p.Entries {
				got = append(got, x.ID)
				if x.Card == nil || x.Card.Name == "" {
					t.Errorf("entry %d shown without its card", x.ID)
				}
			}
			if p.Total != len(want) || len(got) != len(want) {
				t.Errorf("%+v: %v (total %d), want %v", f, got, p.Total, want)
				return
			}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%+v: %v, want %v", f, got, want)
				}
			}
			if n := e.audits(t, audit.ActionRegistryRead) - before; n != len(want) {
				t.Errorf("%+v: %d reads audited for %d entries shown", f, n, len(want))
			}
		}
		check(Filter{}, ids[4], ids[3], ids[2], ids[1], ids[0])
		check(Filter{District: "11"}, ids[4], ids[3])
		check(Filter{Status: "expiring"}, ids[0])
		check(Filter{Status: "expired"}, ids[1])
		check(Filter{Status: "active", District: "20"}, ids[2])
		check(Filter{Phone: "+33 1 99 00 00 12"}, ids[2])
		check(Filter{Phone: "01 99 00 99 99"})

		for _, f := range []Filter{{Phone: "abc"}, {Status: "gone"}, {District: "99"}} {
			if _, errs, err := e.svc.List(ctx, coord, f); err != nil || len(errs) != 1 {
				t.Errorf("%+v: %v %v", f, errs, err)
			}
		}
	})
}

// Every refused attempt at someone else's entry is in the audit log: who,
// which entry, what was refused; nothing of the entry itself.
func TestRefusedAttemptsAreAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		owner, other := e.user(t, "volunteer"), e.user(t, "volunteer")
		id := e.create(t, owner, ScopeMine, person(1))
		e.clock.set(time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC))
		edit := person(1)
		edit.Version = 1

		e.svc.Get(ctx, other, ScopeMine, id)
		e.svc.Facts(ctx, other, ScopeMine, id)
		e.svc.Update(ctx, other, ScopeMine, id, edit)
		e.svc.Renew(ctx, other, ScopeMine, id, true)
		e.svc.Withdraw(ctx, other, ScopeMine, id)
		e.svc.Get(ctx, other, ScopeStaff, id)
		// Allowed reads and unknown ids are not refusals of an entry.
		e.svc.Get(ctx, owner, ScopeMine, id)
		e.svc.Get(ctx, other, ScopeMine, id+1000)

		rows, err := d.Query(ctx, "SELECT COALESCE(actor_id, 0), target_type, target_id, detail FROM audit_log WHERE action = ? ORDER BY id",
			audit.ActionSolidarityAccessDenied)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var details []string
		for rows.Next() {
			var actor int64
			var typ, target, detail string
			if err := rows.Scan(&actor, &typ, &target, &detail); err != nil {
				t.Fatal(err)
			}
			if actor != other.UserID || typ != "registry_person" || target != strconv.FormatInt(id, 10) {
				t.Errorf("refusal recorded as %d %s %s", actor, typ, target)
			}
			details = append(details, detail)
		}
		want := []string{"registry read refused", "registry read refused", "registry update refused", "registry renewal refused",
			"registry withdrawal refused", "registry read refused"}
		if strings.Join(details, "|") != strings.Join(want, "|") {
			t.Errorf("refusals audited: %q, want %q", details, want)
		}
	})
}

// A page far past the end is an empty page, on every engine.
func TestListHugePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		coord := e.user(t, "coordinator")
		e.create(t, coord, ScopeStaff, person(1))
		for _, page := range []int{math.MaxInt, math.MaxInt/PerPage + 2, 1 << 40} {
			p, errs, err := e.svc.List(context.Background(), coord, Filter{Page: page})
			if err != nil || len(errs) > 0 || len(p.Entries) != 0 || p.Total != 1 || p.Offset < PerPage {
				t.Errorf("page %d: %d entries of %d from %d, %v %v", page, len(p.Entries), p.Total, p.Offset, errs, err)
			}
		}
	})
}

// fakeStaff answers Coordinators with two coordinators, one without email.
type fakeStaff struct{}

func (fakeStaff) Coordinators(context.Context) ([]volunteers.Contact, error) {
	return []volunteers.Contact{{UserID: 900, Name: "Coordinatrice", Email: "coord@example.org", Lang: "fr"},
		{UserID: 901, Name: "Sans adresse", Lang: "en"}}, nil
}

// The public form does not tell an account whether someone is registered:
// a duplicate is accepted like a new entry, nothing is added, the attempt is
// audited against the existing entry and coordinators are mailed.
func TestPublicDuplicateIsQuiet(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.svc.Staff = fakeStaff{}
		ctx := context.Background()
		first, prober := e.user(t, "volunteer"), e.user(t, "volunteer")
		id := e.create(t, first, ScopeMine, person(3))
		dup := person(3)
		dup.Name = "Marie-Thérèse LEFEBVRE 3"
		dup.Relation = RelationSocialWorker
		for range 2 {
			got, errs, err := e.svc.Create(ctx, prober, ScopeMine, dup)
			if err != nil || len(errs) > 0 || got != 0 {
				t.Fatalf("public duplicate: id %d, %v %v", got, errs, err)
			}
		}
		if n := e.count(t, "SELECT COUNT(*) FROM registry_people"); n != 1 {
			t.Errorf("%d entries after a duplicate", n)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND actor_id = ? AND target_id = ? AND detail LIKE '%duplicate%'",
			audit.ActionRegistryCreated, prober.UserID, strconv.FormatInt(id, 10)); n != 2 {
			t.Errorf("%d duplicate attempts audited, want 2", n)
		}
		jobs, err := outbox.List(ctx, d, "", 10, 0)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("%d mails to coordinators, want 1 (one coordinator has no address, the second attempt is the same): %v", len(jobs), err)
		}
		m, _ := jobs[0].Email()
		if m.To != "coord@example.org" || !strings.Contains(m.Text, "https://example.org/coordination/registry/"+strconv.FormatInt(id, 10)) {
			t.Errorf("mail to %s:\n%s", m.To, m.Text)
		}
		for _, personal := range []string{"Lefebvre", "LEFEBVRE", "Cascades", "01 99", "+33", "Infirmière"} {
			if strings.Contains(m.Subject+m.Text, personal) {
				t.Errorf("%q in the coordinators' mail", personal)
			}
		}
	})
}
