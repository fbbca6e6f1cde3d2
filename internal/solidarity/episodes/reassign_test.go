package episodes

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/audit"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func (e *env) escalationOf(assignmentID int64) int64 {
	e.t.Helper()
	var id int64
	if err := e.d.QueryRow(context.Background(), "SELECT id FROM solidarity_escalations WHERE assignment_id = ? AND resolved_at IS NULL",
		assignmentID).Scan(&id); err != nil {
		e.t.Fatalf("open escalation of %d: %v", assignmentID, err)
	}
	return id
}

// A coordinator moves a person in one step to a suggested volunteer: the
// escalation is resolved, the new volunteer told, the old one loses access.
func TestReassign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		near := e.member(1, []string{"75111"}, 48.862, 2.382)
		far := e.member(3, []string{"75111"}, 48.87, 2.39)
		e.member(3, []string{"75120"}, 48.86, 2.38)       // does not cover 75111
		e.member(3, []string{"75111"}, 48.86, 2.38, "ar") // no shared language
		e.member(1, []string{"75111"}, 48.8601, 2.3801)   // full: it takes the next person
		e.person("75111", 48.8602, 2.3802)                // takes full's place at the next Sync
		e.sync(alerts.Heat)
		if err := e.record(Actor{UserID: v, Role: "volunteer"}, a.ID, OutcomeNeedsHelp, "courses"); err != nil {
			t.Fatal(err)
		}
		esc := e.escalationOf(a.ID)
		view, err := e.svc.OpenEscalation(ctx, e.coord, esc)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, s := range view.Suggestions {
			got = append(got, s.UserID)
		}
		if fmt.Sprint(got) != fmt.Sprint([]int64{near, far}) || view.Suggestions[0].Name == "" {
			t.Fatalf("suggestions %v (%+v), want near then far", got, view.Suggestions)
		}

		// Only a suggestion is accepted.
		for _, bad := range []int64{0, v, e.coord.UserID} {
			errs, err := e.svc.Reassign(ctx, e.coord, esc, bad)
			if err != nil || len(errs) != 1 || errs[0].Field != "volunteer" {
				t.Fatalf("volunteer %d: %+v %v", bad, errs, err)
			}
		}
		if _, err := e.svc.Reassign(ctx, Actor{UserID: v, Role: "volunteer"}, esc, near); !errors.Is(err, ErrForbidden) {
			t.Fatalf("a volunteer reassigned: %v", err)
		}
		before, was := len(e.jobs()), e.rowsByID(a.ID)
		e.advance(time.Hour)
		if errs, err := e.svc.Reassign(ctx, e.coord, esc, near); err != nil || len(errs) > 0 {
			t.Fatalf("reassign: %+v %v", errs, err)
		}
		moved := e.rowsByID(a.ID)
		if moved.VolunteerID != near || moved.LastOutcome != OutcomeNeedsHelp || e.openEscalation(a.ID) != "" {
			t.Fatalf("after reassigning: %+v, escalation %q", moved, e.openEscalation(a.ID))
		}
		// The call clock goes on: the next call is due when it was.
		if !moved.NextDueAt.Equal(was.NextDueAt) || !moved.AssignedAt.Equal(was.AssignedAt) {
			t.Fatalf("next call due %v, was %v; assigned %v, was %v", moved.NextDueAt, was.NextDueAt, moved.AssignedAt, was.AssignedAt)
		}
		var resolution string
		var by int64
		if err := d.QueryRow(ctx, "SELECT resolution, resolved_by FROM solidarity_escalations WHERE id = ?", esc).Scan(&resolution, &by); err != nil ||
			resolution != ResolvedReassigned || by != e.coord.UserID {
			t.Fatalf("escalation resolved as %q by %d (%v)", resolution, by, err)
		}
		jobs := e.jobs()[before:]
		if len(jobs) != 1 {
			t.Fatalf("%d jobs after reassigning", len(jobs))
		}
		if m, _ := jobs[0].Email(); m.To != fmt.Sprintf("v%d@example.org", near) || strings.Contains(jobs[0].Payload, "courses") {
			t.Fatalf("mail %+v", m)
		}
		if e.audits(audit.ActionSolidarityReassigned, fmt.Sprint(a.ID)) != 1 {
			t.Fatal("reassignment not audited")
		}
		if _, _, err := e.svc.OpenCall(ctx, Actor{UserID: v, Role: "volunteer"}, a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the former volunteer still sees the person: %v", err)
		}
		if _, _, err := e.svc.OpenCall(ctx, Actor{UserID: near, Role: "volunteer"}, a.ID); err != nil {
			t.Fatalf("the new volunteer: %v", err)
		}
		// The escalation is no longer open: a second submission conflicts.
		if _, err := e.svc.Reassign(ctx, e.coord, esc, far); !errors.Is(err, ErrConflict) {
			t.Fatalf("second reassignment: %v", err)
		}
	})
}

