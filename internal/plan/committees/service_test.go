package committees_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/plan/committees"
)

// people is the accounts the fake platform knows.
type people struct{ d *db.DB }

func (p people) AccountByEmail(ctx context.Context, email string) (int64, bool, error) {
	var id int64
	err := p.d.QueryRow(ctx, "SELECT id FROM users WHERE email = ?", email).Scan(&id)
	return id, err == nil, nil
}

func (p people) Names(ctx context.Context, ids []int64) (map[int64]committees.Person, error) {
	out := map[int64]committees.Person{}
	for _, id := range ids {
		var name, email string
		if err := p.d.QueryRow(ctx, "SELECT display_name, email FROM users WHERE id = ?", id).Scan(&name, &email); err != nil {
			return nil, err
		}
		// Accounts whose address starts with "private" keep their name to staff.
		out[id] = committees.Person{Name: name, Community: !strings.HasPrefix(email, "private")}
	}
	return out, nil
}

// meetings stands for the events feature: it writes a bare event row in the
// meeting's transaction and counts the calls.
type meetings struct {
	d     *db.DB
	calls *int
}

func (m meetings) Schedule(ctx context.Context, tx *db.Tx, a committees.Actor, committee string, in committees.MeetingInput) (int64, []committees.FieldError, error) {
	*m.calls++
	starts, _ := committees.ParseLocal(in.StartsAt)
	ends, _ := committees.ParseLocal(in.EndsAt)
	var id int64
	now := db.Now()
	err := tx.QueryRow(ctx, `INSERT INTO events (title, summary, theme, owner_kind, starts_at, ends_at, status, created_at, updated_at)
		VALUES (?, ?, 'awareness', 'city', ?, ?, 'published', ?, ?) RETURNING id`, in.Title, committee, starts, ends, now, now).Scan(&id)
	return id, nil, err
}

type noDistricts struct{}

func (noDistricts) List(context.Context) ([]districts.District, error) { return nil, nil }

type fixture struct {
	d     *db.DB
	svc   *committees.Service
	calls *int
	staff committees.Actor
}

func newFixture(t *testing.T, d *db.DB) fixture {
	calls := new(int)
	f := fixture{d: d, calls: calls, svc: committees.NewService(committees.Deps{DB: d, People: people{d},
		Events: meetings{d, calls}, Districts: noDistricts{}})}
	f.staff = f.user(t, "agent@paris.fr", "coordinator")
	return f
}

