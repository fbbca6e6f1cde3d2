package initiatives

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestValidateRefusesEachBadField(t *testing.T) {
	known := func(c string) bool { return c == "75111" }
	cases := []struct {
		name  string
		edit  func(*Input)
		field string
		key   string
	}{
		{"no title", func(in *Input) { in.Title = "  " }, "title", "form.error.required"},
		{"short title", func(in *Input) { in.Title = "ab" }, "title", "initiatives.error.too_short"},
		{"long title", func(in *Input) { in.Title = strings.Repeat("é", maxTitle+1) }, "title", "initiatives.error.too_long"},
		{"short summary", func(in *Input) { in.Summary = "court" }, "summary", "initiatives.error.too_short"},
		{"long description", func(in *Input) { in.Description = strings.Repeat("a", maxDescription+1) }, "description", "initiatives.error.too_long"},
		{"unknown theme", func(in *Input) { in.Theme = "nuclear" }, "theme", "form.error.choice"},
		{"no district", func(in *Input) { in.DistrictCode = "" }, "district", "form.error.required"},
		{"unknown district", func(in *Input) { in.DistrictCode = "75999" }, "district", "form.error.choice"},
		{"half a point", func(in *Input) { in.Lat = "48.85" }, "lat", "initiatives.error.point"},
		{"point off the globe", func(in *Input) { in.Lat, in.Lon = "148.85", "2.35" }, "lat", "initiatives.error.point"},
		{"point not a number", func(in *Input) { in.Lat, in.Lon = "north", "2.35" }, "lat", "initiatives.error.point"},
		{"NaN point", func(in *Input) { in.Lat, in.Lon = "NaN", "2.35" }, "lat", "initiatives.error.point"},
		{"infinite point", func(in *Input) { in.Lat, in.Lon = "48.8", "+Inf" }, "lat", "initiatives.error.point"},
		{"bad date", func(in *Input) { in.StartsOn = "31/12/2026" }, "starts_on", "initiatives.error.date"},
		{"no dates, not ongoing", func(in *Input) { in.Ongoing = false }, "starts_on", "initiatives.error.dates_or_ongoing"},
		{"end before start", func(in *Input) { in.StartsOn, in.EndsOn = "2026-12-10", "2026-12-01" }, "ends_on", "initiatives.error.end_before_start"},
		{"javascript link", func(in *Input) { in.Links = "javascript:alert(1)" }, "links", "initiatives.error.link"},
		{"relative link", func(in *Input) { in.Links = "/admin" }, "links", "initiatives.error.link"},
		{"six links", func(in *Input) { in.Links = strings.Repeat("https://example.org\n", 6) }, "links", "initiatives.error.too_many_links"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := coreInput()
			c.edit(&in)
			_, errs := in.validate(known)
			found := false
			for _, e := range errs {
				if e.Field == c.field && e.Key == c.key {
					found = true
				}
			}
			if !found {
				t.Errorf("errors %v, want %s on %s", errs, c.key, c.field)
			}
		})
	}
	v, errs := Input{Title: " Repair café ", Summary: "Réparer plutôt que jeter, chaque mois.", Theme: "waste",
		DistrictCode: "75111", StartsOn: "2026-12-01", Lat: "48,8566", Lon: "2.3522", Links: "https://a.example\r\n\r\nhttp://b.example"}.validate(known)
	if len(errs) > 0 {
		t.Fatalf("a valid input was refused: %v", errs)
	}
	if v.Title != "Repair café" || v.point == nil || v.point.Lat != 48.8566 || len(v.links) != 2 {
		t.Errorf("normalised input = %+v", v)
	}
}

