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
	"climatevolunteers/internal/outbox"
)

// oneCall is an episode with one person in 75111 given to one volunteer.
func oneCall(t *testing.T, d *db.DB) (e *env, person, volunteer int64, a Assignment) {
	e = newEnv(t, d)
	person = e.person("75111", 48.86, 2.38)
	volunteer = e.member(2, []string{"75111"}, 48.861, 2.381)
	e.alerts.set(alerts.Heat, "75111", 3)
	e.sync(alerts.Heat)
	return e, person, volunteer, e.assignmentOf(person)
}

func (e *env) record(a Actor, id int64, outcome, help string) error {
	e.t.Helper()
	x := e.assignmentOf(e.rowsByID(id).PersonID)
	errs, err := e.svc.RecordCall(context.Background(), a, id, CallInput{Outcome: outcome, Help: help, Version: x.Version})
	if len(errs) > 0 {
		e.t.Fatalf("RecordCall refused: %+v", errs)
	}
	return err
}

func (e *env) rowsByID(id int64) Assignment {
	e.t.Helper()
	a, err := getAssignment(context.Background(), e.d, id, false)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// Volunteers get one mail each with a count and a link, a text message only
// with the SMS consent and a phone, and never a registered person's data.
func TestNotificationsOncePerVolunteerWithoutPersonalData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for i := range 3 {
			e.person("75111", 48.86+float64(i)*0.001, 2.38)
		}
		texted := e.member(2, []string{"75111"}, 48.86, 2.38)
		mailed := e.member(2, []string{"75111"}, 48.862, 2.38)
		e.people.phones[texted] = "+33611223344"
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		e.sync(alerts.Heat)

		jobs := e.jobs()
		var mails, texts int
		for _, j := range jobs {
			for _, c := range e.reg.cards {
				for _, secret := range []string{c.Name, c.Phone, c.Address, c.CareNeeds, c.EmergencyContact} {
					if strings.Contains(j.Payload, secret) {
						t.Fatalf("job %s carries %q", j.Key, secret)
					}
				}
			}
			switch j.Kind {
			case outbox.KindEmail:
				mails++
				m, _ := j.Email()
				name := "Bonjour " + strings.TrimSuffix(strings.TrimPrefix(m.To, "v"), "@example.org")
				if !strings.Contains(m.Text, "https://cv.example/my/calls") || !strings.Contains(m.Subject, "canicule") ||
					!strings.Contains(m.Text, strings.Replace(name, "Bonjour ", "Bonjour Volunteer ", 1)+",") || strings.Contains(m.Text, "\x00") {
					t.Errorf("mail %q: %s", m.Subject, m.Text)
				}
			case outbox.KindSMS:
				texts++
				s := smsOf(t, j)
				if s.To != "+33611223344" || !strings.Contains(s.Text, "https://cv.example/my/calls") || strings.Contains(s.Text, "[") {
					t.Errorf("text message %+v", s)
				}
			}
		}
		if mails != 2 || texts != 1 {
			t.Fatalf("%d mails, %d texts; want 2 and 1", mails, texts)
		}
		counts := map[string]bool{}
		for _, j := range jobs {
			if m, ok := j.Email(); ok {
				counts[m.To+" "+m.Subject] = true
			}
		}
		if !counts[fmt.Sprintf("v%d@example.org 2 personnes à appeler : alerte canicule", texted)] &&
			!counts[fmt.Sprintf("v%d@example.org 2 personnes à appeler : alerte canicule", mailed)] {
			t.Fatalf("counts in subjects: %v", counts)
		}
	})
}