func (f fixture) user(t *testing.T, email, role string) committees.Actor {
	t.Helper()
	var id int64
	err := f.d.Tx(t.Context(), func(tx *db.Tx) error {
		now := db.Now()
		return tx.QueryRow(t.Context(), `INSERT INTO users (email, role, language, display_name, created_at, updated_at)
			VALUES (?, ?, 'fr', ?, ?, ?) RETURNING id`, email, role, "Nom "+email, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return committees.Actor{UserID: id, Role: role}
}

func (f fixture) committee(t *testing.T, name string) int64 {
	t.Helper()
	id, errs, err := f.svc.Create(t.Context(), f.staff, committees.CommitteeInput{Name: name, Description: "Suivi."})
	if err != nil || len(errs) > 0 {
		t.Fatalf("create: %v %v", errs, err)
	}
	return id
}

func hasError(errs []committees.FieldError, field, key string) bool {
	for _, e := range errs {
		if e.Field == field && e.Key == key {
			return true
		}
	}
	return false
}

func audits(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRow(t.Context(), "SELECT COUNT(*) FROM audit_log WHERE action = 'plan.committee_changed'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCreateAndEditWithVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		volunteer := f.user(t, "v@example.org", "volunteer")
		if _, _, err := f.svc.Create(ctx, volunteer, committees.CommitteeInput{Name: "Comité mobilités"}); !errors.Is(err, committees.ErrForbidden) {
			t.Fatalf("a volunteer creates a committee: %v", err)
		}
		id := f.committee(t, "Comité de suivi du Plan Climat")
		c, err := f.svc.Get(ctx, id)
		if err != nil || c.Slug != "comite-de-suivi-du-plan-climat" || c.Version != 1 {
			t.Fatalf("created: %+v %v", c, err)
		}
		if _, errs, _ := f.svc.Create(ctx, f.staff, committees.CommitteeInput{Name: "Autre", Slug: c.Slug}); !hasError(errs, "slug", "plan.committees.error.slug_taken") {
			t.Errorf("a taken slug: %v", errs)
		}
		if _, errs, _ := f.svc.Create(ctx, f.staff, committees.CommitteeInput{Name: "Autre", Slug: "2027"}); !hasError(errs, "slug", "plan.committees.error.slug") {
			t.Errorf("a numeric slug (would read as an id): %v", errs)
		}
		edit := committees.CommitteeInput{Name: "Comité de suivi", Slug: c.Slug, Version: 1}
		if errs, err := f.svc.Update(ctx, f.staff, id, edit); err != nil || len(errs) > 0 {
			t.Fatalf("edit: %v %v", errs, err)
		}
		// A second edit made from the same version is stale.
		edit.Name = "Comité périmé"
		if _, err := f.svc.Update(ctx, f.staff, id, edit); !errors.Is(err, committees.ErrConflict) {
			t.Errorf("a stale edit: %v", err)
		}
		if c, _ := f.svc.Get(ctx, id); c.Name != "Comité de suivi" || c.Version != 2 {
			t.Errorf("after the stale edit: %+v", c)
		}
		if _, err := f.svc.Update(ctx, volunteer, id, committees.CommitteeInput{Name: "Pirate", Version: 2}); !errors.Is(err, committees.ErrForbidden) {
			t.Errorf("a volunteer edits: %v", err)
		}
		if got := audits(t, d); got != 2 {
			t.Errorf("audit entries: %d, want 2 (created, edited)", got)
		}
	})
}

func TestMembersByEmailOrName(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité mobilités")
		vol := f.user(t, "lea@example.org", "volunteer")
		errs, err := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Email: "nobody@example.org", College: "volunteer"})
		if err != nil || !hasError(errs, "email", "plan.committees.error.unknown_email") {
			t.Fatalf("unknown e-mail: %v %v", errs, err)
		}
		if errs, _ := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{College: "volunteer"}); !hasError(errs, "email", "plan.committees.error.member_who") {
			t.Errorf("no one: %v", errs)
		}
		if errs, _ := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Name: "X Y", College: "mayor"}); !hasError(errs, "college", "form.error.choice") {
			t.Errorf("unknown college: %v", errs)
		}
		if errs, err := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Email: "LEA@example.org", College: "volunteer", Role: "rapporteure"}); err != nil || len(errs) > 0 {
			t.Fatalf("add by e-mail: %v %v", errs, err)
		}
		if errs, _ := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Email: "lea@example.org", College: "resident"}); !hasError(errs, "email", "plan.committees.error.already_member") {
			t.Errorf("twice: %v", errs)
		}
		if errs, err := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Name: "Camille Roche", College: "elected", Role: "présidente"}); err != nil || len(errs) > 0 {
			t.Fatalf("add by name: %v %v", errs, err)
		}
		if _, err := f.svc.AddMember(ctx, vol, id, committees.MemberInput{Name: "Intrus", College: "resident"}); !errors.Is(err, committees.ErrForbidden) {
			t.Errorf("a volunteer adds a member: %v", err)
		}
		ms, err := f.svc.Members(ctx, id, f.staff)
		if err != nil || len(ms) != 2 || ms[0].UserID != vol.UserID || ms[0].Name != "Nom lea@example.org" || ms[1].Name != "Camille Roche" || ms[1].College != "elected" {
			t.Fatalf("members: %+v %v", ms, err)
		}
		if err := f.svc.RemoveMember(ctx, f.staff, id, ms[1].ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RemoveMember(ctx, f.staff, id, ms[1].ID); !errors.Is(err, committees.ErrNotFound) {
			t.Errorf("removed twice: %v", err)
		}
		// An erased account leaves its committees.
		if err := d.Tx(ctx, func(tx *db.Tx) error { return committees.EraseMember(ctx, tx, vol.UserID) }); err != nil {
			t.Fatal(err)
		}
		if ms, _ := f.svc.Members(ctx, id, f.staff); len(ms) != 0 {
			t.Errorf("after erasure: %+v", ms)
		}
	})
}