func TestLifeCycleAndModeration(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		owner := coreUser(t, d, "volunteer")
		other := coreUser(t, d, "volunteer")
		mod := coreUser(t, d, "moderator")

		in := coreInput()
		in.Lat, in.Lon = "48.8650", "2.3790"
		id, errs, err := s.Create(ctx, owner, in, true)
		if err != nil || len(errs) > 0 {
			t.Fatalf("create: %v %v", errs, err)
		}
		got, err := s.store.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != Draft || got.Point == nil || got.Geo.Lat != 48.8650 || got.Version != 1 || got.Visible() {
			t.Fatalf("new initiative = %+v", got)
		}
		if role, _ := s.store.MemberRole(ctx, id, owner.UserID); role != RoleOwner {
			t.Errorf("author's role = %q", role)
		}

		// Only organisers act; moderators decide only on submissions.
		if err := s.Act(ctx, other, id, "submit"); !errors.Is(err, ErrNotFound) {
			t.Errorf("another volunteer submitting a draft they cannot see: %v", err)
		}
		if _, err := s.Decide(ctx, mod, id, Approve, ""); !errors.Is(err, ErrTransition) {
			t.Errorf("approving a draft: %v", err)
		}
		if _, err := s.Decide(ctx, other, id, Approve, ""); !errors.Is(err, ErrForbidden) {
			t.Errorf("a volunteer deciding: %v", err)
		}
		if err := s.Act(ctx, owner, id, "pause"); !errors.Is(err, ErrTransition) {
			t.Errorf("pausing a draft: %v", err)
		}
		if err := s.Act(ctx, owner, id, "submit"); err != nil {
			t.Fatal(err)
		}

		// Asking for changes needs a message, and sends the draft back.
		if errs, _ := s.Decide(ctx, mod, id, Changes, "  "); len(errs) != 1 || errs[0].Key != "initiatives.error.message_required" {
			t.Errorf("changes without a message: %v", errs)
		}
		if errs, err := s.Decide(ctx, mod, id, Changes, "Précisez l'adresse, s'il vous plaît."); err != nil || len(errs) > 0 {
			t.Fatalf("changes: %v %v", errs, err)
		}
		if got, _ := s.store.Get(ctx, id); got.Status != Draft {
			t.Errorf("after changes: %s", got.Status)
		}
		mails := coreMails(t, d)
		if len(mails) != 1 || mails[0].To != "user"+itoa(owner.UserID)+"@example.org" ||
			!strings.Contains(mails[0].Text, "Précisez l'adresse") || !strings.Contains(mails[0].Text, "https://cv.example/initiatives/"+itoa(id)) {
			t.Fatalf("mail to the author = %+v", mails)
		}

		if err := s.Act(ctx, owner, id, "submit"); err != nil {
			t.Fatal(err)
		}
		if errs, err := s.Decide(ctx, mod, id, Approve, ""); err != nil || len(errs) > 0 {
			t.Fatalf("approve: %v %v", errs, err)
		}
		got, _ = s.store.Get(ctx, id)
		if got.Status != Published || got.PublishedAt == nil || !got.Visible() {
			t.Fatalf("after approval: %+v", got)
		}
		if len(coreMails(t, d)) != 2 {
			t.Errorf("the approval was not mailed")
		}
		for _, step := range []struct {
			action string
			want   Status
		}{{"pause", Paused}, {"resume", Published}, {"archive", Archived}} {
			if err := s.Act(ctx, owner, id, step.action); err != nil {
				t.Fatalf("%s: %v", step.action, err)
			}
			if got, _ := s.store.Get(ctx, id); got.Status != step.want {
				t.Errorf("after %s: %s", step.action, got.Status)
			}
		}
		// Archived is closed: no more edits.
		if _, err := s.Update(ctx, owner, id, coreInput()); !errors.Is(err, ErrForbidden) {
			t.Errorf("editing an archived initiative: %v", err)
		}
		decisions, _ := s.store.Decisions(ctx, id)
		if len(decisions) != 2 || decisions[0].Decision != Approve || decisions[1].Decision != Changes {
			t.Errorf("decisions = %+v", decisions)
		}
	})
}

func TestRejectedSubmissionIsClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		owner := coreUser(t, d, "volunteer")
		id, _, err := s.Create(ctx, owner, coreInput(), false)
		if err != nil {
			t.Fatal(err)
		}
		s.Act(ctx, owner, id, "submit")
		if errs, _ := s.Decide(ctx, coreUser(t, d, "admin"), id, Reject, ""); len(errs) != 1 {
			t.Errorf("a rejection without a message was accepted")
		}
		if errs, err := s.Decide(ctx, coreUser(t, d, "admin"), id, Reject, "Hors du champ de la plateforme."); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		got, _ := s.store.Get(ctx, id)
		if got.Status != Rejected || CanSee(Actor{}, "", got) || CanEdit(owner, RoleOwner, got) {
			t.Errorf("a rejected initiative: %+v", got)
		}
		if !CanSee(owner, RoleOwner, got) {
			t.Errorf("its owner no longer sees it")
		}
	})
}

// Two organisers edit at once: the second save is refused, nothing is lost
// silently.
func TestConcurrentEditsConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())
		co := coreUser(t, d, "volunteer")
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return addOrganiser(ctx, tx, id, co.UserID, RoleOrganiser, false, db.Now())
		}); err != nil {
			t.Fatal(err)
		}
		first, second := coreInput(), coreInput()
		cur, _ := s.store.Get(ctx, id)
		first.Version, second.Version = cur.Version, cur.Version
		first.Title, second.Title = "Titre de la propriétaire", "Titre du co-organisateur"
		if _, err := s.Update(ctx, owner, id, first); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, co, id, second); !errors.Is(err, ErrConflict) {
			t.Fatalf("second edit from the same version: %v, want a conflict", err)
		}
		if got, _ := s.store.Get(ctx, id); got.Title != first.Title || got.Version != cur.Version+1 {
			t.Errorf("stored after the conflict: %q v%d", got.Title, got.Version)
		}

		// Many organisers saving from the same version at the same moment:
		// exactly one wins.
		cur, _ = s.store.Get(ctx, id)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, conflicts := 0, 0
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				in := coreInput()
				in.Version = cur.Version
				in.Title = "Version " + itoa(int64(i))
				_, err := s.Update(ctx, owner, id, in)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, ErrConflict):
					conflicts++
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || conflicts != 7 {
			t.Errorf("concurrent saves: %d won, %d conflicts; want 1 and 7", wins, conflicts)
		}
	})
}

func TestOnlyOrganisersAndAdminsEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, _ := corePublished(t, s, coreInput())
		cur, _ := s.store.Get(ctx, id)
		in := coreInput()
		in.Version = cur.Version
		for _, role := range []string{"volunteer", "coordinator", "moderator", "partner"} {
			if _, err := s.Update(ctx, coreUser(t, d, role), id, in); !errors.Is(err, ErrForbidden) {
				t.Errorf("a %s who does not organise edited: %v", role, err)
			}
		}
		if _, err := s.Update(ctx, coreUser(t, d, "admin"), id, in); err != nil {
			t.Errorf("an admin could not edit: %v", err)
		}
		if _, err := s.Update(ctx, Actor{}, id, in); !errors.Is(err, ErrForbidden) {
			t.Errorf("a visitor edited: %v", err)
		}
	})
}

func TestIntroductionsConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		owner := coreUser(t, d, "volunteer")
		id, _, _ := s.Create(ctx, owner, coreInput(), false)
		consent := func() bool {
			os, err := s.store.Organisers(ctx, id)
			if err != nil || len(os) != 1 {
				t.Fatalf("organisers %v %v", os, err)
			}
			return os[0].Introductions
		}
		if consent() {
			t.Fatal("consent recorded without the box ticked")
		}
		if err := s.SetIntroductions(ctx, owner, id, true); err != nil || !consent() {
			t.Fatalf("grant: %v", err)
		}
		if err := s.SetIntroductions(ctx, owner, id, false); err != nil || consent() {
			t.Fatalf("withdraw: %v", err)
		}
		if err := s.SetIntroductions(ctx, coreUser(t, d, "admin"), id, true); !errors.Is(err, ErrForbidden) {
			t.Errorf("someone else consented for the organisers: %v", err)
		}
	})
}

