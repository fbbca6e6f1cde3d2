package app_test

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// A staff member adds a value: the public page then shows it in the chart
// and in its data table; the history has it; a volunteer is refused.
func TestPlanIndicatorsStaffAddsAValue(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "journey")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)

		vol, _ := a.ClientAs(t, auth.RoleVolunteer)
		if resp, _ := a.PostForm(t, vol, m+"/values", "year=2020&value=21&source=x"); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("volunteer adding a value: %d, want 403", resp.StatusCode)
		}
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.PostForm(t, staff, m+"/values", "year=2020&value=&source=")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Indiquez la source de cette valeur") {
			t.Fatalf("value without source: %d\n%s", resp.StatusCode, a.Logs())
		}
		form := url.Values{"year": {"2020"}, "value": {"21,4"}, "source": {"Rapport climat 2021"}}
		if resp, _ := a.PostForm(t, staff, m+"/values", form.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("adding a value: %d\n%s", resp.StatusCode, a.Logs())
		}
		resp, body = a.Get(t, a.Client(t), "/plan/indicators/"+strconv.FormatInt(id, 10))
		if resp.StatusCode != 200 {
			t.Fatalf("public page: %d\n%s", resp.StatusCode, a.Logs())
		}
		for _, want := range []string{`<svg`, `class="indicator-chart"`, "<caption", "21,4", "Rapport climat 2021", `/plan/history?kind=indicator&amp;id=`} {
			if !strings.Contains(body, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		var n int
		if err := a.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM plan_changes c JOIN plan_change_sets s ON s.id = c.set_id
			WHERE s.subject_kind = 'indicator' AND s.subject_id = ? AND c.field = 'value:2020' AND c.new_value = '21.4'`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("history rows for value:2020: %d, %v", n, err)
		}
	})
}

// The import's dry run shows the changes and writes nothing; the apply step
// posts back the previewed file and its digest.
func TestPlanIndicatorsImportThroughPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "import-page")
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		file := "indicator,year,value,source\nimport-page,2018,22.5,Bilan révisé\nimport-page,2020,21,Rapport 2021\n"
		resp, body := a.PostForm(t, staff, "/plan/manage/indicators/import", url.Values{"csv": {file}}.Encode())
		if resp.StatusCode != 200 || !strings.Contains(body, "1 valeur(s) à ajouter, 1 à modifier") {
			t.Fatalf("dry run: %d\n%s", resp.StatusCode, body)
		}
		digest := between(body, `name="digest" value="`, `"`)
		if got := planValueCount(t, a, id); got != 1 {
			t.Fatalf("the dry run wrote: %d values", got)
		}
		bad := file + "import-page,2019,abc,x\n"
		resp, body = a.PostForm(t, staff, "/plan/manage/indicators/import", url.Values{"csv": {bad}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ligne 4 :") {
			t.Fatalf("bad file: %d\n%s", resp.StatusCode, body)
		}
		resp, _ = a.PostForm(t, staff, "/plan/manage/indicators/import/apply", url.Values{"csv": {file}, "digest": {digest}}.Encode())
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d\n%s", resp.StatusCode, a.Logs())
		}
		if got := planValueCount(t, a, id); got != 2 {
			t.Fatalf("after apply: %d values", got)
		}
		_, csv := a.Get(t, a.Client(t), "/plan/indicators.csv")
		if !strings.Contains(csv, "import-page,2018,,22.5,Bilan révisé") {
			t.Errorf("export lacks the corrected value:\n%s", csv)
		}
		resp, body = a.Get(t, a.Client(t), "/api/v1/plan/indicators")
		if resp.StatusCode != 200 || !strings.Contains(body, `"slug": "import-page"`) || !strings.Contains(body, `"status": "on_track"`) {
			t.Errorf("api: %d\n%s", resp.StatusCode, body)
		}
	})
}

// Two people edit the same indicator: the second save gets a 409 page that
// keeps what they typed.
func TestPlanIndicatorsStaleEditKeepsInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "stale")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		form := url.Values{"slug": {"stale"}, "name": {"Nom modifié par moi"}, "unit": {"MtCO2e"}, "direction": {"lower"},
			"baseline_year": {"2004"}, "baseline_value": {"28.2"}, "goal_0_year": {"2030"}, "goal_0_value": {"16.92"}, "version": {"1"}}
		resp, body := a.PostForm(t, staff, m+"/edit", form.Encode())
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Nom modifié par moi") {
			t.Fatalf("stale edit: %d\n%s", resp.StatusCode, body)
		}
		form.Set("version", between(body, `name="version" value="`, `"`))
		form.Set("unit", "kt")
		resp, body = a.PostForm(t, staff, m+"/edit", form.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "L&#39;unité ne peut pas changer") {
			t.Fatalf("unit change with values: %d\n%s", resp.StatusCode, body)
		}
		form.Set("unit", "MtCO2e")
		form.Set("goal_0_year", "2000")
		resp, body = a.PostForm(t, staff, m+"/edit", form.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-goal_0_year"`) {
			t.Fatalf("goal before baseline: %d\n%s", resp.StatusCode, body)
		}
		form.Set("goal_0_year", "2030")
		if resp, _ := a.PostForm(t, staff, m+"/edit", form.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: %d", resp.StatusCode)
		}
		_, body = a.Get(t, a.Client(t), "/plan/indicators")
		if !strings.Contains(body, "Nom modifié par moi") || !strings.Contains(body, "Hors trajectoire") {
			t.Errorf("public list:\n%s", body)
		}
	})
}

