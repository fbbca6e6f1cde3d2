package episodes

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestSyncOpensExtendsAndEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		p11 := e.person("75111", 48.860, 2.380)
		p13 := e.person("75113", 48.828, 2.362)
		p20 := e.person("75120", 48.864, 2.401)
		v := e.member(5, []string{"75111", "75113", "75120"}, 48.85, 2.37)

		// Nothing at level 3: no episode.
		e.alerts.set(alerts.Heat, "75111", 2)
		e.sync(alerts.Heat)
		if n := e.count("SELECT COUNT(*) FROM solidarity_episodes"); n != 0 {
			t.Fatalf("%d episodes below level 3", n)
		}

		e.alerts.set(alerts.Heat, "75111", 3)
		e.alerts.set(alerts.Heat, "75113", 3)
		e.sync(alerts.Heat)
		eps, err := openEpisodes(ctx, d)
		if err != nil || len(eps) != 1 || eps[0].Hazard != alerts.Heat || len(eps[0].Districts) != 2 {
			t.Fatalf("open episodes: %+v %v", eps, err)
		}
		ep := eps[0].ID
		a11 := e.assignmentOf(p11)
		if a11.VolunteerID != v || !a11.Active || a11.Level != 3 || !a11.NextDueAt.Equal(e.now().Add(48*time.Hour)) {
			t.Fatalf("assignment: %+v", a11)
		}
		if len(e.rows()) != 2 || e.audits(audit.ActionSolidarityActivated) != 1 {
			t.Fatalf("%d rows, %d activations", len(e.rows()), e.audits(audit.ActionSolidarityActivated))
		}

		// Idempotent: the same levels change nothing.
		jobs := len(e.jobs())
		e.sync(alerts.Heat)
		if len(e.rows()) != 2 || len(e.jobs()) != jobs || e.audits(audit.ActionSolidarityActivated) != 1 {
			t.Fatal("a second Sync changed something")
		}
		// A flood alert elsewhere is another hazard's business.
		e.sync(alerts.Flood)
		if n := e.count("SELECT COUNT(*) FROM solidarity_episodes"); n != 1 {
			t.Fatalf("%d episodes", n)
		}

		// Extended: 75120 joins; 75113 goes to level 4 and its call is due sooner.
		e.advance(2 * time.Hour)
		e.alerts.set(alerts.Heat, "75120", 3)
		e.alerts.set(alerts.Heat, "75113", 4)
		e.sync(alerts.Heat)
		if a := e.assignmentOf(p20); a.EpisodeID != ep || a.VolunteerID != v {
			t.Fatalf("75120's person: %+v", a)
		}
		a13 := e.assignmentOf(p13)
		if a13.Level != 4 || !a13.NextDueAt.Equal(a13.AssignedAt.Add(24*time.Hour)) {
			t.Fatalf("level 4: %+v", a13)
		}

		// 75111 falls back: its person is no longer called.
		e.alerts.set(alerts.Heat, "75111", 2)
		e.sync(alerts.Heat)
		if a := e.assignmentOf(p11); a.Active {
			t.Fatal("75111's assignment still active")
		}
		eps, _ = openEpisodes(ctx, d)
		for _, x := range eps[0].Districts {
			if (x.Code == "75111") != (x.RemovedAt != nil) {
				t.Fatalf("district %s removed_at %v", x.Code, x.RemovedAt)
			}
		}
		// Back at level 3: the same person is called again, by the same volunteer.
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		if a := e.assignmentOf(p11); !a.Active || a.VolunteerID != v || a.ID != a11.ID {
			t.Fatalf("back: %+v", a)
		}

		// Every district below 3: the episode ends.
		for _, c := range []string{"75111", "75113", "75120"} {
			e.alerts.set(alerts.Heat, c, 1)
		}
		e.sync(alerts.Heat)
		if eps, _ := openEpisodes(ctx, d); len(eps) != 0 {
			t.Fatal("episode still open")
		}
		if n := e.count("SELECT COUNT(*) FROM solidarity_assignments WHERE active = 1"); n != 0 {
			t.Fatalf("%d active assignments after the end", n)
		}
		if e.audits(audit.ActionSolidarityEpisodeEnded) != 1 {
			t.Fatal("end not audited")
		}
		e.sync(alerts.Heat)
		if n := e.count("SELECT COUNT(*) FROM solidarity_episodes"); n != 1 {
			t.Fatalf("%d episodes after a Sync with nothing at level 3", n)
		}
	})
}

