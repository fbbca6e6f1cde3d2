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

// counts reads an initiative's counters and checks them against the rows
// they count.
func counts(t *testing.T, s *Service, id int64) (participants, followers int) {
	t.Helper()
	in, err := s.store.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	for role, want := range map[string]int{RoleParticipant: in.Participants, RoleFollower: in.Followers} {
		var n int
		if err := s.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM initiative_members WHERE initiative_id = ? AND role = ?",
			id, role).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s counter %d, rows %d", role, want, n)
		}
	}
	return in.Participants, in.Followers
}

func TestJoinFollowLeaveKeepCounters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		id, _ := corePublished(t, s, coreInput())
		ada, bob := coreUser(t, d, "volunteer"), coreUser(t, d, "volunteer")

		steps := []struct {
			name      string
			do        func() error
			wantP, wf int
		}{
			{"ada follows", func() error { return s.Follow(ctx, ada, id) }, 0, 1},
			{"ada follows again", func() error { return s.Follow(ctx, ada, id) }, 0, 1},
			{"ada joins: follower becomes participant", func() error { return s.Join(ctx, ada, id) }, 1, 0},
			{"ada joins again", func() error { return s.Join(ctx, ada, id) }, 1, 0},
			{"ada follows as participant: nothing changes", func() error { return s.Follow(ctx, ada, id) }, 1, 0},
			{"bob joins", func() error { return s.Join(ctx, bob, id) }, 2, 0},
			{"bob leaves", func() error { return s.Leave(ctx, bob, id) }, 1, 0},
			{"bob leaves again", func() error { return s.Leave(ctx, bob, id) }, 1, 0},
			{"bob follows", func() error { return s.Follow(ctx, bob, id) }, 1, 1},
			{"bob unfollows", func() error { return s.Unfollow(ctx, bob, id) }, 1, 0},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if p, f := counts(t, s, id); p != st.wantP || f != st.wf {
				t.Fatalf("%s: %d participants, %d followers; want %d, %d", st.name, p, f, st.wantP, st.wf)
			}
		}
		if err := s.Unfollow(ctx, ada, id); !errors.Is(err, ErrParticipant) {
			t.Errorf("a participant unfollowing: %v", err)
		}
	})
}

func TestConcurrentJoinsCountEveryone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		id, _ := corePublished(t, s, coreInput())
		const n = 12
		people := make([]Actor, n)
		for i := range people {
			people[i] = coreUser(t, d, "volunteer")
		}
		// Each person joins twice and follows once, all at the same time:
		// the counters must end with n participants and no follower.
		var wg sync.WaitGroup
		errs := make(chan error, 3*n)
		for _, p := range people {
			for _, act := range []func(context.Context, Actor, int64) error{s.Join, s.Follow, s.Join} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := act(ctx, p, id); err != nil {
						errs <- err
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// A follow may land first and the join then promote it, or the
		// join first and the follow change nothing: either way everyone
		// ends a participant.
		if p, f := counts(t, s, id); p != n || f != 0 {
			t.Errorf("%d participants, %d followers; want %d, 0", p, f, n)
		}
		// And all leave at once.
		for _, p := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.Leave(ctx, p, id); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if p, f := counts(t, s, id); p != 0 || f != 0 {
			t.Errorf("after leaving: %d participants, %d followers", p, f)
		}
	})
}

func TestTakingPartRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		vol := coreUser(t, d, "volunteer")

		owner := coreUser(t, d, "volunteer")
		draft, _, err := s.Create(ctx, owner, coreInput(), false)
		if err != nil {
			t.Fatal(err)
		}
		paused, pausedOwner := corePublished(t, s, coreInput())
		if err := s.Act(ctx, pausedOwner, paused, "pause"); err != nil {
			t.Fatal(err)
		}
		open, openOwner := corePublished(t, s, coreInput())

		cases := []struct {
			name string
			err  error
			want error
		}{
			{"join a draft", s.Join(ctx, vol, draft), ErrNotOpen},
			{"follow a draft", s.Follow(ctx, vol, draft), ErrNotOpen},
			{"join a missing initiative", s.Join(ctx, vol, 999999), ErrNotFound},
			{"join a paused one", s.Join(ctx, vol, paused), ErrPaused},
			{"follow a paused one", s.Follow(ctx, vol, paused), nil},
			{"organiser joins", s.Join(ctx, openOwner, open), ErrOrganiser},
			{"organiser follows", s.Follow(ctx, openOwner, open), ErrOrganiser},
			{"organiser leaves", s.Leave(ctx, openOwner, open), ErrOrganiser},
			{"visitor joins", s.Join(ctx, Actor{}, open), ErrForbidden},
		}
		for _, c := range cases {
			if !errors.Is(c.err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
			}
		}
		if p, f := counts(t, s, paused); p != 0 || f != 1 {
			t.Errorf("paused: %d participants, %d followers", p, f)
		}
		if role, _ := s.store.MemberRole(ctx, open, openOwner.UserID); role != RoleOwner {
			t.Errorf("the owner's role became %q", role)
		}

		// Updates: organisers only, 1 to 5,000 characters.
		if _, _, err := s.PostUpdate(ctx, vol, open, "Bonjour"); !errors.Is(err, ErrForbidden) {
			t.Errorf("a volunteer posts: %v", err)
		}
		for body, key := range map[string]string{" \r\n ": "form.error.required",
			strings.Repeat("é", maxUpdateBody+1): "initiatives.participation.error.body_too_long"} {
			if _, errs, err := s.PostUpdate(ctx, openOwner, open, body); err != nil || len(errs) != 1 || errs[0].Key != key {
				t.Errorf("update of %d characters: %v %v", len(body), errs, err)
			}
		}
		if _, errs, err := s.PostUpdate(ctx, openOwner, open, strings.Repeat("é", maxUpdateBody)); err != nil || len(errs) > 0 {
			t.Errorf("an update of exactly %d characters: %v %v", maxUpdateBody, errs, err)
		}
		if _, _, err := s.PostUpdate(ctx, owner, draft, "Bientôt"); !errors.Is(err, ErrNotOpen) {
			t.Errorf("an update on a draft: %v", err)
		}

		// Reports: a reason, once per person, never by organisers.
		for reason, key := range map[string]string{"": "form.error.required",
			strings.Repeat("a", maxReportReason+1): "initiatives.participation.error.reason_too_long"} {
			if errs, _, err := s.Report(ctx, vol, open, reason); err != nil || len(errs) != 1 || errs[0].Key != key {
				t.Errorf("report of %d characters: %v %v", len(reason), errs, err)
			}
		}
		if _, _, err := s.Report(ctx, openOwner, open, "Je me signale"); !errors.Is(err, ErrOrganiser) {
			t.Errorf("an organiser reports their own: %v", err)
		}
		if _, _, err := s.Report(ctx, vol, draft, "Brouillon"); !errors.Is(err, ErrNotOpen) {
			t.Errorf("a report on a draft: %v", err)
		}
		if errs, _, err := s.Report(ctx, vol, open, "Publicité déguisée"); err != nil || len(errs) > 0 {
			t.Fatalf("report: %v %v", errs, err)
		}
		if _, _, err := s.Report(ctx, vol, open, "Encore"); !errors.Is(err, ErrAlreadyReported) {
			t.Errorf("a second report by the same person: %v", err)
		}
		if in, _ := s.store.Get(ctx, open); in.Reports != 1 || in.Hidden {
			t.Errorf("after one report: %d reports, hidden %v", in.Reports, in.Hidden)
		}
	})
}

func TestReportsHideAtThresholdUntilModeratorRestores(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		s.ReportThreshold = 3
		id, _ := corePublished(t, s, coreInput())
		reporters := []Actor{coreUser(t, d, "volunteer"), coreUser(t, d, "volunteer"), coreUser(t, d, "volunteer")}
		for i, r := range reporters {
			errs, hidden, err := s.Report(ctx, r, id, "Contenu trompeur")
			if err != nil || len(errs) > 0 {
				t.Fatal(errs, err)
			}
			if hidden != (i == len(reporters)-1) {
				t.Errorf("report %d: hidden %v", i+1, hidden)
			}
		}
		in, _ := s.store.Get(ctx, id)
		if !in.Hidden || in.Visible() || in.Reports != 3 {
			t.Fatalf("after 3 reports: hidden %v, %d reports", in.Hidden, in.Reports)
		}
		late := coreUser(t, d, "volunteer")
		if err := s.Join(ctx, late, id); !errors.Is(err, ErrNotOpen) {
			t.Errorf("joining a hidden initiative: %v", err)
		}
		if _, _, err := s.Report(ctx, late, id, "Aussi"); !errors.Is(err, ErrNotOpen) {
			t.Errorf("reporting a hidden initiative: %v", err)
		}
		if errs, err := s.Decide(ctx, coreUser(t, d, "moderator"), id, Approve, ""); err != nil || len(errs) > 0 {
			t.Fatal(errs, err)
		}
		in, _ = s.store.Get(ctx, id)
		if in.Hidden || in.Reports != 0 {
			t.Errorf("after the moderator restored it: hidden %v, %d reports", in.Hidden, in.Reports)
		}
		// The moderator's decision stands against the same reporters.
		if _, _, err := s.Report(ctx, reporters[0], id, "Encore"); !errors.Is(err, ErrAlreadyReported) {
			t.Errorf("reporting again after a decision: %v", err)
		}
	})
}

func TestConcurrentReportsHideOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		s.ReportThreshold = 3
		id, _ := corePublished(t, s, coreInput())
		var wg sync.WaitGroup
		var mu sync.Mutex
		hid, refused := 0, 0
		for range 6 {
			r := coreUser(t, d, "volunteer")
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, hidden, err := s.Report(ctx, r, id, "Spam")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, ErrNotOpen):
					refused++
				case err != nil:
					t.Error(err)
				case hidden:
					hid++
				}
			}()
		}
		wg.Wait()
		in, _ := s.store.Get(ctx, id)
		if hid != 1 || refused != 3 || in.Reports != 3 || !in.Hidden {
			t.Errorf("hid %d times, refused %d, %d reports, hidden %v", hid, refused, in.Reports, in.Hidden)
		}
	})
}

func TestUpdatesAndNews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		a, ownerA := corePublished(t, s, coreInput())
		b, ownerB := corePublished(t, s, coreInput())
		vol := coreUser(t, d, "volunteer")
		if err := s.Join(ctx, vol, a); err != nil {
			t.Fatal(err)
		}
		if err := s.Follow(ctx, vol, b); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			o    Actor
			id   int64
			body string
		}{{ownerA, a, "Première **nouvelle**"}, {ownerB, b, "Deuxième"}, {ownerA, a, "Troisième <script>x</script>"}} {
			if _, errs, err := s.PostUpdate(ctx, p.o, p.id, p.body); err != nil || len(errs) > 0 {
				t.Fatal(errs, err)
			}
		}
		ups, err := s.store.Updates(ctx, a, 10)
		if err != nil || len(ups) != 2 || !strings.HasPrefix(ups[0].Body, "Troisième") {
			t.Fatalf("updates of a: %+v %v", ups, err)
		}
		if strings.Contains(string(ups[0].HTML), "<script") || !strings.Contains(string(ups[1].HTML), "<strong>nouvelle</strong>") {
			t.Errorf("rendered: %q / %q", ups[0].HTML, ups[1].HTML)
		}
		news, err := s.store.News(ctx, vol.UserID, 2, 0)
		if err != nil || len(news) != 2 || news[0].Body != ups[0].Body || news[1].Body != "Deuxième" {
			t.Fatalf("news page 1: %+v %v", news, err)
		}
		if news, _ := s.store.News(ctx, vol.UserID, 2, 2); len(news) != 1 || news[0].InitiativeID != a {
			t.Errorf("news page 2: %+v", news)
		}
		mine, err := s.store.Memberships(ctx, vol.UserID)
		if err != nil || len(mine) != 2 {
			t.Fatalf("memberships: %+v %v", mine, err)
		}
		roles := map[int64]string{mine[0].ID: mine[0].Role, mine[1].ID: mine[1].Role}
		if roles[a] != RoleParticipant || roles[b] != RoleFollower {
			t.Errorf("roles %v", roles)
		}
	})
}

func TestEraseMemberships(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		s := coreService(t, d)
		a, ownerA := corePublished(t, s, coreInput())
		b, _ := corePublished(t, s, coreInput())
		leaving, staying := coreUser(t, d, "volunteer"), coreUser(t, d, "volunteer")
		for _, err := range []error{s.Join(ctx, leaving, a), s.Follow(ctx, leaving, b), s.Join(ctx, staying, a), s.Follow(ctx, staying, b)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.PostUpdate(ctx, ownerA, a, "Nouvelle"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendDigests(ctx); err != nil {
			t.Fatal(err)
		}
		if err := d.Tx(ctx, func(tx *db.Tx) error { return EraseMemberships(ctx, tx, leaving.UserID) }); err != nil {
			t.Fatal(err)
		}
		if p, f := counts(t, s, a); p != 1 || f != 0 {
			t.Errorf("a: %d participants, %d followers", p, f)
		}
		if p, f := counts(t, s, b); p != 0 || f != 1 {
			t.Errorf("b: %d participants, %d followers", p, f)
		}
		var n int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM initiative_digests WHERE user_id = ?", leaving.UserID).Scan(&n)
		if n != 0 {
			t.Error("the digest cursor stayed")
		}
		if role, _ := s.store.MemberRole(ctx, a, ownerA.UserID); role != RoleOwner {
			t.Errorf("the owner's role is now %q", role)
		}
	})
}