func planValueCount(t *testing.T, a *apptest.App, id int64) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(t.Context(), "SELECT COUNT(*) FROM plan_indicator_values WHERE indicator_id = ?", id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// between returns the text of s between the first from and the next to.
func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	out, _, _ := strings.Cut(rest, to)
	return out
}

// The demo's carbon footprint reads in English too: off track in words,
// its sources, its goals and the actions linked to it.
func TestPlanIndicatorsDemoPageInEnglish(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		var id int64
		if err := a.DB.QueryRow(t.Context(), "SELECT id FROM plan_indicators WHERE slug = 'empreinte-carbone'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		resp, body := a.Get(t, a.Client(t), "/plan/indicators/"+strconv.FormatInt(id, 10), "Accept-Language", "en")
		if resp.StatusCode != 200 {
			t.Fatalf("demo page: %d", resp.StatusCode)
		}
		for _, want := range []string{"Off track", "22.7", "2050: 5.64 MtCO2e", "le bilan carbone de Paris 2018", "Linked actions", `href="/plan/actions/`} {
			if !strings.Contains(body, want) {
				t.Errorf("English demo page lacks %q", want)
			}
		}
		if resp, _ := a.Get(t, a.Client(t), "/plan/indicators/999999"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("unknown indicator: %d, want 404", resp.StatusCode)
		}
	})
}

// Parallel requests that pass the same "is it free?" check at once: the
// database's unique constraint refuses all but one, and each of those gets
// the form's refusal (422) or the import's new dry run (409), never a 500.
func TestPlanIndicatorsParallelDuplicates(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "parallel")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		race := func(what string, want map[int]int, post func(i int) *http.Response) {
			t.Helper()
			codes := map[int]int{}
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range 5 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp := post(i)
					mu.Lock()
					codes[resp.StatusCode]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if !maps.Equal(codes, want) {
				t.Errorf("%s: statuses %v, want %v", what, codes, want)
			}
		}
		for y := 2005; y < 2011; y++ {
			race(fmt.Sprintf("values for %d", y), map[int]int{303: 1, 422: 4}, func(i int) *http.Response {
				resp, _ := a.PostForm(t, staff, m+"/values", fmt.Sprintf("year=%d&value=2%d&source=x", y, i))
				return resp
			})
		}
		for k := range 4 {
			race(fmt.Sprintf("indicators slug par-%d", k), map[int]int{303: 1, 422: 4}, func(int) *http.Response {
				resp, _ := a.PostForm(t, staff, "/plan/manage/indicators/new",
					fmt.Sprintf("slug=par-%d&name=N&unit=t&direction=lower&baseline_year=2004&baseline_value=1", k))
				return resp
			})
		}
		for y := 2011; y < 2015; y++ {
			file := fmt.Sprintf("indicator,year,value,source\nparallel,%d,20,Rapport\n", y)
			_, body := a.PostForm(t, staff, "/plan/manage/indicators/import", url.Values{"csv": {file}}.Encode())
			digest := between(body, `name="digest" value="`, `"`)
			race(fmt.Sprintf("imports of %d", y), map[int]int{303: 1, 409: 4}, func(int) *http.Response {
				resp, _ := a.PostForm(t, staff, "/plan/manage/indicators/import/apply", url.Values{"csv": {file}, "digest": {digest}}.Encode())
				return resp
			})
		}
		if got := planValueCount(t, a, id); got != 1+6+4 {
			t.Errorf("values stored: %d, want 11", got)
		}
	})
}