// Every pair respects the volunteer's capacity, languages and districts;
// the others are unmatched, escalated for City staff, and the activation's
// audit holds only counts.
func TestAssignmentRespectsCapacityLanguagesAndDistricts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		people := map[int64][]string{}
		for i := range 6 {
			people[e.person("75111", 48.855+float64(i)*0.002, 2.378)] = []string{"fr"}
		}
		people[e.person("75111", 48.858, 2.381, "ar")] = []string{"ar"}
		people[e.person("75111", 48.859, 2.382, "zh")] = []string{"zh"} // nobody speaks it
		people[e.person("75113", 48.829, 2.361)] = []string{"fr"}       // nobody covers 75113
		a := e.member(2, []string{"75111"}, 48.856, 2.379)
		b := e.member(3, []string{"75111", "75120"}, 48.860, 2.385, "fr", "ar")
		e.member(5, []string{"75120"}, 48.857, 2.380) // close, but does not cover 75111
		members := map[int64]struct {
			capacity  int
			languages []string
			districts []string
		}{a: {2, []string{"fr"}, []string{"75111"}}, b: {3, []string{"fr", "ar"}, []string{"75111", "75120"}}}

		e.alerts.set(alerts.Heat, "75111", 3)
		e.alerts.set(alerts.Heat, "75113", 3)
		e.sync(alerts.Heat)

		load := map[int64]int{}
		var unmatched []Assignment
		for _, x := range e.rows() {
			if x.VolunteerID == 0 {
				unmatched = append(unmatched, x)
				continue
			}
			m, ok := members[x.VolunteerID]
			if !ok {
				t.Fatalf("person %d given to %d, who does not cover %s", x.PersonID, x.VolunteerID, x.District)
			}
			load[x.VolunteerID]++
			if !slices.Contains(m.districts, x.District) || !speaksOne(m.languages, people[x.PersonID]) {
				t.Fatalf("pair %d-%d breaks a rule", x.PersonID, x.VolunteerID)
			}
		}
		if load[a] != 2 || load[b] != 3 {
			t.Fatalf("loads %v, want every place used", load)
		}
		// 9 people, 5 places: 4 left for City staff, each escalated once.
		if len(unmatched) != 4 {
			t.Fatalf("%d unmatched", len(unmatched))
		}
		reasons := map[string]int{}
		for _, x := range unmatched {
			reasons[x.UnmatchedReason]++
			if r := e.openEscalation(x.ID); r != ReasonUnmatched {
				t.Fatalf("unmatched person %d: escalation %q", x.PersonID, r)
			}
		}
		if reasons[UnmatchedNoVolunteer] != 2 || reasons[UnmatchedAllFull] != 2 {
			t.Fatalf("reasons %v", reasons)
		}
		var detail string
		if err := d.QueryRow(context.Background(), "SELECT detail FROM audit_log WHERE action = ?",
			audit.ActionSolidarityActivated).Scan(&detail); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(detail, "5 people assigned, 4 unmatched") || strings.Contains(detail, "Secret") {
			t.Fatalf("activation audit %q", detail)
		}
		// Another Sync does not escalate them twice.
		e.sync(alerts.Heat)
		if n := e.count("SELECT COUNT(*) FROM solidarity_escalations"); n != 4 {
			t.Fatalf("%d escalations", n)
		}
		// A new member covering 75113 takes its person at the next Sync,
		// and the escalation closes.
		c := e.member(1, []string{"75113"}, 48.83, 2.36)
		e.sync(alerts.Heat)
		for _, x := range unmatched {
			if x.District == "75113" {
				if got := e.assignmentOf(x.PersonID); got.VolunteerID != c || e.openEscalation(x.ID) != "" {
					t.Fatalf("late member: %+v, escalation %q", got, e.openEscalation(x.ID))
				}
			}
		}
	})
}

