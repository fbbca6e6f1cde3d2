package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
)

// A registration withdrawn by its registrant takes the sealed "what help"
// of its calls with it; the call itself stays counted for the report.
func TestWithdrawnRegistrationErasesHelpNotes(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		ctx := t.Context()
		epiNoDemoRegistry(t, a)
		relative, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiRegister(t, a, relative, "Odette Marchal", "01 99 00 42 42")
		volunteer, _ := a.ClientAs(t, auth.RoleVolunteer)
		epiJoin(t, a, volunteer, "Alix Premier", "1", "48.8595", "2.3790", nil)
		staff, _ := a.ClientAs(t, auth.RoleCoordinator)
		if resp, _ := setAlert(t, a, staff, url.Values{"hazard": {"heat"}, "level": {"3"}, "scope": {"districts"}, "district": {"11"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatal("alert refused")
		}
		_, body := a.Get(t, volunteer, "/my/calls")
		m := epiCallLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no call given\n%s", body)
		}
		if resp, _ := epiOutcome(t, a, volunteer, m[1], "needs_help", "Plus de médicaments"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("needs help: %d", resp.StatusCode)
		}
		helpKept := func() int {
			var n int
			if err := a.DB.QueryRow(ctx, "SELECT COUNT(*) FROM solidarity_calls WHERE help_sealed <> ''").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if helpKept() != 1 {
			t.Fatal("the help was not sealed in the call")
		}
		var person int64
		if err := a.DB.QueryRow(ctx, "SELECT id FROM registry_people").Scan(&person); err != nil {
			t.Fatal(err)
		}
		path := "/my/registry/" + strconv.FormatInt(person, 10) + "/withdraw"
		if resp, body := a.PostForm(t, relative, path, "confirm=yes"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("withdrawal: %d\n%s", resp.StatusCode, body)
		}
		if n := helpKept(); n != 0 {
			t.Errorf("%d help notes kept after the registration was withdrawn", n)
		}
		var calls int
		if err := a.DB.QueryRow(ctx, "SELECT COUNT(*) FROM solidarity_calls").Scan(&calls); err != nil || calls != 1 {
			t.Errorf("calls counted after the withdrawal: %d, %v", calls, err)
		}
	})
}
