package monitor

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// bulkInsert writes rows in multi-row statements of a few hundred rows.
func bulkInsert(b testing.TB, tx *db.Tx, table, columns string, rows [][]any) {
	b.Helper()
	const chunk = 400
	ncol := len(strings.Split(columns, ","))
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", ncol), ", ") + ")"
	for start := 0; start < len(rows); start += chunk {
		end := min(start+chunk, len(rows))
		var args []any
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
		if _, err := tx.Exec(context.Background(), q, args...); err != nil {
			b.Fatalf("%s: %v", table, err)
		}
	}
}

// bigEpisode fills an episode at Paris scale: 20,000 people over the 20
// districts, 10,000 volunteers (two people each), 30,000 calls over two
// days and 1,000 escalations waiting. An earlier episode of the same size
// comes first, so that reads must pick the episode's rows out of history.
func bigEpisode(b testing.TB, d *db.DB) int64 {
	b.Helper()
	const volunteers = 10000
	now := db.Now()
	for i := 1; i <= 20; i++ {
		addDistrict(b, d, strconv.Itoa(i), "Arrondissement "+strconv.Itoa(i), i)
	}
	var firstUser int64
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		var rows [][]any
		for i := range volunteers {
			rows = append(rows, []any{fmt.Sprintf("bench-%d@example.org", i), "volunteer", now, now})
		}
		bulkInsert(b, tx, "users", "email, role, created_at, updated_at", rows)
		return tx.QueryRow(context.Background(), "SELECT MIN(id) FROM users").Scan(&firstUser)
	})
	if err != nil {
		b.Fatal(err)
	}
	ended := now.Add(-30 * 24 * time.Hour)
	fillEpisode(b, d, addEpisode(b, d, HazardHeat, ended.Add(-72*time.Hour), &ended), firstUser, ended)
	ep := addEpisode(b, d, HazardHeat, now.Add(-48*time.Hour), nil)
	fillEpisode(b, d, ep, firstUser, now)
	return ep
}

// fillEpisode writes an episode's districts, people, calls and escalations
// as they stand at now.
func fillEpisode(b testing.TB, d *db.DB, ep, firstUser int64, now time.Time) {
	b.Helper()
	const people = 20000
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		var rows [][]any
		for i := range 20 {
			rows = append(rows, []any{ep, strconv.Itoa(i + 1), 3, now.Add(-48 * time.Hour)})
		}
		bulkInsert(b, tx, "solidarity_episode_districts", "episode_id, district_code, level, added_at", rows)
		rows = rows[:0]
		outcomes := []string{"", "fine", "fine", "needs_help", "not_reached"}
		for i := range people {
			var vol any = firstUser + int64(i/2)
			if i%50 == 0 {
				vol = nil // unmatched
			}
			calls := 0
			var lastCall any
			if outcomes[i%5] != "" {
				calls = 1 + i%3
				lastCall = now.Add(-time.Duration(i%2880) * time.Minute)
			}
			rows = append(rows, []any{ep, strconv.Itoa(i%20 + 1), vol, 1 - i%97/96, calls, outcomes[i%5], lastCall,
				now.Add(time.Duration(i%48-12) * time.Hour), now.Add(-48 * time.Hour)})
		}
		bulkInsert(b, tx, "solidarity_assignments",
			"episode_id, district_code, volunteer_id, active, calls, last_outcome, last_call_at, next_due_at, assigned_at", rows)
		var firstAssignment int64
		if err := tx.QueryRow(context.Background(), "SELECT MIN(id) FROM solidarity_assignments WHERE episode_id = ?", ep).Scan(&firstAssignment); err != nil {
			return err
		}
		rows = rows[:0]
		for i := range 30000 {
			p := i % people
			rows = append(rows, []any{firstAssignment + int64(p), ep, firstUser + int64(p/2), []string{"fine", "needs_help", "not_reached"}[i%3],
				now.Add(-time.Duration(i%2880) * time.Minute)})
		}
		bulkInsert(b, tx, "solidarity_calls", "assignment_id, episode_id, volunteer_id, outcome, called_at", rows)
		rows = rows[:0]
		reasons := []string{"needs_help", "unreached", "overdue", "unmatched", "withdrawn"}
		for i := range 1000 {
			p := i * 20
			rows = append(rows, []any{firstAssignment + int64(p), ep, strconv.Itoa(p%20 + 1), reasons[i%5], now})
		}
		bulkInsert(b, tx, "solidarity_escalations", "assignment_id, episode_id, district_code, reason, raised_at", rows)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSnapshot reads the live figures of a 20,000-person episode
// (target: well under 50 ms). go test -bench Snapshot -run XXX
func BenchmarkSnapshot(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ep := bigEpisode(b, d)
			s := NewService(Deps{DB: d})
			ctx := context.Background()
			snap, err := s.Snapshot(ctx, ep)
			if err != nil || snap.Total.People == 0 {
				b.Fatalf("%+v %v", snap.Total, err)
			}
			cpu := cpuTime()
			for b.Loop() {
				if _, err := s.Snapshot(ctx, ep); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkReport reads the report of the same episode.
func BenchmarkReport(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ep := bigEpisode(b, d)
			s := NewService(Deps{DB: d})
			ctx := context.Background()
			cpu := cpuTime()
			for b.Loop() {
				if _, err := s.Report(ctx, ep); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// cpuTime is this process's CPU time so far. On a shared machine it tells
// the work done better than the wall clock; on SQLite all of it is here
// (PostgreSQL's share is in the server's process).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64((cpuTime()-since).Milliseconds())/float64(b.N), "cpu-ms/op")
}