// A volunteer sees only their active people of open episodes: anything
// else is ErrNotFound, and an audit entry naming the assignment.
func TestAccessRefusalsAreAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		owner := Actor{UserID: v, Role: "volunteer"}
		if _, _, err := e.svc.OpenCall(ctx, owner, a.ID); err != nil {
			t.Fatalf("owner: %v", err)
		}
		if r := e.reg.reads[len(e.reg.reads)-1]; r.Purpose != "calls" || r.EpisodeID != a.EpisodeID || r.UserID != v {
			t.Fatalf("card read as %+v", r)
		}
		other := Actor{UserID: e.member(2, []string{"75111"}, 48.86, 2.38), Role: "volunteer"}
		target := fmt.Sprint(a.ID)
		check := func(name string, who Actor, id int64, want int) {
			t.Helper()
			if _, _, err := e.svc.OpenCall(ctx, who, id); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s: %v", name, err)
			}
			if _, err := e.svc.RecordCall(ctx, who, id, CallInput{Outcome: OutcomeFine, Version: a.Version}); !errors.Is(err, ErrNotFound) {
				t.Fatalf("%s, recording: %v", name, err)
			}
			if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ? AND actor_id = ?",
				audit.ActionSolidarityAccessDenied, fmt.Sprint(id), who.UserID); n != want {
				t.Fatalf("%s: %d refusals audited, want %d", name, n, want)
			}
		}
		check("another volunteer", other, a.ID, 2)
		check("a coordinator", e.coord, a.ID, 2)
		check("an unknown assignment", owner, a.ID+1000, 2)
		if n := e.count("SELECT COUNT(*) FROM solidarity_calls"); n != 0 {
			t.Fatalf("%d calls recorded by refused people", n)
		}

		// The assignment stops (its district leaves the alert).
		e.alerts.set(alerts.Heat, "75111", 2)
		e.alerts.set(alerts.Heat, "75120", 3)
		e.sync(alerts.Heat)
		check("an inactive assignment", owner, a.ID, 2)
		// The episode ends.
		e.alerts.set(alerts.Heat, "75111", 3)
		e.sync(alerts.Heat)
		if _, _, err := e.svc.OpenCall(ctx, owner, a.ID); err != nil {
			t.Fatalf("back in the alert: %v", err)
		}
		if err := e.svc.EndEpisode(ctx, e.coord, a.EpisodeID); err != nil {
			t.Fatal(err)
		}
		if e.audits(audit.ActionSolidarityAccessDenied, target) != 6 {
			t.Fatal("refusals before the end miscounted")
		}
		check("an ended episode", owner, a.ID, 4)
	})
}

// "Needs help" escalates at once, mails every coordinator and admin
// without the person's data, and keeps the help text sealed.
func TestNeedsHelpEscalatesAndMailsCoordinators(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		vol := Actor{UserID: v, Role: "volunteer"}
		changed := 0
		e.svc.OnChange = func(ep int64) {
			if ep == a.EpisodeID {
				changed++
			}
		}
		// Help is required with this outcome; the input is kept for the form.
		errs, err := e.svc.RecordCall(ctx, vol, a.ID, CallInput{Outcome: OutcomeNeedsHelp, Help: "  ", Version: a.Version})
		if err != nil || len(errs) != 1 || errs[0].Field != "help" {
			t.Fatalf("empty help: %+v %v", errs, err)
		}
		errs, _ = e.svc.RecordCall(ctx, vol, a.ID, CallInput{Outcome: "maybe", Version: a.Version})
		if len(errs) != 1 || errs[0].Field != "outcome" {
			t.Fatalf("unknown outcome: %+v", errs)
		}
		errs, _ = e.svc.RecordCall(ctx, vol, a.ID, CallInput{Outcome: OutcomeNeedsHelp, Help: strings.Repeat("x", MaxHelp+1), Version: a.Version})
		if len(errs) != 1 || errs[0].Key != "form.error.too_long" {
			t.Fatalf("long help: %+v", errs)
		}
		before := len(e.jobs())
		help := "Plus d'insuline, besoin d'une pharmacie"
		if err := e.record(vol, a.ID, OutcomeNeedsHelp, help); err != nil {
			t.Fatal(err)
		}
		if r := e.openEscalation(a.ID); r != ReasonNeedsHelp {
			t.Fatalf("escalation %q", r)
		}
		if changed != 1 {
			t.Fatalf("OnChange heard %d times", changed)
		}
		got := e.rowsByID(a.ID)
		if got.Calls != 1 || got.LastOutcome != OutcomeNeedsHelp || !got.NextDueAt.Equal(e.now().Add(48*time.Hour)) {
			t.Fatalf("assignment after the call: %+v", got)
		}
		var stored string
		if err := d.QueryRow(ctx, "SELECT help_sealed FROM solidarity_calls").Scan(&stored); err != nil || stored == "" || strings.Contains(stored, "insuline") {
			t.Fatalf("help stored as %q (%v)", stored, err)
		}
		jobs := e.jobs()[before:]
		if len(jobs) != 2 {
			t.Fatalf("%d jobs, want a mail to each of 2 staff", len(jobs))
		}
		to := map[string]string{}
		for _, j := range jobs {
			m, _ := j.Email()
			to[m.To] = m.Subject + "\n" + m.Text
			for _, secret := range []string{"insuline", "Jeanne", "rue Cachée", "+331"} {
				if strings.Contains(j.Payload, secret) {
					t.Fatalf("staff mail carries %q", secret)
				}
			}
		}
		if !strings.Contains(to["coord@example.org"], "Popincourt") || !strings.Contains(to["coord@example.org"], "/coordination/solidarity/escalations/") ||
			!strings.Contains(to["admin@example.org"], "Someone needs help") {
			t.Fatalf("staff mails: %v", to)
		}
		// The coordinator reads the help text and the card (audited read).
		var escID int64
		if err := d.QueryRow(ctx, "SELECT id FROM solidarity_escalations").Scan(&escID); err != nil {
			t.Fatal(err)
		}
		view, err := e.svc.OpenEscalation(ctx, e.coord, escID)
		if err != nil || view.Help != help || view.Card == nil || view.Card.Name == "" {
			t.Fatalf("escalation view: %+v %v", view, err)
		}
		if r := e.reg.reads[len(e.reg.reads)-1]; r.Purpose != "escalation" || r.UserID != e.coord.UserID {
			t.Fatalf("card read as %+v", r)
		}
		if _, err := e.svc.OpenEscalation(ctx, Actor{UserID: v, Role: "volunteer"}, escID); !errors.Is(err, ErrForbidden) {
			t.Fatalf("a volunteer opened an escalation: %v", err)
		}
	})
}

