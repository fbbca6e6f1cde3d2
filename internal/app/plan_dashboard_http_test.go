package app_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/plan/history"
)

// recordPlanSets writes change sets as the actions and indicators parts
// would, and returns the staff account's e-mail (which must never show).
func recordPlanSets(t *testing.T, a *apptest.App, sets ...history.Set) {
	t.Helper()
	ctx := context.Background()
	err := a.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, s := range sets {
			if _, err := history.Record(ctx, tx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPlanHistoryTimeline(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff := a.CreateUser(t, "agent.plan@example.org", auth.RoleCoordinator)
		// After the demo's history, and on subjects of their own, so the
		// demo's plan changes neither come first nor match the filters.
		at := db.Now().Add(time.Hour).Truncate(time.Second)
		recordPlanSets(t, a,
			history.Set{Kind: history.KindAction, SubjectID: 900007, SubjectLabel: "MOB-1 Pistes <cyclables> & co", ActorID: staff, ActorName: "Camille Agent",
				Origin: history.OriginEdit, At: at, Changes: []history.Change{
					{Field: "status", Old: "not_started", New: "on_track"}, {Field: "progress", Old: "", New: "42.5"}}},
			history.Set{Kind: history.KindIndicator, SubjectID: 900003, SubjectLabel: "Empreinte carbone", Origin: history.OriginImport,
				At: at.Add(time.Hour), Changes: []history.Change{{Field: "value:2018", Old: "", New: "22.7"}}},
		)
		c := a.Client(t)

		res, body := a.Get(t, c, "/plan/history?kind=action&id=900007")
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, want := range []string{"Historique : MOB-1 Pistes &lt;cyclables&gt; &amp; co", "Camille Agent", "Statut",
			"<del><span class=\"visually-hidden\">avant : </span>Pas commencée</del>", "En cours, dans les temps",
			"Avancement (%)", "42,5", "class=\"plan-none\"", `href="/plan/actions/900007"`, `datetime="` + at.Format(time.RFC3339) + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the action's history lacks %q", want)
			}
		}
		if strings.Contains(body, "Empreinte carbone") {
			t.Error("the subject filter shows another subject")
		}
		if strings.Contains(body, "agent.plan@example.org") {
			t.Error("the timeline shows the staff member's e-mail")
		}

		_, body = a.Get(t, c, "/plan/history")
		for _, want := range []string{"Empreinte carbone", "Valeur 2018", "22,7", "import CSV", "Agents de la Ville", "MOB-1"} {
			if !strings.Contains(body, want) {
				t.Errorf("the whole history lacks %q", want)
			}
		}
		if i, j := strings.Index(body, "Empreinte carbone"), strings.Index(body, "MOB-1"); i > j {
			t.Error("the newest change comes first")
		}

		_, body = a.Get(t, c, "/plan/history?kind=indicator&since="+at.Format(time.DateOnly))
		if !strings.Contains(body, "Empreinte carbone") || strings.Contains(body, "MOB-1") {
			t.Error("the kind filter")
		}
		_, body = a.Get(t, c, "/plan/history?since="+at.AddDate(0, 0, 2).Format(time.DateOnly))
		if !strings.Contains(body, "Aucune modification ne correspond") {
			t.Error("a date after every change matches nothing")
		}

		res, body = a.Get(t, c, "/plan/history?page=4000")
		if res.StatusCode != 200 || !strings.Contains(body, "au-delà de la fin") || !strings.Contains(body, `href="/plan/history"`) {
			t.Errorf("a page past the end: %d", res.StatusCode)
		}
		for _, bad := range []string{"kind=person", "id=7", "kind=action&id=x", "since=20-11-2026"} {
			if res, _ := a.Get(t, c, "/plan/history?"+bad); res.StatusCode != 400 {
				t.Errorf("%s: status %d, want 400", bad, res.StatusCode)
			}
		}
		if res, _ := a.Get(t, c, "/plan/history?page=0"); res.StatusCode != 400 {
			t.Errorf("page 0: %d", res.StatusCode)
		}
		_, body = a.Get(t, c, "/plan/history?since=20-11-2026")
		if !strings.Contains(body, `href="#field-since"`) || !strings.Contains(body, `value="20-11-2026"`) {
			t.Error("a bad date is named in the summary and kept in its field")
		}
	})
}

func TestPlanHistoryPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		at := time.Date(2026, 10, 1, 8, 0, 0, 0, time.UTC)
		var sets []history.Set
		for i := range 25 {
			sets = append(sets, history.Set{Kind: history.KindAction, SubjectID: 900001, SubjectLabel: fmt.Sprintf("Étape %02d", i), Origin: history.OriginEdit,
				At: at.Add(time.Duration(i) * time.Hour), Changes: []history.Change{{Field: "progress", Old: "1", New: "2"}}})
		}
		recordPlanSets(t, a, sets...)
		c := a.Client(t)
		_, first := a.Get(t, c, "/plan/history?kind=action&id=900001")
		_, second := a.Get(t, c, "/plan/history?kind=action&id=900001&page=2")
		if !strings.Contains(first, "Étape 24") || strings.Contains(first, "Étape 04") || !strings.Contains(first, `rel="next"`) {
			t.Error("the first page holds the 20 newest")
		}
		if !strings.Contains(second, "Étape 04") || strings.Contains(second, "Étape 05") || !strings.Contains(second, `rel="prev"`) {
			t.Error("the second page holds the 5 oldest")
		}
		// Past the end: said in words, with a way back.
		res, past := a.Get(t, c, "/plan/history?kind=action&id=900001&page=9")
		if res.StatusCode != 200 || !strings.Contains(past, "au-delà de la fin de l&#39;historique") || strings.Contains(past, "Étape") ||
			!strings.Contains(past, "Revenir à la première page") {
			t.Errorf("past the end: %d", res.StatusCode)
		}
	})
}

