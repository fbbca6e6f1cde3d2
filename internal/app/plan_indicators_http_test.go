package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

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
