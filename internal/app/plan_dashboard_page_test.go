package app_test

import (
	"regexp"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/db"
)

// A theme with one action says "1 action", in both languages (the demo's
// housing renovation theme has one main action).
func TestPlanDashboardCountsOneAction(t *testing.T) {
	eachEngine(t, func(t *testing.T, e db.Engine) {
		a := apptest.New(t, e, apptest.Options{Demo: true})
		for _, lang := range []string{"fr", "en"} {
			res, body := a.Get(t, a.Client(t), "/plan", "Accept-Language", lang)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", lang, res.StatusCode)
			}
			if regexp.MustCompile(`\b1 actions\b`).MatchString(body) {
				t.Errorf("%s: a theme reads \"1 actions\"", lang)
			}
			if !regexp.MustCompile(`\b1 action\b`).MatchString(body) {
				t.Errorf("%s: no theme with one action on the demo dashboard", lang)
			}
		}
	})
}