// Last episode's pairs are kept when the volunteer still covers the
// district, even if a new member lives a little closer.
func TestPreviousPairsKept(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p1 := e.person("75111", 48.8600, 2.3800)
		p2 := e.person("75111", 48.8610, 2.3810)
		e.member(1, []string{"75111"}, 48.8700, 2.3800) // about 1.1 km away
		e.member(1, []string{"75111"}, 48.8500, 2.3800)
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		first := map[int64]int64{p1: e.assignmentOf(p1).VolunteerID, p2: e.assignmentOf(p2).VolunteerID}
		e.alerts.set(alerts.Heat, "75111", 1)
		e.sync(alerts.Heat)

		// A closer newcomer for each.
		e.member(1, []string{"75111"}, 48.8601, 2.3801)
		e.member(1, []string{"75111"}, 48.8611, 2.3811)
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		for _, p := range []int64{p1, p2} {
			a := e.assignmentOf(p)
			if a.VolunteerID != first[p] || !a.Kept {
				t.Fatalf("person %d: %+v, last time %d", p, a, first[p])
			}
		}
	})
}

// Syncs run at once (several coordinators, several instances) leave one
// episode, one assignment per person, no volunteer over capacity, and one
// notice per volunteer.
func TestConcurrentSyncs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for i := range 30 {
			e.person([]string{"75111", "75120"}[i%2], 48.855+float64(i)*0.0005, 2.38+float64(i%5)*0.003)
		}
		var vols []int64
		for i := range 8 {
			vols = append(vols, e.member(1+i%3, []string{"75111", "75120"}, 48.85+float64(i)*0.002, 2.39))
		}
		e.alerts.set(alerts.Heat, "75111", 3)
		e.alerts.set(alerts.Heat, "75120", 4)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 8 {
			wg.Go(func() { errs <- e.svc.Sync(context.Background(), e.coord.UserID, alerts.Heat) })
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM solidarity_episodes"); n != 1 {
			t.Fatalf("%d episodes", n)
		}
		rows := e.rows()
		seen := map[int64]bool{}
		load := map[int64]int{}
		for _, x := range rows {
			if seen[x.PersonID] {
				t.Fatalf("person %d assigned twice", x.PersonID)
			}
			seen[x.PersonID] = true
			load[x.VolunteerID]++
		}
		if len(seen) != 30 {
			t.Fatalf("%d people assigned", len(seen))
		}
		for i, v := range vols {
			if load[v] != 1+i%3 {
				t.Fatalf("volunteer %d holds %d, capacity %d", v, load[v], 1+i%3)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM outbox_jobs WHERE kind = 'email'"); n != len(vols) {
			t.Fatalf("%d mails for %d volunteers", n, len(vols))
		}
		if e.audits(audit.ActionSolidarityActivated) != 1 {
			t.Fatalf("%d activations audited", e.audits(audit.ActionSolidarityActivated))
		}
	})
}

// A person who leaves the registry during the episode is no longer called.
func TestPersonLeavingRegistryStopsBeingCalled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.person("75111", 48.86, 2.38)
		e.member(1, []string{"75111"}, 48.86, 2.38)
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		a := e.assignmentOf(p)
		e.reg.remove(p)
		e.sync(alerts.Heat)
		if got := e.rows()[0]; got.ID != a.ID || got.Active {
			t.Fatalf("after leaving: %+v", got)
		}
	})
}

