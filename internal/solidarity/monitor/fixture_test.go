package monitor

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/db"
)

// The tests write the episodes' tables directly, as the episodes part
// would. person_id stays NULL: the monitor never reads it, and an erased
// registration leaves exactly that, which must still be counted.

var seq atomic.Int64

func exec(t testing.TB, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.Exec(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func insertID(t testing.TB, d *db.DB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.QueryRow(context.Background(), q+" RETURNING id", args...).Scan(&id)
	})
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// addDistrict adds a district at a display position.
func addDistrict(t testing.TB, d *db.DB, code, name string, position int) {
	t.Helper()
	now := db.Now()
	exec(t, d, `INSERT INTO districts (code, name, position, lat, lon, created_at, updated_at) VALUES (?, ?, ?, 48.85, 2.35, ?, ?)`,
		code, name, position, now, now)
}

// addUser adds an account with role.
func addUser(t testing.TB, d *db.DB, role string) int64 {
	t.Helper()
	now := db.Now()
	return insertID(t, d, `INSERT INTO users (email, role, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		"monitor-"+strconv.FormatInt(seq.Add(1), 10)+"@example.org", role, now, now)
}

// addEpisode starts an episode; ended, when not nil, ends it.
func addEpisode(t testing.TB, d *db.DB, hazard string, started time.Time, ended *time.Time) int64 {
	t.Helper()
	return insertID(t, d, `INSERT INTO solidarity_episodes (hazard, started_at, ended_at) VALUES (?, ?, ?)`, hazard, started, ended)
}

func addEpisodeDistrict(t testing.TB, d *db.DB, episode int64, code string, level int, added time.Time, removed *time.Time) {
	t.Helper()
	exec(t, d, `INSERT INTO solidarity_episode_districts (episode_id, district_code, level, added_at, removed_at) VALUES (?, ?, ?, ?, ?)`,
		episode, code, level, added, removed)
}

// assignment is a row of solidarity_assignments; Volunteer 0 is unmatched.
type assignment struct {
	District  string
	Volunteer int64
	Active    bool
	Calls     int
	Outcome   string
	NextDue   time.Time
	Assigned  time.Time
}

func addAssignment(t testing.TB, d *db.DB, episode int64, a assignment) int64 {
	t.Helper()
	var vol any
	reason := "no_volunteer"
	if a.Volunteer != 0 {
		vol, reason = a.Volunteer, ""
	}
	active := 0
	if a.Active {
		active = 1
	}
	return insertID(t, d, `INSERT INTO solidarity_assignments (episode_id, district_code, volunteer_id, unmatched_reason,
		active, calls, last_outcome, next_due_at, assigned_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		episode, a.District, vol, reason, active, a.Calls, a.Outcome, a.NextDue, a.Assigned)
}

func addCall(t testing.TB, d *db.DB, episode, assignment, volunteer int64, outcome string, at time.Time) {
	t.Helper()
	exec(t, d, `INSERT INTO solidarity_calls (assignment_id, episode_id, volunteer_id, outcome, called_at) VALUES (?, ?, ?, ?, ?)`,
		assignment, episode, volunteer, outcome, at)
}

// syncLastCalls sets each assignment's last call time from its calls, as
// recording a call does.
func syncLastCalls(t testing.TB, d *db.DB) {
	t.Helper()
	exec(t, d, `UPDATE solidarity_assignments SET last_call_at =
		(SELECT MAX(c.called_at) FROM solidarity_calls c WHERE c.assignment_id = solidarity_assignments.id)`)
}

func addEscalation(t testing.TB, d *db.DB, episode, assignment int64, district, reason string, raised time.Time, resolved *time.Time) {
	t.Helper()
	exec(t, d, `INSERT INTO solidarity_escalations (assignment_id, episode_id, district_code, reason, raised_at, resolved_at)
		VALUES (?, ?, ?, ?, ?, ?)`, assignment, episode, district, reason, raised, resolved)
}

// fixture is a hand-built heat episode over three districts, listed in
// display order 4, 11, 12 (not the codes' order); 12 left the episode.
// Another, ended flood episode must never leak into its figures.
type fixture struct {
	Episode, Other int64
	V1, V2, V3     int64
	A1, A2, A4, B1 int64
	Now            time.Time
}

func newFixture(t testing.TB, d *db.DB) fixture {
	t.Helper()
	now := db.Now().Truncate(time.Second)
	h := func(n float64) time.Time { return now.Add(time.Duration(n * float64(time.Hour))) }
	addDistrict(t, d, "4", "Hôtel-de-Ville", 4)
	addDistrict(t, d, "11", "Popincourt", 11)
	addDistrict(t, d, "12", "=Reuilly", 12) // a name a spreadsheet would run
	f := fixture{Now: now, V1: addUser(t, d, "volunteer"), V2: addUser(t, d, "volunteer"), V3: addUser(t, d, "volunteer")}
	f.Episode = addEpisode(t, d, HazardHeat, h(-50), nil)
	addEpisodeDistrict(t, d, f.Episode, "11", 4, h(-50), nil)
	addEpisodeDistrict(t, d, f.Episode, "4", 3, h(-50), nil)
	removed := h(-5)
	addEpisodeDistrict(t, d, f.Episode, "12", 3, h(-50), &removed)

	assigned, later, past := h(-48), h(10), h(-1)
	// District 4: fine; overdue and never called; unmatched (City staff
	// call them, so never "overdue", though their due time has passed);
	// needs help; and one whose district left (inactive) but who was called.
	f.A1 = addAssignment(t, d, f.Episode, assignment{"4", f.V1, true, 1, "fine", later, assigned})
	f.A2 = addAssignment(t, d, f.Episode, assignment{"4", f.V1, true, 0, "", past, assigned})
	a3 := addAssignment(t, d, f.Episode, assignment{"4", 0, true, 0, "", past, assigned})
	f.A4 = addAssignment(t, d, f.Episode, assignment{"4", f.V2, true, 2, "needs_help", later, assigned})
	a5 := addAssignment(t, d, f.Episode, assignment{"4", f.V2, false, 1, "fine", later, assigned})
	// District 11: not reached three times and overdue; fine.
	f.B1 = addAssignment(t, d, f.Episode, assignment{"11", f.V3, true, 3, "not_reached", past, assigned})
	b2 := addAssignment(t, d, f.Episode, assignment{"11", f.V2, true, 1, "fine", later, assigned})

	addCall(t, d, f.Episode, f.A1, f.V1, "fine", h(-2))
	addCall(t, d, f.Episode, f.A4, f.V2, "not_reached", h(-30))
	addCall(t, d, f.Episode, f.A4, f.V2, "needs_help", h(-1))
	addCall(t, d, f.Episode, a5, f.V2, "fine", h(-3))
	addCall(t, d, f.Episode, f.B1, f.V3, "not_reached", h(-26))
	addCall(t, d, f.Episode, f.B1, f.V3, "not_reached", h(-25))
	addCall(t, d, f.Episode, f.B1, f.V3, "not_reached", h(-23))
	addCall(t, d, f.Episode, b2, f.V2, "fine", h(-0.5))

	syncLastCalls(t, d)

	addEscalation(t, d, f.Episode, a3, "4", "unmatched", assigned, nil)
	addEscalation(t, d, f.Episode, f.A4, "4", "needs_help", h(-1), nil)
	addEscalation(t, d, f.Episode, f.B1, "11", "unreached", h(-23), nil)
	resolved := h(-20)
	addEscalation(t, d, f.Episode, f.B1, "11", "overdue", h(-22), &resolved)

	ended := h(-100)
	f.Other = addEpisode(t, d, HazardFlood, h(-200), &ended)
	addEpisodeDistrict(t, d, f.Other, "4", 3, h(-200), nil)
	o := addAssignment(t, d, f.Other, assignment{"4", f.V1, true, 1, "needs_help", past, h(-199)})
	addCall(t, d, f.Other, o, f.V1, "needs_help", h(-150))
	addEscalation(t, d, f.Other, o, "4", "needs_help", h(-150), nil)
	syncLastCalls(t, d)
	return f
}

// endEpisode ends an episode at a time as the episodes part does: its
// districts leave, its assignments stop and its escalations close.
func endEpisode(t testing.TB, d *db.DB, episode int64, at time.Time) {
	t.Helper()
	exec(t, d, "UPDATE solidarity_episodes SET ended_at = ? WHERE id = ?", at, episode)
	exec(t, d, "UPDATE solidarity_episode_districts SET removed_at = ? WHERE episode_id = ? AND removed_at IS NULL", at, episode)
	exec(t, d, `UPDATE solidarity_escalations SET resolved_at = ?, resolution = 'episode_ended'
		WHERE episode_id = ? AND resolved_at IS NULL`, at, episode)
	exec(t, d, "UPDATE solidarity_assignments SET active = 0 WHERE episode_id = ?", episode)
}
