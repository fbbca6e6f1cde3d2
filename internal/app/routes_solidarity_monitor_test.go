package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/db"
)

// solidarityMonitorRoutes are the route-by-role lines of the solidarity
// monitor part: every page is for coordinators and admins. The stream is
// asked for an ended episode, so that allowed roles get 204 (nothing will
// change: EventSource stops) rather than an endless stream.
func solidarityMonitorRoutes(t *testing.T, a *apptest.App) []routeCase {
	ep := strconv.FormatInt(monAppEpisode(t, a, "1"), 10)
	return []routeCase{
		{"GET /coordination/solidarity/live", "/coordination/solidarity/live", coordinators, 303, 200, false},
		{"GET /coordination/solidarity/live/stream", "/coordination/solidarity/live/stream?episode=" + ep, coordinators, 303, 204, false},
		{"GET /coordination/solidarity/episodes", "/coordination/solidarity/episodes", coordinators, 303, 200, false},
		{"GET /coordination/solidarity/episodes/{id}/report", "/coordination/solidarity/episodes/" + ep + "/report", coordinators, 303, 200, false},
		{"GET /coordination/solidarity/episodes/{id}/report.csv", "/coordination/solidarity/episodes/" + ep + "/report.csv", coordinators, 303, 200, false},
	}
}

// monAppEpisode writes an ended flood episode over district, straight in
// SQL (the monitor only reads the episodes' tables).
func monAppEpisode(t testing.TB, a *apptest.App, district string) int64 {
	t.Helper()
	ctx := context.Background()
	end := db.Now().Add(-24 * time.Hour)
	var id int64
	err := a.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO solidarity_episodes (hazard, started_at, ended_at) VALUES ('flood', ?, ?) RETURNING id`,
			end.Add(-72*time.Hour), end).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO solidarity_episode_districts (episode_id, district_code, level, added_at) VALUES (?, ?, 3, ?)`,
			id, district, end.Add(-72*time.Hour))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}
