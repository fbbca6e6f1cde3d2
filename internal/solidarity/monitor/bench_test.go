package monitor

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
// days and 1,000 escalations waiting.
func bigEpisode(b testing.TB, d *db.DB) int64 {
	b.Helper()
	const people, volunteers = 20000, 10000
	now := db.Now()
	for i := 1; i <= 20; i++ {
		addDistrict(b, d, strconv.Itoa(i), "Arrondissement "+strconv.Itoa(i), i)
	}
	ep := addEpisode(b, d, HazardHeat, now.Add(-48*time.Hour), nil)
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		var rows [][]any
		for i := range 20 {
			rows = append(rows, []any{ep, strconv.Itoa(i + 1), 3, now.Add(-48 * time.Hour)})
		}
		bulkInsert(b, tx, "solidarity_episode_districts", "episode_id, district_code, level, added_at", rows)
		rows = rows[:0]
		for i := range volunteers {
			rows = append(rows, []any{fmt.Sprintf("bench-%d@example.org", i), "volunteer", now, now})
		}
		bulkInsert(b, tx, "users", "email, role, created_at, updated_at", rows)
		var firstUser int64
		if err := tx.QueryRow(context.Background(), "SELECT MIN(id) FROM users").Scan(&firstUser); err != nil {
			return err
		}
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
		if err := tx.QueryRow(context.Background(), "SELECT MIN(id) FROM solidarity_assignments").Scan(&firstAssignment); err != nil {
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
	return ep
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
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.Snapshot(ctx, ep); err != nil {
					b.Fatal(err)
				}
			}
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
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.Report(ctx, ep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