func TestMeetingsAndMinutes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité mobilités")
		bad := committees.MeetingInput{Title: "Séance", StartsAt: "2027-01-14T18:30", EndsAt: "2027-01-14T18:00"}
		_, errs, err := f.svc.ScheduleMeeting(ctx, f.staff, id, bad)
		if err != nil || !hasError(errs, "ends_at", "plan.committees.error.end_before_start") || !hasError(errs, "district", "plan.committees.error.place") || *f.calls != 0 {
			t.Fatalf("refused meeting: %v %v, events %d", errs, err, *f.calls)
		}
		in := committees.MeetingInput{Title: "Séance de janvier", StartsAt: "2027-01-14T18:30", EndsAt: "2027-01-14T20:30",
			District: "4", Address: "Hôtel de Ville, 5 rue de Lobau"}
		if _, _, err := f.svc.ScheduleMeeting(ctx, committees.Actor{}, id, in); !errors.Is(err, committees.ErrForbidden) || *f.calls != 0 {
			t.Fatalf("a visitor schedules: %v", err)
		}
		mid, errs, err := f.svc.ScheduleMeeting(ctx, f.staff, id, in)
		if err != nil || len(errs) > 0 || *f.calls != 1 {
			t.Fatalf("schedule: %v %v", errs, err)
		}
		ms, _ := f.svc.Meetings(ctx, id)
		if len(ms) != 1 || ms[0].ID != mid || ms[0].EventID == 0 || ms[0].Place != in.Address || ms[0].StartsAt.Hour() != 17 {
			t.Fatalf("meeting: %+v", ms)
		}
		if errs, _ := f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "  ", Publish: true, Version: version(t, f, id)}); !hasError(errs, "minutes", "plan.committees.error.minutes_empty") {
			t.Errorf("publishing empty minutes: %v", errs)
		}
		if _, err := f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "Brouillon.", Publish: false, Version: version(t, f, id)}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := f.svc.Meetings(ctx, id); ms[0].MinutesPublished() || ms[0].Draft != "Brouillon." || ms[0].Minutes != "" {
			t.Errorf("draft: %+v", ms[0])
		}
		if _, err := f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "Compte rendu approuvé.", Publish: true, Version: version(t, f, id)}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := f.svc.Meetings(ctx, id); !ms[0].MinutesPublished() {
			t.Errorf("published: %+v", ms[0])
		}
		other := f.committee(t, "Comité alimentation")
		if _, err := f.svc.SaveMinutes(ctx, f.staff, other, mid, committees.MinutesInput{Text: "Ailleurs.", Publish: false, Version: version(t, f, other)}); !errors.Is(err, committees.ErrNotFound) {
			t.Errorf("minutes through another committee: %v", err)
		}
		list, err := f.svc.List(ctx, in2time(t, "2026-11-28T10:00"))
		if err != nil || len(list) != 2 || list[1].Name != "Comité mobilités" || list[1].NextMeeting == nil || list[0].NextMeeting != nil {
			t.Errorf("list: %+v %v", list, err)
		}
	})
}

func in2time(t *testing.T, s string) time.Time {
	t.Helper()
	at, ok := committees.ParseLocal(s)
	if !ok {
		t.Fatal(s)
	}
	return at
}

func TestDecisionFollowUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité mobilités")
		member := f.user(t, "membre@example.org", "volunteer")
		stranger := f.user(t, "autre@example.org", "volunteer")
		if errs, err := f.svc.AddMember(ctx, f.staff, id, committees.MemberInput{Email: "membre@example.org", College: "volunteer"}); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if _, errs, _ := f.svc.RecordDecision(ctx, f.staff, id, committees.DecisionInput{Text: "Étendre les rues aux écoles", Action: "NOPE-1"}); !hasError(errs, "action", "plan.committees.error.unknown_action") {
			t.Errorf("unknown action: %v", errs)
		}
		if _, errs, _ := f.svc.RecordDecision(ctx, f.staff, id, committees.DecisionInput{Text: "Étendre", DueOn: "30/06/2027"}); !hasError(errs, "due_on", "plan.committees.error.date") {
			t.Errorf("bad date: %v", errs)
		}
		if _, _, err := f.svc.RecordDecision(ctx, member, id, committees.DecisionInput{Text: "Décision d'un membre"}); !errors.Is(err, committees.ErrForbidden) {
			t.Errorf("a member records a decision: %v", err)
		}
		did, errs, err := f.svc.RecordDecision(ctx, f.staff, id, committees.DecisionInput{Text: "Étendre les rues aux écoles", DueOn: "2027-06-30"})
		if err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		note := committees.FollowUpInput{Note: "Trois nouvelles rues repérées dans le 19e."}
		if _, err := f.svc.FollowUp(ctx, stranger, id, did, note); !errors.Is(err, committees.ErrForbidden) {
			t.Errorf("a non-member follows up: %v", err)
		}
		if _, err := f.svc.FollowUp(ctx, committees.Actor{}, id, did, note); !errors.Is(err, committees.ErrForbidden) {
			t.Errorf("a visitor follows up: %v", err)
		}
		if _, err := f.svc.FollowUp(ctx, member, id, did, committees.FollowUpInput{Status: "done", Note: "C'est fait."}); !errors.Is(err, committees.ErrForbidden) {
			t.Errorf("a member changes the status: %v", err)
		}
		if errs, _ := f.svc.FollowUp(ctx, member, id, did, committees.FollowUpInput{Note: ""}); !hasError(errs, "note", "form.error.required") {
			t.Errorf("an empty note: %v", errs)
		}
		if errs, err := f.svc.FollowUp(ctx, member, id, did, note); err != nil || len(errs) > 0 {
			t.Fatalf("a member's note: %v %v", errs, err)
		}
		if errs, err := f.svc.FollowUp(ctx, f.staff, id, did, committees.FollowUpInput{Status: "in_progress", Note: "Étude lancée par la DVD.", Version: 1}); err != nil || len(errs) > 0 {
			t.Fatalf("staff's status change: %v %v", errs, err)
		}
		if _, err := f.svc.FollowUp(ctx, f.staff, id, did+100, note); !errors.Is(err, committees.ErrNotFound) {
			t.Errorf("an unknown decision: %v", err)
		}
		ds, err := f.svc.Decisions(ctx, id, f.staff)
		if err != nil || len(ds) != 1 || ds[0].Status != "in_progress" || len(ds[0].FollowUps) != 2 {
			t.Fatalf("decisions: %+v %v", ds, err)
		}
		first, second := ds[0].FollowUps[0], ds[0].FollowUps[1]
		if first.StatusChanged() || first.AuthorName != "Nom membre@example.org" || !second.StatusChanged() || second.PreviousStatus != "open" {
			t.Errorf("follow-ups: %+v", ds[0].FollowUps)
		}
	})
}

func TestSeedDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		vol := f.user(t, "volontaire@example.org", "volunteer")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO plan_themes (slug, name) VALUES ('mobilites', 'Mobilités')")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		now := in2time(t, "2026-11-28T10:00")
		for range 2 { // the second run adds nothing
			if err := d.Tx(ctx, func(tx *db.Tx) error { return committees.SeedDemo(ctx, tx, now, nil) }); err != nil {
				t.Fatal(err)
			}
		}
		list, err := f.svc.List(ctx, now)
		if err != nil || len(list) != 2 || list[1].Name != "Comité mobilités" || list[1].ThemeName != "Mobilités" || list[0].NextMeeting == nil {
			t.Fatalf("demo committees: %+v %v", list, err)
		}
		c, err := f.svc.ByRef(ctx, "comite-de-suivi-du-plan-climat")
		if err != nil {
			t.Fatal(err)
		}
		ms, _ := f.svc.Members(ctx, c.ID, f.staff)
		if len(ms) != 7 || ms[0].UserID != vol.UserID {
			t.Errorf("members: %+v", ms)
		}
		meetings, _ := f.svc.Meetings(ctx, c.ID)
		if len(meetings) != 2 || meetings[0].MinutesPublished() || !meetings[1].MinutesPublished() || !meetings[0].StartsAt.After(now) {
			t.Errorf("meetings: %+v", meetings)
		}
		ds, _ := f.svc.Decisions(ctx, c.ID, f.staff)
		if len(ds) != 2 || len(ds[0].FollowUps)+len(ds[1].FollowUps) != 2 {
			t.Errorf("decisions: %+v", ds)
		}
	})
}

