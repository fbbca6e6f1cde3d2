package app

import (
	"time"

	"golang.org/x/time/rate"

	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/plan/questions"
	"climatevolunteers/internal/ratelimit"
)

// Each account asks at most questionBurst questions at once, then one every
// questionEvery: enough for a real conversation, too few to flood a page.
const (
	questionBurst = 5
	questionEvery = 12 * time.Minute
)

// wirePlanQuestions builds the Climate Plan's questions part and registers its routes.
func wirePlanQuestions(d *planDeps) error {
	svc, err := questions.NewService(questions.Deps{DB: d.db, People: d.volunteers.Store(),
		Limiter: ratelimit.New(rate.Every(questionEvery), questionBurst),
		BaseURL: d.cfg.PublicURL(), Notify: d.notify, Log: d.log})
	if err != nil {
		return err
	}
	questions.Register(d.r, d.rn, svc, questions.Guards{User: d.guard.RequireUser,
		Staff: d.guard.RequireRole(auth.RoleCoordinator), Moderator: d.guard.RequireRole(auth.RoleModerator),
		Reviewer: d.guard.RequireRole(auth.RoleCoordinator, auth.RoleModerator)})
	d.questions = svc
	return nil
}