// A coordinator closes an escalation with a note, sealed and audited.
func TestCloseEscalation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		if err := e.record(Actor{UserID: v, Role: "volunteer"}, a.ID, OutcomeNeedsHelp, "courses"); err != nil {
			t.Fatal(err)
		}
		esc := e.escalationOf(a.ID)
		if errs, err := e.svc.CloseEscalation(ctx, e.coord, esc, "  "); err != nil || len(errs) != 1 || errs[0].Field != "note" {
			t.Fatalf("empty note: %+v %v", errs, err)
		}
		note := "Fille prévenue, passe ce soir avec les courses"
		if errs, err := e.svc.CloseEscalation(ctx, e.coord, esc, note); err != nil || len(errs) > 0 {
			t.Fatalf("close: %+v %v", errs, err)
		}
		var stored string
		if err := d.QueryRow(ctx, "SELECT note_sealed FROM solidarity_escalations WHERE id = ?", esc).Scan(&stored); err != nil ||
			strings.Contains(stored, "Fille") {
			t.Fatalf("note stored as %q", stored)
		}
		view, err := e.svc.OpenEscalation(ctx, e.coord, esc)
		if err != nil || view.Note != note || view.Open() || view.Resolution != ResolvedHandled {
			t.Fatalf("view %+v %v", view.Escalation, err)
		}
		if _, err := e.svc.CloseEscalation(ctx, e.coord, esc, note); !errors.Is(err, ErrConflict) {
			t.Fatalf("closed twice: %v", err)
		}
		if e.audits(audit.ActionSolidarityEscalationClose, fmt.Sprint(esc)) != 1 {
			t.Fatal("not audited")
		}
		if _, err := e.svc.OpenEscalation(ctx, e.coord, esc+99); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown escalation: %v", err)
		}
	})
}