// A coordinator's end holds while the levels stay as they were: the
// periodic Sync does not reopen it; the next level change does.
func TestEndedByCoordinatorHoldsUntilLevelsChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, p, v, a := oneCall(t, d)
		ctx := context.Background()
		e.advance(time.Hour)
		if err := e.svc.EndEpisode(ctx, e.coord, a.EpisodeID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.EndEpisode(ctx, e.coord, a.EpisodeID); !errors.Is(err, ErrConflict) {
			t.Fatalf("ended twice: %v", err)
		}
		jobs := len(e.jobs())
		e.advance(time.Minute)
		e.sync(alerts.Heat)
		if eps, _ := openEpisodes(ctx, d); len(eps) != 0 || len(e.jobs()) != jobs {
			t.Fatalf("reopened without a level change: %d episodes", len(eps))
		}
		e.alerts.set(alerts.Heat, "75111", 4)
		e.advance(time.Minute)
		e.sync(alerts.Heat)
		got := e.assignmentOf(p)
		if got.EpisodeID == a.EpisodeID || got.VolunteerID != v || !got.Kept || got.Level != 4 {
			t.Fatalf("after the level change: %+v", got)
		}
	})
}

// An 'unmatched' escalation a coordinator closed as handled (City staff
// call the person) stays closed when a later Sync leaves someone else
// unmatched: only the people just decided are escalated.
func TestHandledUnmatchedEscalationStaysClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		p := e.person("75111", 48.86, 2.38)
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		a := e.assignmentOf(p)
		esc := e.escalationOf(a.ID)
		if errs, err := e.svc.CloseEscalation(ctx, e.coord, esc, "City staff call her daily"); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		e.advance(time.Hour)
		other := e.person("75111", 48.861, 2.381)
		e.sync(alerts.Heat)
		if r := e.openEscalation(a.ID); r != "" {
			t.Fatalf("the handled escalation came back as %q", r)
		}
		if r := e.openEscalation(e.assignmentOf(other).ID); r != ReasonUnmatched {
			t.Fatalf("the newcomer: %q", r)
		}
	})
}

// A person keeps their volunteer of the latest ended episode that included
// them, even when another episode (a flood elsewhere) ended since.
func TestPreviousPairsSurviveAnotherEpisode(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.person("75111", 48.8600, 2.3800)
		first := e.member(1, []string{"75111"}, 48.8700, 2.3800) // about 1.1 km away
		e.person("75113", 48.828, 2.362)
		e.member(1, []string{"75113"}, 48.828, 2.362)
		for _, step := range []struct {
			hazard   alerts.Hazard
			district string
			level    alerts.Level
		}{{alerts.Heat, "75111", 3}, {alerts.Heat, "75111", 1}, {alerts.Flood, "75113", 3}, {alerts.Flood, "75113", 1}} {
			e.advance(time.Hour)
			e.alerts.set(step.hazard, step.district, step.level)
			e.sync(step.hazard)
		}
		e.member(1, []string{"75111"}, 48.8601, 2.3801) // a closer newcomer
		e.advance(time.Hour)
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		if a := e.assignmentOf(p); a.VolunteerID != first || !a.Kept {
			t.Fatalf("after a flood episode elsewhere: %+v, last time %d", a, first)
		}
	})
}

// mailsTo counts the mails queued for an address.
func (e *env) mailsTo(address string) int {
	e.t.Helper()
	n := 0
	for _, j := range e.jobs() {
		if m, ok := j.Email(); ok && m.To == address {
			n++
		}
	}
	return n
}

// A district that leaves the alert and comes back gives its people back
// to their volunteers on the same rows: the volunteers are told again.
func TestVolunteerGivenAPersonAgainIsTold(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, p, v, a := oneCall(t, d)
		e.person("75113", 48.828, 2.362)
		e.member(2, []string{"75113"}, 48.828, 2.362)
		e.alerts.set(alerts.Heat, "75113", 3) // keeps the episode open
		e.sync(alerts.Heat)
		to := fmt.Sprintf("v%d@example.org", v)
		if n := e.mailsTo(to); n != 1 {
			t.Fatalf("%d mails after the activation", n)
		}
		e.advance(time.Hour)
		e.alerts.set(alerts.Heat, "75111", 2)
		e.sync(alerts.Heat)
		e.advance(24 * time.Hour)
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		if got := e.assignmentOf(p); got.ID != a.ID || !got.Active || got.VolunteerID != v {
			t.Fatalf("back in the alert: %+v", got)
		}
		if n := e.mailsTo(to); n != 2 {
			t.Fatalf("%d mails after the person came back, want 2", n)
		}
	})
}