// A status sent from a page read before someone else's change is refused
// (409) instead of reverting that change; a note alone goes through.
func TestStaleFollowUpIsAConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité mobilités")
		did, _, err := f.svc.RecordDecision(ctx, f.staff, id, committees.DecisionInput{Text: "Étendre les rues aux écoles"})
		if err != nil {
			t.Fatal(err)
		}
		ds, _ := f.svc.Decisions(ctx, id, f.staff)
		read := ds[0].Version // both staff opened the page now
		if _, err := f.svc.FollowUp(ctx, f.staff, id, did, committees.FollowUpInput{Status: "done", Note: "Livré.", Version: read}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.FollowUp(ctx, f.staff, id, did, committees.FollowUpInput{Status: "open", Note: "Une remarque.", Version: read})
		if !errors.Is(err, committees.ErrConflict) {
			t.Errorf("a stale status: %v", err)
		}
		if ds, _ := f.svc.Decisions(ctx, id, f.staff); ds[0].Status != "done" || len(ds[0].FollowUps) != 1 {
			t.Errorf("after a stale follow-up: %s, %d entries", ds[0].Status, len(ds[0].FollowUps))
		}
	})
}

// version is the current version of the committee's first meeting.
func version(t *testing.T, f fixture, committeeID int64) int {
	t.Helper()
	ms, err := f.svc.Meetings(t.Context(), committeeID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		return 1
	}
	return ms[0].Version
}

// Once minutes are published, a saved draft stays with staff until it is
// published; two staff saving from the same version: the second gets 409.
func TestMinutesDraftAfterPublishingAndVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité mobilités")
		mid, _, err := f.svc.ScheduleMeeting(ctx, f.staff, id, committees.MeetingInput{Title: "Séance de janvier",
			StartsAt: "2027-01-14T18:30", EndsAt: "2027-01-14T20:30", District: "4"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "Compte rendu approuvé.", Publish: true, Version: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "Corrections en cours.", Version: 2}); err != nil {
			t.Fatal(err)
		}
		ms, _ := f.svc.Meetings(ctx, id)
		if !ms[0].MinutesPublished() || ms[0].Minutes != "Compte rendu approuvé." || ms[0].Draft != "Corrections en cours." {
			t.Errorf("a draft of published minutes: %+v", ms[0])
		}
		_, err = f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "Autre version.", Version: 2})
		if !errors.Is(err, committees.ErrConflict) {
			t.Errorf("minutes saved from a stale version: %v", err)
		}
		if ms, _ := f.svc.Meetings(ctx, id); ms[0].Draft != "Corrections en cours." {
			t.Errorf("the stale save overwrote: %+v", ms[0])
		}
		if _, err := f.svc.SaveMinutes(ctx, f.staff, id, mid, committees.MinutesInput{Text: "Compte rendu corrigé.", Publish: true, Version: 3}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := f.svc.Meetings(ctx, id); ms[0].Minutes != "Compte rendu corrigé." {
			t.Errorf("republished: %+v", ms[0])
		}
	})
}

// brokenMeetings writes the meeting's event, then fails (err) or refuses
// (errs): either way the event must not outlive the refused meeting.
type brokenMeetings struct{ refuse bool }