// An organiser's edit after publication keeps the initiative public but
// puts it back in the queue; a moderator who read an older version cannot
// approve text they did not see.
func TestEditsAfterPublicationAreReviewed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, owner := corePublished(t, s, coreInput())
		mod := coreUser(t, d, "moderator")
		read, _ := s.store.Get(ctx, id)
		if read.NeedsReview {
			t.Fatal("a freshly approved initiative needs review")
		}
		in := coreInput()
		in.Version = read.Version
		in.Summary = "Un texte tout autre, écrit après la publication."
		if _, err := s.Update(ctx, owner, id, in); err != nil {
			t.Fatal(err)
		}
		edited, _ := s.store.Get(ctx, id)
		if !edited.NeedsReview || !edited.Visible() {
			t.Fatalf("after an edit: needs review %v, visible %v", edited.NeedsReview, edited.Visible())
		}
		queue, _ := s.store.Queue(ctx)
		if len(queue) != 1 || queue[0].ID != id {
			t.Fatalf("queue after the edit: %+v", queue)
		}
		mails := len(coreMails(t, d))
		if _, err := s.DecideOn(ctx, mod, id, read.Version, Approve, ""); !errors.Is(err, ErrConflict) {
			t.Errorf("approving the version before the edit: %v", err)
		}
		if _, err := s.DecideOn(ctx, mod, id, edited.Version, Approve, ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.store.Get(ctx, id); got.NeedsReview || !got.Visible() {
			t.Errorf("after approving the edit: %+v", got)
		}
		if len(coreMails(t, d)) != mails {
			t.Errorf("approving an edit mailed the organisers")
		}
		// A second edit, sent back to draft with a message.
		cur, _ := s.store.Get(ctx, id)
		in.Version = cur.Version
		in.Title = "Titre modifié encore"
		s.Update(ctx, owner, id, in)
		if errs, err := s.Decide(ctx, mod, id, Changes, "Ce titre ne décrit plus l'initiative."); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		if got, _ := s.store.Get(ctx, id); got.Status != Draft || got.NeedsReview {
			t.Errorf("after asking for changes: %s, needs review %v", got.Status, got.NeedsReview)
		}
	})
}

// Two moderators deciding on the same hidden initiative at once: one
// decision counts, the other finds nothing left to decide.
func TestConcurrentDecisionsOnAHiddenInitiative(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := coreService(t, d)
		id, _ := corePublished(t, s, coreInput())
		if _, err := d.Exec(ctx, "UPDATE initiatives SET hidden = ?, reports = 3 WHERE id = ?", true, id); err != nil {
			t.Fatal(err)
		}
		mods := []Actor{coreUser(t, d, "moderator"), coreUser(t, d, "moderator")}
		decisions := []string{Approve, Reject}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.Decide(ctx, mods[i], id, decisions[i], "Examen des signalements.")
			}()
		}
		wg.Wait()
		done := 0
		for _, err := range errs {
			switch {
			case err == nil:
				done++
			case !errors.Is(err, ErrTransition):
				t.Errorf("unexpected error: %v", err)
			}
		}
		ds, _ := s.store.Decisions(ctx, id)
		if done != 1 || len(ds) != 2 { // the approval of the submission, then one of the two
			t.Errorf("%d decisions succeeded, %d recorded; want 1 and 2", done, len(ds))
		}
		got, _ := s.store.Get(ctx, id)
		if (got.Status == Published) == got.Hidden {
			t.Errorf("inconsistent outcome: status %s, hidden %v", got.Status, got.Hidden)
		}
	})
}