// The same form submitted twice records one call.
func TestStaleCallFormConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		vol := Actor{UserID: v, Role: "volunteer"}
		in := CallInput{Outcome: OutcomeFine, Version: a.Version}
		if _, err := e.svc.RecordCall(context.Background(), vol, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.RecordCall(context.Background(), vol, a.ID, in); !errors.Is(err, ErrConflict) {
			t.Fatalf("second submission: %v", err)
		}
		if n := e.count("SELECT COUNT(*) FROM solidarity_calls"); n != 1 {
			t.Fatalf("%d calls", n)
		}
	})
}

// Three calls without answer within 24 hours escalate; two do not; three
// spread over 30 hours do not.
func TestUnreachedAfterThreeAttemptsIn24Hours(t *testing.T) {
	for _, c := range []struct {
		name string
		gaps []time.Duration // before each attempt after the first
		want string
	}{
		{"three in 24 h", []time.Duration{0, 3 * time.Hour, 10 * time.Hour}, ReasonUnreached},
		{"two", []time.Duration{0, 3 * time.Hour}, ""},
		{"three over 30 h", []time.Duration{0, 15 * time.Hour, 15 * time.Hour}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				e, _, v, a := oneCall(t, d)
				for _, gap := range c.gaps {
					e.advance(gap)
					if err := e.record(Actor{UserID: v, Role: "volunteer"}, a.ID, OutcomeNotReached, ""); err != nil {
						t.Fatal(err)
					}
				}
				if got := e.openEscalation(a.ID); got != c.want {
					t.Fatalf("escalation %q, want %q", got, c.want)
				}
				// Not reached leaves the person due.
				if got := e.rowsByID(a.ID); !got.NextDueAt.Equal(a.NextDueAt) || !got.Due(e.now()) || e.svc.mustPending(t, v) != 1 {
					t.Fatalf("due moved: %+v", got)
				}
			})
		})
	}
}

// People not reached within their level's interval are escalated once; a
// call that reaches them closes it.
func TestOverdue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		if n, err := e.svc.CheckOverdue(ctx, e.now().Add(47*time.Hour)); err != nil || n != 0 {
			t.Fatalf("before the interval: %d %v", n, err)
		}
		if n, err := e.svc.CheckOverdue(ctx, e.now().Add(49*time.Hour)); err != nil || n != 1 {
			t.Fatalf("after the interval: %d %v", n, err)
		}
		if n, _ := e.svc.CheckOverdue(ctx, e.now().Add(50*time.Hour)); n != 0 || e.openEscalation(a.ID) != ReasonOverdue {
			t.Fatalf("second check: %d, %q", n, e.openEscalation(a.ID))
		}
		// A not-reached call does not close it; three of them raise it.
		e.advance(49 * time.Hour)
		vol := Actor{UserID: v, Role: "volunteer"}
		for range 3 {
			if err := e.record(vol, a.ID, OutcomeNotReached, ""); err != nil {
				t.Fatal(err)
			}
		}
		if r := e.openEscalation(a.ID); r != ReasonUnreached {
			t.Fatalf("after three attempts: %q", r)
		}
		if err := e.record(vol, a.ID, OutcomeFine, ""); err != nil {
			t.Fatal(err)
		}
		if r := e.openEscalation(a.ID); r != "" {
			t.Fatalf("reached, still escalated: %q", r)
		}
		if n, _ := e.svc.CheckOverdue(ctx, e.now().Add(47*time.Hour)); n != 0 {
			t.Fatal("overdue right after an answer")
		}
		if n := e.svc.mustPending(t, v); n != 0 {
			t.Fatalf("pending %d after an answer", n)
		}
		e.advance(48 * time.Hour)
		if n := e.svc.mustPending(t, v); n != 1 {
			t.Fatalf("pending %d when due again", n)
		}
	})
}