// An import's change sets read as such on the timeline, old → new.
func TestPlanHistoryShowsImports(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "timeline-import")
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		file := "indicator,year,value,source\ntimeline-import,2018,22.5,Bilan révisé\n"
		_, body := a.PostForm(t, staff, "/plan/manage/indicators/import", url.Values{"csv": {file}}.Encode())
		digest := between(body, `name="digest" value="`, `"`)
		if res, _ := a.PostForm(t, staff, "/plan/manage/indicators/import/apply", url.Values{"csv": {file}, "digest": {digest}}.Encode()); res.StatusCode != 303 {
			t.Fatalf("apply: %d", res.StatusCode)
		}
		_, body = a.Get(t, a.Client(t), "/plan/history?kind=indicator&id="+strconv.FormatInt(id, 10))
		for _, want := range []string{"import CSV", "Valeur 2018", "22,7", "22,5", "Bilan révisé"} {
			if !strings.Contains(body, want) {
				t.Errorf("the timeline lacks %q", want)
			}
		}
	})
}

func TestPlanHistoryFeed(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		staff := a.CreateUser(t, "feed.agent@example.org", auth.RoleCoordinator)
		recordPlanSets(t, a, history.Set{Kind: history.KindAction, SubjectID: 5, SubjectLabel: `ENE-2 "Chaleur" <renouvelable> & réseaux`,
			ActorID: staff, ActorName: "Dominique <Agent>", Origin: history.OriginEdit, At: db.Now().Add(time.Hour),
			Changes: []history.Change{{Field: "title", Old: "Ancien </summary>", New: "Nouveau & mieux"}}})
		res, body := a.Get(t, a.Client(t), "/plan/history.atom")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("status %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		var feed struct {
			Title   string `xml:"title"`
			Entries []struct {
				Title   string `xml:"title"`
				Author  string `xml:"author>name"`
				Summary string `xml:"summary"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(body), &feed); err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, body)
		}
		if len(feed.Entries) == 0 {
			t.Fatalf("%+v", feed)
		}
		en := feed.Entries[0] // the newest
		if !strings.Contains(en.Title, `ENE-2 "Chaleur" <renouvelable> & réseaux`) || en.Author != "Dominique <Agent>" ||
			!strings.Contains(en.Summary, "Ancien </summary> → Nouveau & mieux") || !strings.HasSuffix(en.Link.Href, "/plan/actions/5") {
			t.Errorf("entry %+v", en)
		}
		if strings.Contains(body, "<renouvelable>") || strings.Contains(body, "feed.agent@example.org") {
			t.Error("a title is not escaped, or the e-mail shows")
		}
		if res, _ := a.Get(t, a.Client(t), "/plan/history.atom?kind=nope"); res.StatusCode != 400 {
			t.Errorf("a bad filter: %d", res.StatusCode)
		}
	})
}

func TestPlanDashboardPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		ctx := context.Background()
		now := db.Now()
		err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			var theme, ind int64
			if err := tx.QueryRow(ctx, `INSERT INTO plan_themes (slug, name) VALUES ('test-mobilite', 'Mobilité test') RETURNING id`).Scan(&theme); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO plan_actions (identifier, title, theme_id, status, progress, ends_on, created_at, updated_at)
				VALUES ('TST-1', 'Action en retard <b>', ?, 'late', 40, '2000-01-01', ?, ?)`, theme, now, now); err != nil {
				return err
			}
			if err := tx.QueryRow(ctx, `INSERT INTO plan_indicators (slug, name, unit, direction, baseline_year, baseline_value, created_at, updated_at)
				VALUES ('test-empreinte', 'Empreinte test', 'MtCO2e', 'lower', 2004, 25, ?, ?) RETURNING id`, now, now).Scan(&ind); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO plan_indicator_goals (indicator_id, year, value) VALUES (?, 2050, 5)`, ind); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO plan_indicator_values (indicator_id, year, value, source, created_at) VALUES (?, 2018, 22.7, 'Bilan', ?)`, ind, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// The oldest end date comes first among late actions, whatever the demo holds.
		res, body := a.Get(t, a.Client(t), "/plan")
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		for _, want := range []string{`href="/plan/actions?status=late"`, "Mobilité test", "avancement moyen 40 %", `width="40.0"`,
			"Empreinte test", `<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart"`, "<caption", "22,7 MtCO2e en 2018",
			"Hors trajectoire", `href="/plan/indicators/`, "Action en retard &lt;b&gt;", `href="/plan/actions?flag=late"`,
			`href="/plan/history"`, `href="/plan/committees"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the dashboard lacks %q", want)
			}
		}
		if strings.Contains(body, "style=") {
			t.Error("a style attribute breaks the CSP")
		}
	})
}
