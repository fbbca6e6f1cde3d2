package initiatives

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/volunteers"
)

// Fakes and helpers of the synergy tests (prefixed: the package's other
// test files have their own).

// synDistricts are Paris's arrondissements, also written in the database
// (initiatives reference them).
type synDistricts struct{}

func (synDistricts) List(context.Context) ([]districts.District, error) { return districts.Paris, nil }

// synPeople answers every account as user<id>@example.org, in French.
type synPeople struct{}

func (synPeople) Contacts(_ context.Context, ids []int64) ([]volunteers.Contact, error) {
	out := make([]volunteers.Contact, len(ids))
	for i, id := range ids {
		out[i] = volunteers.Contact{UserID: id, Name: fmt.Sprintf("User %d", id), Email: fmt.Sprintf("user%d@example.org", id), Lang: "fr"}
	}
	return out, nil
}

func synService(t testing.TB, d *db.DB) *Service {
	t.Helper()
	ctx := context.Background()
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, x := range districts.Paris {
			if err := districts.Upsert(ctx, tx, x); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewService(Deps{DB: d, Districts: synDistricts{}, People: synPeople{}, BaseURL: "https://cv.example", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var synSeq atomic.Int64

func synUser(t testing.TB, d *db.DB, role string) Actor {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	var id int64
	err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at)
			VALUES (?, '', ?, 'active', 'fr', ?, ?) RETURNING id`, fmt.Sprintf("syn-%s-%d@example.org", role, synSeq.Add(1)), role, now, now).Scan(&id)
	})
	if err != nil {
		t.Fatal(err)
	}
	return Actor{UserID: id, Role: role}
}

// synPlace is a point offset from the 11th arrondissement's centre, in
// metres north and east.
func synPlace(north, east float64) (string, string) {
	lat := 48.8590 + north/111200
	lon := 2.3800 + east/(111200*0.6580)
	return fmt.Sprintf("%.6f", lat), fmt.Sprintf("%.6f", lon)
}

type synSpec struct {
	title, summary, theme string
	north, east           float64
	consent               bool
	status                Status // Published (default), Paused, Draft
	hidden                bool
}

// synCreate makes an initiative as its owner would, published by a
// moderator unless spec says otherwise.
func synCreate(t testing.TB, s *Service, sp synSpec) (Initiative, Actor) {
	t.Helper()
	ctx := context.Background()
	lat, lon := synPlace(sp.north, sp.east)
	owner := synUser(t, s.DB, "volunteer")
	in := Input{Title: sp.title, Summary: sp.summary, Theme: sp.theme, DistrictCode: "11", Lat: lat, Lon: lon, Ongoing: true}
	id, errs, err := s.Create(ctx, owner, in, sp.consent)
	if err != nil || len(errs) > 0 {
		t.Fatalf("create %q: %v %v", sp.title, errs, err)
	}
	if sp.status != Draft {
		if err := s.Act(ctx, owner, id, "submit"); err != nil {
			t.Fatal(err)
		}
		if errs, err := s.Decide(ctx, synUser(t, s.DB, "moderator"), id, Approve, ""); err != nil || len(errs) > 0 {
			t.Fatalf("approve: %v %v", errs, err)
		}
		if sp.status == Paused {
			if err := s.Act(ctx, owner, id, "pause"); err != nil {
				t.Fatal(err)
			}
		}
	}
	if sp.hidden {
		if err := s.DB.Tx(ctx, func(tx *db.Tx) error { return setHidden(ctx, tx, id, true, db.Now()) }); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.store.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return got, owner
}

// synIntroMails are the introduction mails queued so far.
func synIntroMails(t testing.TB, d *db.DB) []outbox.Email {
	t.Helper()
	rows, err := d.Query(context.Background(), "SELECT payload FROM outbox_jobs WHERE kind = ? AND idempotency_key LIKE ? ORDER BY id",
		outbox.KindEmail, "initiative-intro:%")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outbox.Email
	for rows.Next() {
		var p []byte
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		var m outbox.Email
		if err := json.Unmarshal(p, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// synWorld is a neighbourhood of the 11th: a garden (A) with similar
// initiatives around it and others that must never be suggested.
type synWorld struct {
	s                                  *Service
	a, b, compost, roofs, bikes, far   Initiative
	draft, hidden                      Initiative
	ownerA, ownerB, ownerCompost, ownR Actor
}

func newSynWorld(t *testing.T, d *db.DB) synWorld {
	s := synService(t, d)
	w := synWorld{s: s}
	w.a, w.ownerA = synCreate(t, s, synSpec{title: "Jardin partagé Oberkampf", summary: "Cultiver des légumes et des fleurs, avec un compost collectif.",
		theme: "greening", consent: true})
	w.b, w.ownerB = synCreate(t, s, synSpec{title: "Jardin partagé de la Roquette", summary: "Des bacs de légumes et un compost collectif pour les voisins.",
		theme: "greening", north: 300})
	w.compost, w.ownerCompost = synCreate(t, s, synSpec{title: "Compost collectif du square", summary: "Un compost collectif pour les déchets de cuisine et le jardin.",
		theme: "greening", east: 400, consent: true, status: Paused})
	w.roofs, w.ownR = synCreate(t, s, synSpec{title: "Toits végétalisés", summary: "Planter des toitures pour rafraîchir les bâtiments.",
		theme: "greening", north: -500, consent: true})
	w.bikes, _ = synCreate(t, s, synSpec{title: "Atelier de réparation de vélos", summary: "Réparer son vélo soi-même avec des bénévoles mécaniciens.",
		theme: "mobility", north: 150, east: -100, consent: true})
	w.far, _ = synCreate(t, s, synSpec{title: "Jardin partagé de Vaugirard", summary: "Cultiver des légumes et des fleurs, avec un compost collectif.",
		theme: "greening", north: -2700, east: -7500, consent: true})
	w.draft, _ = synCreate(t, s, synSpec{title: "Jardin partagé Ménilmontant", summary: "Cultiver des légumes et des fleurs, avec un compost collectif.",
		theme: "greening", north: 100, status: Draft, consent: true})
	w.hidden, _ = synCreate(t, s, synSpec{title: "Jardin partagé Saint-Maur", summary: "Cultiver des légumes et des fleurs, avec un compost collectif.",
		theme: "greening", east: 100, hidden: true, consent: true})
	return w
}

func TestSimilar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newSynWorld(t, d)
		ctx := context.Background()
		got, err := w.s.Similar(ctx, w.a, 5)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, g := range got {
			ids = append(ids, g.ID)
		}
		if want := []int64{w.b.ID, w.compost.ID, w.roofs.ID}; !slices.Equal(ids, want) {
			t.Fatalf("similar to the garden: %v, want %v (B, compost, roofs)\n%+v", ids, want, got)
		}
		b := got[0]
		if !b.SameTheme || b.Title != w.b.Title || b.DistrictCode != "11" || b.DistanceKm < 0.28 || b.DistanceKm > 0.32 || b.Meters() != 300 {
			t.Errorf("suggestion B: %+v", b)
		}
		for _, word := range []string{"jardin", "partagé", "légumes", "compost", "collectif"} {
			if !slices.Contains(b.SharedWords, word) {
				t.Errorf("B's shared words %v lack %q", b.SharedWords, word)
			}
		}
		if got[1].Status != Paused {
			t.Errorf("the compost is paused, still suggested: %+v", got[1])
		}
		if r := got[2]; !r.SameTheme || len(r.SharedWords) != 0 {
			t.Errorf("the roofs share the theme only: %+v", r)
		}
		// The limit keeps the best.
		if top, _ := w.s.Similar(ctx, w.a, 1); len(top) != 1 || top[0].ID != w.b.ID {
			t.Errorf("limit 1: %+v", top)
		}
		// Alone in its theme and words, the bike workshop has no similar
		// neighbour, though many are near.
		if none, err := w.s.Similar(ctx, w.bikes, 5); err != nil || len(none) != 0 {
			t.Errorf("bike workshop: %+v %v", none, err)
		}
	})
}

func TestTerms(t *testing.T) {
	terms, surface := synSelfTerms("L’énergie des Quartiers", "Économiser l'énergie : 2025, les habitants et le vide-grenier.")
	for _, sw := range surface {
		if synStopWords[sw.word] || sw.word == "2025" || sw.word == "l" {
			t.Errorf("%q is not a topic", sw.word)
		}
	}
	if len(surface) == 0 || surface[0].word != "énergie" {
		t.Errorf("first word: %+v", surface)
	}
	if !slices.IsSorted(terms) || len(slices.Compact(slices.Clone(terms))) != len(terms) {
		t.Errorf("terms not sorted and unique: %v", terms)
	}
	if a, b := synDocTerms("Énergie", ""), synDocTerms("energie", ""); !slices.Equal(a, b) {
		t.Errorf("accents split words: %v %v", a, b)
	}
	if n := synIntersect([]uint64{1, 3, 4}, []uint64{2, 3, 4, 5}); n != 2 {
		t.Errorf("intersect: %d", n)
	}
}

func TestClusters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newSynWorld(t, d)
		ctx := context.Background()
		cs, total, err := w.s.Clusters(ctx, ClusterFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(cs) != 1 {
			t.Fatalf("clusters: %d %+v", total, cs)
		}
		c := cs[0]
		var ids []int64
		consent := map[int64]bool{}
		for _, m := range c.Members {
			ids = append(ids, m.ID)
			consent[m.ID] = m.Consent
		}
		if want := []int64{w.a.ID, w.b.ID, w.compost.ID}; !slices.Equal(ids, want) {
			t.Fatalf("cluster %v, want %v", ids, want)
		}
		if !consent[w.a.ID] || consent[w.b.ID] || !consent[w.compost.ID] {
			t.Errorf("consents: %v", consent)
		}
		if len(c.Pairs) != 3 || !c.Pending() {
			t.Errorf("pairs: %+v", c.Pairs)
		}
		for _, p := range c.Pairs {
			if p.A >= p.B || p.DistanceKm <= 0 || p.DistanceKm > ClusterRadiusKm || p.Introduced {
				t.Errorf("pair %+v", p)
			}
		}
		// Filters: a district far away, a theme without groups.
		for _, f := range []ClusterFilter{{District: "15"}, {Theme: "mobility"}} {
			if cs, total, err := w.s.Clusters(ctx, f); err != nil || total != 0 || len(cs) != 0 {
				t.Errorf("%+v: %d %+v %v", f, total, cs, err)
			}
		}
		if cs, _, _ := w.s.Clusters(ctx, ClusterFilter{Theme: "greening", District: "11"}); len(cs) != 1 {
			t.Errorf("greening in the 11th: %+v", cs)
		}
		// Once introduced, the pair says so.
		if _, err := w.s.Introduce(ctx, synUser(t, d, "coordinator"), []int64{w.a.ID, w.compost.ID}); err != nil {
			t.Fatal(err)
		}
		cs, _, _ = w.s.Clusters(ctx, ClusterFilter{})
		for _, p := range cs[0].Pairs {
			if want := p.A == w.a.ID && p.B == w.compost.ID; p.Introduced != want {
				t.Errorf("pair %d-%d introduced %v", p.A, p.B, p.Introduced)
			}
		}
		if cs[0].Pending() {
			t.Error("the only consenting pair is introduced: nothing pending")
		}
	})
}

func TestClusterLinkageIsComplete(t *testing.T) {
	// A chain a-b-c where a and c are not linked must not become one group.
	docs := []synDoc{
		{id: 1, theme: "greening", geo: Point{48.8590, 2.3800}, terms: synDocTerms("compost jardin légumes", "")},
		{id: 2, theme: "greening", geo: Point{48.8645, 2.3800}, terms: synDocTerms("compost jardin légumes toit", "")},
		{id: 3, theme: "greening", geo: Point{48.8700, 2.3800}, terms: synDocTerms("compost jardin légumes toit", "")},
	}
	groups, _ := synCluster(docs)
	for _, g := range groups {
		if len(g) == 3 {
			t.Fatalf("chained group %v: 1 and 3 are %.2f km apart", g, synDistanceKm(docs[0].geo, docs[2].geo))
		}
	}
	if len(groups) != 1 || len(groups[0]) != 2 {
		t.Errorf("groups %v", groups)
	}
}

func TestIntroduce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newSynWorld(t, d)
		ctx := context.Background()
		coord := synUser(t, d, "coordinator")
		// A second organiser of the garden who did not consent: never named
		// nor mailed.
		quiet := synUser(t, d, "volunteer")
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return addOrganiser(ctx, tx, w.a.ID, quiet.UserID, RoleOrganiser, false, db.Now())
		}); err != nil {
			t.Fatal(err)
		}
		var ie *IntroError
		for _, c := range []struct {
			name  string
			actor Actor
			ids   []int64
			want  error
		}{
			{"volunteer", synUser(t, d, "volunteer"), []int64{w.a.ID, w.compost.ID}, ErrForbidden},
			{"moderator", synUser(t, d, "moderator"), []int64{w.a.ID, w.compost.ID}, ErrForbidden},
			{"one initiative", coord, []int64{w.a.ID, w.a.ID}, ErrIntroTooFew},
			{"no consent", coord, []int64{w.a.ID, w.b.ID}, ErrIntroNoConsent},
			{"hidden", coord, []int64{w.a.ID, w.hidden.ID}, ErrIntroNotVisible},
			{"draft", coord, []int64{w.a.ID, w.draft.ID}, ErrIntroNotVisible},
			{"missing", coord, []int64{w.a.ID, 999999}, ErrIntroNotVisible},
		} {
			if _, err := w.s.Introduce(ctx, c.actor, c.ids); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		}
		if _, err := w.s.Introduce(ctx, coord, []int64{w.a.ID, w.b.ID}); !errors.As(err, &ie) || !slices.Equal(ie.Titles, []string{w.b.Title}) {
			t.Errorf("refusal names %+v", ie)
		}
		if n := len(synIntroMails(t, d)); n != 0 {
			t.Fatalf("%d mails after refusals", n)
		}

		res, err := w.s.Introduce(ctx, coord, []int64{w.compost.ID, w.a.ID})
		if err != nil || res.Pairs != 1 || res.Mails != 2 {
			t.Fatalf("introduce: %+v %v", res, err)
		}
		mails := synIntroMails(t, d)
		if len(mails) != 2 {
			t.Fatalf("%d mails", len(mails))
		}
		addr := func(a Actor) string { return fmt.Sprintf("user%d@example.org", a.UserID) }
		byTo := map[string]outbox.Email{}
		for _, m := range mails {
			byTo[m.To] = m
			if strings.Contains(m.Text, addr(quiet)) || strings.Contains(m.HTML, addr(quiet)) || m.To == addr(quiet) {
				t.Errorf("the organiser without consent appears in a mail to %s", m.To)
			}
		}
		toA, toC := byTo[addr(w.ownerA)], byTo[addr(w.ownerCompost)]
		if !strings.Contains(toA.Text, addr(w.ownerCompost)) || !strings.Contains(toA.Text, w.compost.Title) ||
			!strings.Contains(toA.Text, "https://cv.example/initiatives/"+fmt.Sprint(w.compost.ID)) || !strings.Contains(toA.Subject, "Mise en relation") {
			t.Errorf("mail to A's owner:\n%s\n%s", toA.Subject, toA.Text)
		}
		if !strings.Contains(toC.Text, addr(w.ownerA)) || !strings.Contains(toC.HTML, "mailto:"+addr(w.ownerA)) {
			t.Errorf("mail to the compost's owner:\n%s", toC.Text)
		}
		// Never twice.
		if _, err := w.s.Introduce(ctx, coord, []int64{w.a.ID, w.compost.ID}); !errors.Is(err, ErrIntroDone) {
			t.Errorf("again: %v", err)
		}
		// A third initiative: only its new pairs are mailed.
		res, err = w.s.Introduce(ctx, synUser(t, d, "admin"), []int64{w.a.ID, w.compost.ID, w.roofs.ID})
		if err != nil || res.Pairs != 2 || res.Mails != 4 {
			t.Fatalf("three: %+v %v", res, err)
		}
		if n := len(synIntroMails(t, d)); n != 6 {
			t.Errorf("%d mails in all, want 6", n)
		}
		var pairs, audits int
		d.QueryRow(ctx, "SELECT COUNT(*) FROM initiative_introductions").Scan(&pairs)
		d.QueryRow(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = ?", ActionIntroduction).Scan(&audits)
		if pairs != 3 || audits != 2 {
			t.Errorf("%d pairs recorded, %d audit entries", pairs, audits)
		}
	})
}
