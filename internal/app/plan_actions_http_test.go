package app_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/districts"
	"climatevolunteers/internal/initiatives"
	"climatevolunteers/internal/plan/actions"
	"climatevolunteers/internal/volunteers"
)

// planActionsApp is an app with the demo plan of the actions part only (the
// app's demo may not seed it yet) and the id of action MOB-03.
func planActionsApp(t *testing.T, e db.Engine) (*apptest.App, string) {
	a := apptest.New(t, e, apptest.Options{})
	ctx := context.Background()
	if err := a.DB.Tx(ctx, func(tx *db.Tx) error { return actions.SeedDemo(ctx, tx, time.Now().UTC()) }); err != nil {
		t.Fatal(err)
	}
	var id string
	if err := a.DB.QueryRow(ctx, "SELECT CAST(id AS TEXT) FROM plan_actions WHERE identifier = 'MOB-03'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return a, id
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// TestPlanActionStatusJourney is the browser journey's first step: a staff
// member updates an action's status and progress; the public page and the
// history show it.
func TestPlanActionStatusJourney(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, id := planActionsApp(t, e)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.Get(t, staff, "/plan/manage/actions/"+id)
		if resp.StatusCode != 200 {
			t.Fatalf("staff page: %d", resp.StatusCode)
		}
		version := versionField.FindStringSubmatch(body)[1]

		// Out of range: refused, input kept, nothing saved.
		resp, body = a.PostForm(t, staff, "/plan/manage/actions/"+id+"/status", "version="+version+"&status=late&progress=150")
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#field-progress"`) || !strings.Contains(body, `value="150"`) {
			t.Fatalf("progress 150: %d", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, staff, "/plan/manage/actions/"+id+"/status", "version="+version+"&status=late&progress=75")
		if resp.StatusCode != 303 {
			t.Fatalf("status form: %d", resp.StatusCode)
		}
		// The same form again, from the old version: 409, input kept.
		resp, body = a.PostForm(t, staff, "/plan/manage/actions/"+id+"/status", "version="+version+"&status=done&progress=100")
		if resp.StatusCode != 409 || !strings.Contains(body, `value="100"`) {
			t.Errorf("stale status form: %d", resp.StatusCode)
		}
		// The error summary's link lands on the conflict alert, not on a hidden input.
		if !strings.Contains(body, `href="#field-version"`) || !strings.Contains(body, `role="alert" id="field-version"`) {
			t.Errorf("stale status form: the summary links nowhere")
		}

		visitor := a.Client(t)
		_, body = a.Get(t, visitor, "/plan/actions/"+id)
		if !strings.Contains(body, "75 %") || !strings.Contains(body, "En retard") || !strings.Contains(body, "/plan/history?kind=action&amp;id="+id) ||
			!strings.Contains(body, "/plan/actions/"+id+"/questions") {
			t.Errorf("public page after the update:\n%s", body)
		}
		var status, old, neu string
		err := a.DB.QueryRow(context.Background(), `SELECT s.origin, c.old_value, c.new_value FROM plan_changes c
			JOIN plan_change_sets s ON s.id = c.set_id WHERE s.subject_id = ? AND c.field = 'progress' ORDER BY s.id DESC`, id).Scan(&status, &old, &neu)
		if err != nil || status != "edit" || old != "60" || neu != "75" {
			t.Errorf("history of progress: %v %s %s → %s", err, status, old, neu)
		}
		// The list's late filter now has it.
		_, body = a.Get(t, visitor, "/plan/actions?flag=late&q=trafic")
		if !strings.Contains(body, "/plan/actions/"+id+`"`) {
			t.Errorf("late filter misses the action")
		}
	})
}

func TestPlanActionsRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, id := planActionsApp(t, e)
		volunteer, _ := a.ClientAs(t, auth.RoleVolunteer)
		for _, path := range []string{"/plan/manage", "/plan/manage/actions/" + id, "/plan/manage/import", "/plan/manage/themes"} {
			if resp, _ := a.Get(t, volunteer, path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("volunteer on %s: %d", path, resp.StatusCode)
			}
			if resp, _ := a.Get(t, a.Client(t), path); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
				t.Errorf("visitor on %s: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		if resp, _ := a.PostForm(t, volunteer, "/plan/manage/actions/"+id+"/status", "status=done"); resp.StatusCode != 403 {
			t.Errorf("volunteer posts a status: %d", resp.StatusCode)
		}
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		// A theme with actions cannot be deleted.
		var theme string
		a.DB.QueryRow(context.Background(), "SELECT CAST(id AS TEXT) FROM plan_themes WHERE slug = 'mobilite'").Scan(&theme)
		resp, body := a.PostForm(t, staff, "/plan/manage/themes/"+theme+"/delete", "")
		if resp.StatusCode != 409 || !strings.Contains(body, "sous-thèmes") {
			t.Errorf("delete a theme in use: %d", resp.StatusCode)
		}
		// A new action with an end before its start and no theme.
		resp, body = a.PostForm(t, staff, "/plan/manage/actions/new", "identifier=X-1&title=Essai&status=not_started&progress_mode=manual&starts_on=2027-01-01&ends_on=2026-01-01")
		if resp.StatusCode != 422 || !strings.Contains(body, `href="#field-theme"`) || !strings.Contains(body, `href="#field-ends_on"`) {
			t.Errorf("bad new action: %d", resp.StatusCode)
		}
	})
}

// postMultipart sends fields as a same-origin multipart form.
func postMultipart(t *testing.T, a *apptest.App, c *http.Client, path string, fields url.Values) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", a.Server.URL+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return apptest.Do(t, c, req)
}

var hiddenField = regexp.MustCompile(`name="(data|fingerprint)" value="([^"]*)"`)

func TestPlanActionsImportExport(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, _ := planActionsApp(t, e)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		visitor := a.Client(t)
		resp, csv := a.Get(t, visitor, "/plan/actions.csv")
		if resp.StatusCode != 200 || !strings.Contains(csv, "MOB-01.1") {
			t.Fatalf("export: %d", resp.StatusCode)
		}
		// The export imported again changes nothing.
		_, body := a.PostForm(t, staff, "/plan/manage/import", "csv="+url.QueryEscape(csv))
		if !strings.Contains(body, "Ce fichier ne change rien au plan.") {
			t.Errorf("round trip dry run:\n%s", body)
		}
		// A change: dry run, then apply exactly what was previewed.
		changed := strings.Replace(csv, "ALI-04,", "ALI-04-bis,", 1)
		resp, body = a.PostForm(t, staff, "/plan/manage/import", "csv="+url.QueryEscape(changed))
		if resp.StatusCode != 200 || !strings.Contains(body, "ALI-04-bis") {
			t.Fatalf("dry run: %d", resp.StatusCode)
		}
		form := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(body, -1) {
			form.Set(m[1], html.UnescapeString(m[2]))
		}
		if data, _ := base64.StdEncoding.DecodeString(form.Get("data")); string(data) != changed {
			t.Fatalf("the dry run does not carry the file")
		}
		resp, _ = postMultipart(t, a, staff, "/plan/manage/import/apply", form) // as the page's form sends it
		if resp.StatusCode != 303 {
			t.Fatalf("apply: %d", resp.StatusCode)
		}
		// Applying the same preview again is refused: the plan changed since.
		resp, _ = a.PostForm(t, staff, "/plan/manage/import/apply", form.Encode())
		if resp.StatusCode != 409 {
			t.Errorf("second apply of one dry run: %d", resp.StatusCode)
		}
		// A bad row refuses the file with its line.
		bad := strings.Replace(csv, "\nALI-01,", "\nALI-01,,", 1)
		resp, body = a.PostForm(t, staff, "/plan/manage/import", "csv="+url.QueryEscape(bad))
		if resp.StatusCode != 422 || !strings.Contains(body, "Ligne ") {
			t.Errorf("bad row: %d", resp.StatusCode)
		}

		resp, body = a.Get(t, visitor, "/api/v1/plan/actions?theme=velo&status=on_track")
		var api struct {
			Actions []actions.APIAction `json:"actions"`
		}
		if err := json.Unmarshal([]byte(body), &api); err != nil || resp.StatusCode != 200 {
			t.Fatalf("api: %d %v", resp.StatusCode, err)
		}
		if len(api.Actions) != 2 || api.Actions[1].Identifier != "MOB-01.1" || len(api.Actions[1].Milestones) != 2 ||
			api.Actions[1].Parent == nil || *api.Actions[1].Parent != "MOB-01" {
			t.Errorf("api filtered: %+v", api.Actions)
		}
		if resp, _ := a.Get(t, visitor, "/api/v1/plan/actions?status=finished"); resp.StatusCode != 400 {
			t.Errorf("api, bad status: %d", resp.StatusCode)
		}
	})
}