// A volunteer who leaves: their people go to others with room; those left
// over are escalated and coordinators mailed.
func TestVolunteerWithdrew(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		p1 := e.person("75111", 48.860, 2.380)
		p2 := e.person("75111", 48.861, 2.381)
		p3 := e.person("75111", 48.862, 2.382, "ar")
		leaving := e.member(3, []string{"75111"}, 48.860, 2.380, "fr", "ar")
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		for _, p := range []int64{p1, p2, p3} {
			if e.assignmentOf(p).VolunteerID != leaving {
				t.Fatal("setup: everyone goes to the leaving volunteer")
			}
		}
		other := e.member(1, []string{"75111"}, 48.87, 2.38) // room for one, French only
		e.net.drop(leaving)
		before, due := len(e.jobs()), e.assignmentOf(p1).NextDueAt
		e.advance(time.Hour)
		if err := e.svc.VolunteerWithdrew(ctx, leaving); err != nil {
			t.Fatal(err)
		}
		var moved, left []Assignment
		for _, p := range []int64{p1, p2, p3} {
			a := e.assignmentOf(p)
			switch a.VolunteerID {
			case other:
				moved = append(moved, a)
			case 0:
				left = append(left, a)
				if a.UnmatchedReason != UnmatchedVolunteerLeft || e.openEscalation(a.ID) != ReasonWithdrawn {
					t.Fatalf("left over: %+v, escalation %q", a, e.openEscalation(a.ID))
				}
			default:
				t.Fatalf("person %d still with %d", p, a.VolunteerID)
			}
		}
		if len(moved) != 1 || len(left) != 2 || moved[0].PersonID == p3 {
			t.Fatalf("moved %d, left %d", len(moved), len(left))
		}
		if !moved[0].NextDueAt.Equal(due) {
			t.Fatalf("moved: next call due %v, was %v", moved[0].NextDueAt, due)
		}
		var toOther, toStaff int
		for _, j := range e.jobs()[before:] {
			m, _ := j.Email()
			switch m.To {
			case fmt.Sprintf("v%d@example.org", other):
				toOther++
			case "coord@example.org", "admin@example.org":
				toStaff++
				if !strings.Contains(m.Text, "2 personnes") && !strings.Contains(m.Text, "2 people") {
					t.Errorf("staff mail: %s", m.Text)
				}
			}
		}
		if toOther != 1 || toStaff != 2 {
			t.Fatalf("%d mails to the new volunteer, %d to staff", toOther, toStaff)
		}
		// Nothing left to move: a second call changes nothing.
		n := len(e.jobs())
		if err := e.svc.VolunteerWithdrew(ctx, leaving); err != nil || len(e.jobs()) != n {
			t.Fatalf("second call: %v", err)
		}
	})
}

// Account deletion, inside the deleting transaction: the volunteer's
// people are escalated at once.
func TestEraseVolunteer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if err := e.svc.EraseVolunteer(ctx, tx, v); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "DELETE FROM users WHERE id = ?", v)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got := e.rowsByID(a.ID)
		if got.VolunteerID != 0 || got.UnmatchedReason != UnmatchedVolunteerLeft || e.openEscalation(a.ID) != ReasonWithdrawn {
			t.Fatalf("after erasure: %+v, escalation %q", got, e.openEscalation(a.ID))
		}
		// The next Sync finds them a volunteer if one has room.
		e.net.drop(v)
		other := e.member(1, []string{"75111"}, 48.86, 2.38)
		e.sync(alerts.Heat)
		if got := e.rowsByID(a.ID); got.VolunteerID != other || e.openEscalation(a.ID) != "" {
			t.Fatalf("after the next Sync: %+v", got)
		}
	})
}

// A volunteer who leaves twice, having been given the same person again
// in between, is reported to coordinators twice.
func TestWithdrawingAgainIsReportedAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, p, v, a := oneCall(t, d)
		ctx := context.Background()
		member := e.net.members[0]
		for round := 1; round <= 2; round++ {
			e.net.drop(v)
			if err := e.svc.VolunteerWithdrew(ctx, v); err != nil {
				t.Fatal(err)
			}
			if n := e.mailsTo("coord@example.org"); n != round {
				t.Fatalf("round %d: %d mails to the coordinator", round, n)
			}
			// They come back and are given the person again.
			e.net.mu.Lock()
			e.net.members = append(e.net.members, member)
			e.net.mu.Unlock()
			e.advance(time.Hour)
			e.sync(alerts.Heat)
			if got := e.assignmentOf(p); got.ID != a.ID || got.VolunteerID != v {
				t.Fatalf("round %d, back: %+v", round, got)
			}
		}
	})
}

// A person moved while overdue is due at once for their new volunteer,
// not an interval later.
func TestOverduePersonMovedIsDueNow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		if err := e.record(Actor{UserID: v, Role: "volunteer"}, a.ID, OutcomeFine, ""); err != nil {
			t.Fatal(err)
		}
		e.advance(49 * time.Hour)
		if n, err := e.svc.CheckOverdue(ctx, e.now()); err != nil || n != 1 {
			t.Fatalf("overdue: %d %v", n, err)
		}
		other := e.member(2, []string{"75111"}, 48.862, 2.382)
		if errs, err := e.svc.Reassign(ctx, e.coord, e.escalationOf(a.ID), other); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if got := e.rowsByID(a.ID); !got.Due(e.now()) || !got.NextDueAt.Equal(e.now()) || e.svc.mustPending(t, other) != 1 {
			t.Fatalf("moved while overdue: next call due %v from now", got.NextDueAt.Sub(e.now()))
		}
	})
}