func (b brokenMeetings) Schedule(ctx context.Context, tx *db.Tx, a committees.Actor, committee string, in committees.MeetingInput) (int64, []committees.FieldError, error) {
	now := db.Now()
	var id int64
	if err := tx.QueryRow(ctx, `INSERT INTO events (title, summary, theme, owner_kind, starts_at, ends_at, status, created_at, updated_at)
		VALUES (?, ?, 'awareness', 'city', ?, ?, 'published', ?, ?) RETURNING id`, in.Title, committee, now, now, now, now).Scan(&id); err != nil {
		return 0, nil, err
	}
	if b.refuse {
		return 0, []committees.FieldError{{Field: "district", Key: "events.error.district"}}, nil
	}
	return 0, nil, errors.New("the events side failed after writing")
}

// A meeting and its event are written together or not at all.
func TestMeetingAndEventTogether(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité énergie")
		in := committees.MeetingInput{Title: "Séance de mars", StartsAt: "2027-03-11T18:30", EndsAt: "2027-03-11T20:30",
			District: "4", Address: "Hôtel de Ville"}
		for _, refuse := range []bool{false, true} {
			svc := committees.NewService(committees.Deps{DB: d, People: people{d}, Events: brokenMeetings{refuse}, Districts: noDistricts{}})
			_, errs, err := svc.ScheduleMeeting(ctx, f.staff, id, in)
			if refuse && (err != nil || !hasError(errs, "district", "events.error.district")) {
				t.Errorf("refused event: %v %v", errs, err)
			}
			if !refuse && err == nil {
				t.Error("a failing event side gave no error")
			}
			var events, meetings int
			d.QueryRow(ctx, "SELECT COUNT(*) FROM events").Scan(&events)
			d.QueryRow(ctx, "SELECT COUNT(*) FROM plan_committee_meetings").Scan(&meetings)
			if events != 0 || meetings != 0 {
				t.Errorf("refuse=%v: %d events and %d meetings left", refuse, events, meetings)
			}
		}
	})
}

// An account's name on a committee's pages follows the person's profile:
// staff and the person always read it, signed-in members when the profile
// shows it to them, visitors never; names typed by staff show to all.
func TestMemberNamesFollowTheirPrivacy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := t.Context()
		id := f.committee(t, "Comité énergie")
		f.user(t, "lea@example.org", "volunteer")
		private := f.user(t, "private-sam@example.org", "volunteer")
		reader := f.user(t, "reader@example.org", "volunteer")
		for _, in := range []committees.MemberInput{{Email: "lea@example.org", College: "volunteer"},
			{Email: "private-sam@example.org", College: "volunteer"}, {Name: "Camille Roche", College: "elected"}} {
			if errs, err := f.svc.AddMember(ctx, f.staff, id, in); err != nil || len(errs) > 0 {
				t.Fatal(errs, err)
			}
		}
		did, errs, err := f.svc.RecordDecision(ctx, f.staff, id, committees.DecisionInput{Text: "Publier le bilan annuel"})
		if err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if errs, err := f.svc.FollowUp(ctx, private, id, did, committees.FollowUpInput{Note: "Bilan en cours de relecture."}); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		names := func(viewer committees.Actor) map[string]bool {
			out := map[string]bool{}
			ms, err := f.svc.Members(ctx, id, viewer)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				out[m.Name] = true
			}
			ds, err := f.svc.Decisions(ctx, id, viewer)
			if err != nil || len(ds) != 1 || len(ds[0].FollowUps) != 1 {
				t.Fatal(ds, err)
			}
			out["author:"+ds[0].FollowUps[0].AuthorName] = true
			return out
		}
		for _, c := range []struct {
			who               string
			viewer            committees.Actor
			lea, sam, camille bool
		}{
			{"a visitor", committees.Actor{}, false, false, true},
			{"a signed-in member", reader, true, false, true},
			{"the private member", private, true, true, true},
			{"staff", f.staff, true, true, true},
		} {
			got := names(c.viewer)
			if got["Nom lea@example.org"] != c.lea || got["Nom private-sam@example.org"] != c.sam || got["Camille Roche"] != c.camille ||
				got["author:Nom private-sam@example.org"] != c.sam {
				t.Errorf("%s reads %v", c.who, got)
			}
		}
	})
}
