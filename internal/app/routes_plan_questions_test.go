package app_test

import (
	"context"
	"strconv"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/db"
)

// planQuestionsRoutes are the route-by-role lines of the Climate Plan's
// questions part: reading is public, asking and following need an account,
// answering is for City staff (coordinators), hiding and restoring for
// moderators. Empty
// forms get 422 from those allowed, so the walk changes nothing but follows.
func planQuestionsRoutes(t *testing.T, a *apptest.App) []routeCase {
	action, question, answer := qsRouteFixture(t, a)
	act := "/plan/actions/" + strconv.FormatInt(action, 10)
	q := "/plan/questions/" + strconv.FormatInt(question, 10)
	return []routeCase{
		{"GET /plan/actions/{id}/questions", act + "/questions", public, 200, 200, false},
		{"POST /plan/actions/{id}/questions", act + "/questions", signedIn, 403, 422, false},
		{"GET /plan/questions", "/plan/questions", public, 200, 200, false},
		{"GET /plan/questions/{id}", q, public, 200, 200, false},
		{"POST /plan/questions/{id}/follow", q + "/follow", signedIn, 403, 303, false},
		{"POST /plan/questions/{id}/unfollow", q + "/unfollow", signedIn, 403, 303, false},
		{"GET /plan/questions/{id}/answers/{answer}/edit", q + "/answers/" + strconv.FormatInt(answer, 10) + "/edit", coordinators, 303, 200, false},
		{"POST /plan/questions/{id}/answer", q + "/answer", coordinators, 403, 422, false},
		{"POST /plan/questions/{id}/hide", q + "/hide", moderators, 403, 422, false},
		{"POST /plan/questions/{id}/restore", q + "/restore", moderators, 403, 303, false},
		{"GET /plan/manage/questions", "/plan/manage/questions", reviewers, 303, 200, false},
	}
}

// qsRouteFixture writes an action, a question on it and an official answer,
// straight in SQL (the demo's plan may not be seeded).
func qsRouteFixture(t testing.TB, a *apptest.App) (action, question, answer int64) {
	t.Helper()
	ctx := context.Background()
	now := db.Now()
	err := a.DB.Tx(ctx, func(tx *db.Tx) error {
		var theme int64
		if err := tx.QueryRow(ctx, "INSERT INTO plan_themes (slug, name) VALUES ('questions-routes', 'Routes des questions') RETURNING id").Scan(&theme); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO plan_actions (identifier, title, theme_id, created_at, updated_at)
			VALUES ('QR-1', 'Action des routes', ?, ?, ?) RETURNING id`, theme, now, now).Scan(&action); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO plan_questions (action_id, title, body, created_at, answered_at)
			VALUES (?, 'Question des routes', 'Précisions', ?, ?) RETURNING id`, action, now, now).Scan(&question); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `INSERT INTO plan_answers (question_id, department, official, body, created_at)
			VALUES (?, 'Ville de Paris', ?, 'Réponse', ?) RETURNING id`, question, true, now).Scan(&answer)
	})
	if err != nil {
		t.Fatal(err)
	}
	return action, question, answer
}