// A volunteer calling the same person in a heat and a flood episode
// leaves: the person goes to one new volunteer in both, counted once
// against their capacity.
func TestWithdrawalWithAPersonInTwoEpisodes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.person("75111", 48.86, 2.38)
		v := e.member(2, []string{"75111"}, 48.861, 2.381)
		for _, h := range []alerts.Hazard{alerts.Heat, alerts.Flood} {
			e.alerts.set(h, "75111", 3)
			e.sync(h)
		}
		if rows := e.rows(); len(rows) != 2 || rows[0].VolunteerID != v || rows[1].VolunteerID != v {
			t.Fatalf("setup: %+v", rows)
		}
		w := e.member(1, []string{"75111"}, 48.87, 2.39)
		e.net.drop(v)
		if err := e.svc.VolunteerWithdrew(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		for _, r := range e.rows() {
			if r.PersonID != p || r.VolunteerID != w || !r.Active {
				t.Fatalf("after the withdrawal: %+v", r)
			}
		}
		if used, err := usedCapacity(context.Background(), d); err != nil || used[w] != 1 {
			t.Fatalf("room used: %v %v", used, err)
		}
	})
}

// A volunteer no longer in the network (their withdrawal's hook failed, or
// their account was suspended) loses their people at the next Sync: to
// another member, or to nobody ('withdrawn'), and coordinators are mailed.
func TestSyncHandsOverThePeopleOfVolunteersWhoLeft(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, p, v, a := oneCall(t, d)
		w := e.member(2, []string{"75111"}, 48.862, 2.382)
		e.net.drop(v)
		e.advance(time.Hour)
		e.sync(alerts.Heat)
		got := e.assignmentOf(p)
		if got.VolunteerID != w || !got.NextDueAt.Equal(a.NextDueAt) {
			t.Fatalf("after the Sync: %+v", got)
		}
		if n := e.mailsTo(fmt.Sprintf("v%d@example.org", w)); n != 1 {
			t.Fatalf("%d mails to the new volunteer", n)
		}
		if n := e.mailsTo("coord@example.org"); n != 1 {
			t.Fatalf("%d mails to the coordinator", n)
		}
		// Nobody left to take them: City staff, and coordinators told again.
		e.net.drop(w)
		e.advance(time.Hour)
		e.sync(alerts.Heat)
		got = e.assignmentOf(p)
		if got.VolunteerID != 0 || got.UnmatchedReason != UnmatchedVolunteerLeft || e.openEscalation(a.ID) != ReasonWithdrawn {
			t.Fatalf("nobody to take over: %+v, escalation %q", got, e.openEscalation(a.ID))
		}
		if n := e.mailsTo("coord@example.org"); n != 2 {
			t.Fatalf("%d mails to the coordinator", n)
		}
		e.sync(alerts.Heat)
		if n := e.mailsTo("coord@example.org"); n != 2 {
			t.Fatalf("a Sync with nothing new mailed the coordinator: %d mails", n)
		}
	})
}

// A member who leaves while a Sync plans is not given anyone: membership
// is read again under the lock.
func TestSyncRechecksMembershipBeforeItCommits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := e.person("75111", 48.86, 2.38)
		v := e.member(2, []string{"75111"}, 48.861, 2.381)
		e.net.then = func() { e.net.drop(v) } // leaves once the plan has read the members
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		if got := e.assignmentOf(p); got.VolunteerID != 0 {
			t.Fatalf("given to a volunteer who left during the Sync: %+v", got)
		}
	})
}