// Text in another encoding than UTF-8 (a Windows-1252 form post or CSV) is
// refused with a message that says so, at the form and at the dry run.
func TestPlanIndicatorsRefuseNonUTF8(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "latin")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.PostForm(t, staff, m+"/values", "year=2020&value=21&source=Donn%E9es")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "caractères illisibles") {
			t.Errorf("value with a Latin-1 source: %d", resp.StatusCode)
		}
		resp, body = a.PostForm(t, staff, "/plan/manage/indicators/new",
			"slug=latin-two&name=Nom%E9&unit=t&direction=lower&baseline_year=2004&baseline_value=1")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `href="#field-name"`) {
			t.Errorf("indicator with a Latin-1 name: %d", resp.StatusCode)
		}
		file := "indicator;year;value;source\nlatin;2021;20;Donn\xe9es\n"
		resp, body = a.PostForm(t, staff, "/plan/manage/indicators/import", url.Values{"csv": {file}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "CSV UTF-8") {
			t.Errorf("Latin-1 file at the dry run: %d", resp.StatusCode)
		}
		if got := planValueCount(t, a, id); got != 1 {
			t.Errorf("values stored: %d, want 1", got)
		}
	})
}

// A file larger than the limit of ordinary forms (64 KiB in tests, 1 MiB
// in production) previews and then applies: the apply form is multipart,
// like the upload, so it gets the upload limit too.
func TestPlanIndicatorsLargeImportApplies(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "large")
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		var sb strings.Builder
		sb.WriteString("indicator;date;value;source\n")
		rows := 0
		for d := time.Date(2005, 1, 1, 0, 0, 0, 0, time.UTC); sb.Len() < 100_000; d = d.AddDate(0, 0, 1) {
			fmt.Fprintf(&sb, "large;%s;%d,5;Relevé quotidien de l'Agence Parisienne du Climat\n", d.Format("2006-01-02"), rows%30)
			rows++
		}
		file := sb.String()
		resp, body := planMultipart(t, a, staff, "/plan/manage/indicators/import", map[string]string{"file": file})
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `action="/plan/manage/indicators/import/apply" enctype="multipart/form-data"`) {
			t.Fatalf("dry run: %d", resp.StatusCode)
		}
		digest := between(body, `name="digest" value="`, `"`)
		resp, _ = planMultipart(t, a, staff, "/plan/manage/indicators/import/apply", map[string]string{"csv": file, "digest": digest})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d", resp.StatusCode)
		}
		if got := planValueCount(t, a, id); got != 1+rows {
			t.Errorf("values stored: %d, want %d", got, 1+rows)
		}
	})
}