// TestPlanActionsPagesRender opens every page of the part on the demo plan.
func TestPlanActionsPagesRender(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, id := planActionsApp(t, e)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		var parent string
		a.DB.QueryRow(context.Background(), "SELECT CAST(id AS TEXT) FROM plan_actions WHERE identifier = 'ADA-01'").Scan(&parent)
		for _, path := range []string{"/plan/actions", "/plan/actions?page=2", "/plan/actions?flag=stale&theme=1", "/plan/actions/" + id,
			"/plan/actions/" + parent, "/plan/manage", "/plan/manage/actions/" + parent, "/plan/manage/actions/" + id + "/edit",
			"/plan/manage/actions/new", "/plan/manage/themes", "/plan/manage/import", "/plan/actions.json"} {
			if resp, body := a.Get(t, staff, path); resp.StatusCode != 200 || strings.Contains(body, "[plan.") {
				t.Errorf("%s: %d", path, resp.StatusCode)
			}
		}
	})
}

// TestPlanActionsColons: English puts no space before a colon, French does.
func TestPlanActionsColons(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, id := planActionsApp(t, e)
		ctx := context.Background()
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			var ind int64
			if err := tx.QueryRow(ctx, `INSERT INTO plan_indicators (slug, name, unit, direction, baseline_year, baseline_value, created_at, updated_at)
				VALUES ('velo', 'Part modale du vélo', '%', 'higher', 2018, 11, ?, ?) RETURNING id`, db.Now(), db.Now()).Scan(&ind); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO plan_action_links (action_id, target_kind, target_id) VALUES (?, 'indicator', ?)", id, ind)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		visitor := a.Client(t)
		if _, body := a.Get(t, visitor, "/plan/actions/"+id, "Accept-Language", "en"); !strings.Contains(body, "Indicator: <a") {
			t.Errorf("English link label:\n%s", body)
		}
		if _, body := a.Get(t, visitor, "/plan/actions/"+id, "Accept-Language", "fr"); !strings.Contains(body, "Indicateur : <a") {
			t.Errorf("French link label:\n%s", body)
		}
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		_, csv := a.Get(t, staff, "/plan/actions.csv")
		bad := strings.Replace(csv, "\nALI-01,", "\nALI-01,,", 1)
		if _, body := a.PostForm(t, staff, "/plan/manage/import", "csv="+url.QueryEscape(bad)); !regexp.MustCompile(`Ligne \d+ : .* — « `).MatchString(body) {
			t.Errorf("French import problem:\n%s", body)
		}
		a.PostForm(t, staff, "/language", "lang=en&next=/")
		if _, body := a.PostForm(t, staff, "/plan/manage/import", "csv="+url.QueryEscape(bad)); !regexp.MustCompile(`Line \d+: .* — “`).MatchString(body) {
			t.Errorf("English import problem:\n%s", body)
		}
		if _, body := a.Get(t, staff, "/plan/manage/actions/"+id); !strings.Contains(body, "Indicator: <a") ||
			!strings.Contains(body, `<span class="visually-hidden">: Part modale du vélo</span>`) {
			t.Errorf("English staff page:\n%s", body)
		}
	})
}