// A Sync that gave people to a volunteer just before they left committed
// while the withdrawal planned: the withdrawal reads their people again
// under the lock and hands over those too.
func TestWithdrawalRereadsThePeopleUnderTheLock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, p1, v, _ := oneCall(t, d)
		p2 := e.person("75111", 48.87, 2.39)
		e.member(1, []string{"75111"}, 48.87, 2.39) // takes p2
		e.sync(alerts.Heat)
		late := e.assignmentOf(p2)
		if late.VolunteerID == v {
			t.Fatal("setup: p2 went to v")
		}
		e.member(2, []string{"75111"}, 48.865, 2.385) // room for both
		e.net.drop(v)
		e.net.then = func() { // the late Sync's commit, as the withdrawal plans
			if _, err := d.Exec(context.Background(), "UPDATE solidarity_assignments SET volunteer_id = ?, version = version + 1 WHERE id = ?",
				v, late.ID); err != nil {
				t.Error(err)
			}
		}
		if err := e.svc.VolunteerWithdrew(context.Background(), v); err != nil {
			t.Fatal(err)
		}
		for _, p := range []int64{p1, p2} {
			if got := e.assignmentOf(p); got.VolunteerID == v || got.VolunteerID == 0 {
				t.Fatalf("person %d after the withdrawal: %+v", p, got)
			}
		}
	})
}

// A volunteer who leaves while a coordinator reassigns to them is refused
// under the lock.
func TestReassignRechecksMembership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		if err := e.record(Actor{UserID: v, Role: "volunteer"}, a.ID, OutcomeNeedsHelp, "courses"); err != nil {
			t.Fatal(err)
		}
		w := e.member(2, []string{"75111"}, 48.862, 2.382)
		e.net.then = func() { e.net.drop(w) } // leaves once the suggestions are read
		errs, err := e.svc.Reassign(ctx, e.coord, e.escalationOf(a.ID), w)
		if err != nil || len(errs) != 1 || errs[0].Key != "episodes.error.volunteer_choice" {
			t.Fatalf("reassigned to a volunteer who left: %+v %v", errs, err)
		}
		if got := e.rowsByID(a.ID); got.VolunteerID != v {
			t.Fatalf("after the refusal: %+v", got)
		}
	})
}

// The former volunteer submitting a call form opened before the person was
// handed to someone else is told so (ErrHandedOn), and it is not logged as
// an intrusion; anyone else still gets a 404 and an audit entry.
func TestCallAfterReassignmentIsNoIntrusion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		vol := Actor{UserID: v, Role: "volunteer"}
		if err := e.record(vol, a.ID, OutcomeNotReached, ""); err != nil {
			t.Fatal(err)
		}
		e.advance(49 * time.Hour)
		if n, err := e.svc.CheckOverdue(ctx, e.now()); err != nil || n != 1 {
			t.Fatalf("overdue: %d %v", n, err)
		}
		form := e.rowsByID(a.ID).Version
		w := e.member(2, []string{"75111"}, 48.862, 2.382)
		if errs, err := e.svc.Reassign(ctx, e.coord, e.escalationOf(a.ID), w); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if _, err := e.svc.RecordCall(ctx, vol, a.ID, CallInput{Outcome: OutcomeFine, Version: form}); !errors.Is(err, ErrHandedOn) {
			t.Fatalf("the former volunteer's call: %v", err)
		}
		stranger := Actor{UserID: e.member(2, []string{"75111"}, 48.86, 2.38), Role: "volunteer"}
		if _, err := e.svc.RecordCall(ctx, stranger, a.ID, CallInput{Outcome: OutcomeFine, Version: form}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a stranger's call: %v", err)
		}
		if n := e.audits(audit.ActionSolidarityAccessDenied); n != 1 {
			t.Fatalf("%d refusals audited, want the stranger's only", n)
		}
		if n := e.count("SELECT COUNT(*) FROM solidarity_calls"); n != 1 {
			t.Fatalf("%d calls", n)
		}
	})
}