// planMultipart posts a multipart form as a browser does; the field "file"
// is sent as an uploaded file.
func planMultipart(t *testing.T, a *apptest.App, c *http.Client, path string, fields map[string]string) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, v := range fields {
		var err error
		if name == "file" {
			var fw io.Writer
			if fw, err = mw.CreateFormFile("file", "values.csv"); err == nil {
				_, err = io.WriteString(fw, v)
			}
		} else {
			err = mw.WriteField(name, v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, a.Server.URL+path, &b)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return apptest.Do(t, c, req)
}

// Renaming the slug, the key of the CSV files, is a change like any other:
// the history keeps old → new and the timeline names the field.
func TestPlanIndicatorsSlugChangeInHistory(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "renamed")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		_, body := a.Get(t, staff, m+"/edit")
		form := url.Values{"slug": {"renamed-now"}, "name": {"Empreinte renamed"}, "unit": {"MtCO2e"}, "direction": {"lower"},
			"baseline_year": {"2004"}, "baseline_value": {"28.2"}, "goal_0_year": {"2030"}, "goal_0_value": {"16.92"},
			"goal_1_year": {"2050"}, "goal_1_value": {"5.64"}, "version": {between(body, `name="version" value="`, `"`)}}
		if resp, _ := a.PostForm(t, staff, m+"/edit", form.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("slug edit: %d", resp.StatusCode)
		}
		var n int
		if err := a.DB.QueryRow(t.Context(), `SELECT COUNT(*) FROM plan_changes c JOIN plan_change_sets s ON s.id = c.set_id
			WHERE s.subject_kind = 'indicator' AND s.subject_id = ? AND c.field = 'slug' AND c.old_value = 'renamed' AND c.new_value = 'renamed-now'`, id).Scan(&n); err != nil || n != 1 {
			t.Errorf("history rows for the slug: %d, %v", n, err)
		}
		_, body = a.Get(t, a.Client(t), "/plan/history?kind=indicator&id="+strconv.FormatInt(id, 10))
		if !strings.Contains(body, "Identifiant court (slug)") || !strings.Contains(body, "renamed-now") {
			t.Errorf("timeline lacks the slug change")
		}
	})
}

// A number too large to show right is refused in the value form, in the
// goals and in a CSV, with a message that says so.
func TestPlanIndicatorsRefuseHugeNumbers(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "huge")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		resp, body := a.PostForm(t, staff, m+"/values", "year=2020&value=1e308&source=x")
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ce nombre est trop grand") {
			t.Errorf("value 1e308: %d", resp.StatusCode)
		}
		resp, _ = a.PostForm(t, staff, "/plan/manage/indicators/new",
			"slug=huge-goal&name=N&unit=t&direction=lower&baseline_year=2004&baseline_value=1&goal_0_year=2030&goal_0_value=1e13")
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("goal 1e13: %d", resp.StatusCode)
		}
		file := "indicator,year,value,source\nhuge,2021,9300000000000000000,x\n"
		resp, body = a.PostForm(t, staff, "/plan/manage/indicators/import", url.Values{"csv": {file}}.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Ce nombre est trop grand") {
			t.Errorf("CSV value 9.3e18: %d", resp.StatusCode)
		}
		if got := planValueCount(t, a, id); got != 1 {
			t.Errorf("values stored: %d, want 1", got)
		}
	})
}

// The baseline year may not move past a stored value (2018 here): values
// before the baseline are refused when typed, so they may not stay either.
func TestPlanIndicatorsBaselineNotAfterValues(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		id, _ := planIndicatorFixture(t, a, "baseline")
		m := "/plan/manage/indicators/" + strconv.FormatInt(id, 10)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		_, body := a.Get(t, staff, m+"/edit")
		form := url.Values{"slug": {"baseline"}, "name": {"Empreinte baseline"}, "unit": {"MtCO2e"}, "direction": {"lower"},
			"baseline_year": {"2019"}, "baseline_value": {"28.2"}, "goal_0_year": {"2030"}, "goal_0_value": {"16.92"},
			"goal_1_year": {"2050"}, "goal_1_value": {"5.64"}, "version": {between(body, `name="version" value="`, `"`)}}
		resp, body := a.PostForm(t, staff, m+"/edit", form.Encode())
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "plus ancienne valeur enregistrée") ||
			!strings.Contains(body, `href="#field-baseline_year"`) {
			t.Fatalf("baseline 2019 after a 2018 value: %d", resp.StatusCode)
		}
		form.Set("baseline_year", "2018")
		if resp, _ := a.PostForm(t, staff, m+"/edit", form.Encode()); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("baseline 2018, the year of the oldest value: %d", resp.StatusCode)
		}
	})
}