func (s *Service) mustPending(t *testing.T, userID int64) int {
	t.Helper()
	n, err := s.PendingCalls(context.Background(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An answer between unanswered calls starts the count again: not reached,
// not reached, fine, not reached within 24 hours is not 'unreached'; two
// more unanswered calls after the answer are.
func TestUnreachedCountsOnlyCallsAfterTheLastAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		vol := Actor{UserID: v, Role: "volunteer"}
		for i, o := range []string{OutcomeNotReached, OutcomeNotReached, OutcomeFine, OutcomeNotReached, OutcomeNotReached} {
			e.advance(time.Hour)
			if err := e.record(vol, a.ID, o, ""); err != nil {
				t.Fatal(err)
			}
			if r := e.openEscalation(a.ID); r != "" {
				t.Fatalf("after call %d (%s): escalated %q", i+1, o, r)
			}
		}
		e.advance(time.Hour)
		if err := e.record(vol, a.ID, OutcomeNotReached, ""); err != nil {
			t.Fatal(err)
		}
		if r := e.openEscalation(a.ID); r != ReasonUnreached {
			t.Fatalf("three unanswered calls after the answer: %q", r)
		}
	})
}

// A shorter interval (a raised level, or a coordinator's change) counts
// from the last answered call, or from the assignment when none was, never
// from a later unanswered call: it does not push the deadline later.
func TestShorterIntervalCountsFromTheLastAnswer(t *testing.T) {
	raise := func(e *env) {
		e.alerts.set(alerts.Heat, "75111", 4)
		e.sync(alerts.Heat)
	}
	set := func(e *env) {
		if errs, err := e.svc.SetIntervals(context.Background(), e.coord, IntervalsInput{
			Hours: map[int]string{3: "36", 4: "24"}, Was: map[int]int{3: 48, 4: 24}}); err != nil || len(errs) > 0 {
			e.t.Fatal(errs, err)
		}
	}
	for _, c := range []struct {
		name    string
		answer  bool // a call reaches the person first
		shorten func(e *env)
		want    time.Duration // from the answer, or the assignment
	}{
		{"level raised", true, raise, 24 * time.Hour},
		{"level raised, never answered", false, raise, 24 * time.Hour},
		{"interval set", true, set, 36 * time.Hour},
		{"interval set, never answered", false, set, 36 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				e, _, v, a := oneCall(t, d)
				vol := Actor{UserID: v, Role: "volunteer"}
				e.advance(10 * time.Hour)
				answered := a.AssignedAt
				if c.answer {
					if err := e.record(vol, a.ID, OutcomeFine, ""); err != nil {
						t.Fatal(err)
					}
					answered = e.now()
				}
				e.advance(30 * time.Hour)
				if err := e.record(vol, a.ID, OutcomeNotReached, ""); err != nil {
					t.Fatal(err)
				}
				e.advance(time.Hour)
				c.shorten(e)
				if got := e.rowsByID(a.ID).NextDueAt; !got.Equal(answered.Add(c.want)) {
					t.Fatalf("next call due %v after the answer, want %v", got.Sub(answered), c.want)
				}
			})
		})
	}
}

// A volunteer who is no longer an available member sees none of their
// people, even before a Sync hands them over: the list explains, a card
// is a 404 and an audit entry.
func TestFormerMemberSeesNoCards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e, _, v, a := oneCall(t, d)
		ctx := context.Background()
		vol := Actor{UserID: v, Role: "volunteer"}
		e.net.drop(v)
		reads := len(e.reg.reads)
		if cards, err := e.svc.MyCalls(ctx, vol); !errors.Is(err, ErrNotMember) || len(cards) != 0 {
			t.Fatalf("my calls: %d cards, %v", len(cards), err)
		}
		if _, _, err := e.svc.OpenCall(ctx, vol, a.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("opening: %v", err)
		}
		if _, err := e.svc.RecordCall(ctx, vol, a.ID, CallInput{Outcome: OutcomeFine, Version: a.Version}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("recording: %v", err)
		}
		if len(e.reg.reads) != reads || e.count("SELECT COUNT(*) FROM solidarity_calls") != 0 {
			t.Fatal("a card was read or a call recorded")
		}
		if n := e.count("SELECT COUNT(*) FROM audit_log WHERE action = ? AND target_id = ? AND detail = ?",
			audit.ActionSolidarityAccessDenied, fmt.Sprint(a.ID), "no longer an available member"); n != 2 {
			t.Fatalf("%d refusals audited", n)
		}
	})
}