// TestPlanActionsLinkTitlesInBulk: the API names linked events and
// initiatives through the bulk wiring as the action page does one by one,
// leaving out drafts and hidden initiatives.
func TestPlanActionsLinkTitlesInBulk(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		ctx := context.Background()
		svc, err := initiatives.NewService(initiatives.Deps{DB: a.DB, Districts: districts.NewStore(a.DB),
			People: volunteers.NewStore(a.DB), BaseURL: "https://cv.example"})
		if err != nil {
			t.Fatal(err)
		}
		for i, title := range []string{"Jardin partagé Voltaire", "Compost de la Roquette"} {
			synergyPublished(t, a, svc, strconv.Itoa(i)+"-plan@example.org", false, initiatives.Input{Title: title,
				Summary: "Une initiative de quartier pour le climat.", Theme: "water", DistrictCode: "11", Lat: "48.8580", Lon: "2.3790", Ongoing: true})
		}
		var action, event, draft, initiative, hidden int64
		var eventTitle, initiativeTitle string
		for _, q := range []struct {
			sql  string
			dest []any
		}{
			{"SELECT id FROM plan_actions ORDER BY identifier LIMIT 1", []any{&action}},
			{"SELECT id, title FROM events WHERE status = 'published' ORDER BY id LIMIT 1", []any{&event, &eventTitle}},
			{"SELECT id, title FROM initiatives ORDER BY id LIMIT 1", []any{&initiative, &initiativeTitle}},
			{"SELECT id FROM initiatives WHERE id <> ? ORDER BY id LIMIT 1", []any{&hidden}},
		} {
			args := []any{}
			if strings.Contains(q.sql, "?") {
				args = append(args, initiative)
			}
			if err := a.DB.QueryRow(ctx, q.sql, args...).Scan(q.dest...); err != nil {
				t.Fatalf("%s: %v", q.sql, err)
			}
		}
		if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
			if err := tx.QueryRow(ctx, "SELECT id FROM events WHERE id <> ? ORDER BY id LIMIT 1", event).Scan(&draft); err != nil {
				return err
			}
			for _, q := range []string{"UPDATE events SET status = 'draft' WHERE id = ?",
				"UPDATE initiatives SET status = 'published', hidden = FALSE WHERE id = ?",
				"UPDATE initiatives SET status = 'published', hidden = TRUE WHERE id = ?"} {
				id := draft
				if strings.Contains(q, "FALSE") {
					id = initiative
				} else if strings.Contains(q, "TRUE") {
					id = hidden
				}
				if _, err := tx.Exec(ctx, q, id); err != nil {
					return err
				}
			}
			for _, l := range []struct {
				kind string
				id   int64
			}{{"event", event}, {"event", draft}, {"initiative", initiative}, {"initiative", hidden}} {
				if _, err := tx.Exec(ctx, "INSERT INTO plan_action_links (action_id, target_kind, target_id) VALUES (?, ?, ?)", action, l.kind, l.id); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		resp, body := a.Get(t, a.Client(t), "/api/v1/plan/actions")
		var api struct {
			Actions []actions.APIAction `json:"actions"`
		}
		if err := json.Unmarshal([]byte(body), &api); err != nil || resp.StatusCode != 200 {
			t.Fatalf("api: %d %v", resp.StatusCode, err)
		}
		for _, x := range api.Actions {
			if x.ID != action {
				continue
			}
			want := []actions.APILink{{Kind: "event", ID: event, Title: eventTitle}, {Kind: "initiative", ID: initiative, Title: initiativeTitle}}
			if len(x.Links) != 2 || x.Links[0] != want[0] || x.Links[1] != want[1] {
				t.Errorf("links: %+v, want %+v", x.Links, want)
			}
			return
		}
		t.Errorf("action %d not in the API", action)
	})
}

// A file over the import limit is refused whole with a translated reason,
// never read cut at the limit (a cut row would import wrong figures).
func TestPlanActionsImportTooLarge(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, _ := planActionsApp(t, e)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("file", "plan.csv")
		if err != nil {
			t.Fatal(err)
		}
		n, _ := fw.Write([]byte("identifiant;titre;thème;poids\n"))
		for i := 0; n <= 4<<20; i++ {
			k, _ := fmt.Fprintf(fw, "GEN-%06d;Action %d;mobilite;2.5\n", i, i)
			n += k
		}
		mw.Close()
		req, err := http.NewRequest("POST", a.Server.URL+"/plan/manage/import", &buf)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		resp, body := apptest.Do(t, staff, req)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "le fichier dépasse 4 Mo") {
			t.Fatalf("a file over 4 MB: %d", resp.StatusCode)
		}
	})
}

// Staff remove a milestone from the action's staff page; the public page
// no longer shows it and the history does.
func TestPlanActionRemoveMilestone(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a, id := planActionsApp(t, e)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, _ := a.PostForm(t, staff, "/plan/manage/actions/"+id+"/milestones",
			url.Values{"milestone_date": {"2027-03-31"}, "milestone_title": {"Jalon saisi par erreur"}}.Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		_, page := a.Get(t, staff, "/plan/manage/actions/"+id)
		m := regexp.MustCompile(`action="(/plan/manage/actions/` + id + `/milestones/\d+/delete)"[^<]*<button type="submit">[^<]*<span class="visually-hidden">[^<]*Jalon saisi par erreur`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("no remove button for the milestone")
		}
		if resp, _ := a.PostForm(t, staff, m[1], ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("remove: %d", resp.StatusCode)
		}
		if _, body := a.Get(t, a.Client(t), "/plan/actions/"+id); strings.Contains(body, "Jalon saisi par erreur") {
			t.Error("the removed milestone is still public")
		}
		if _, body := a.Get(t, a.Client(t), "/plan/history?kind=action&id="+id); !strings.Contains(body, "Jalon saisi par erreur") {
			t.Error("the history lost the removed milestone")
		}
	})
}
