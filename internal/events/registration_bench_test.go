package events

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/volunteers"
)

// BenchmarkRegister measures registrations acknowledged after their commit
// (each Register returns once its transaction, counters and outbox mail
// included, is committed): distinct people registering in parallel for a
// few events, with 200 places each so that both the confirmed and the
// waitlisted paths run. Run with a fixed count, for instance
//
//	go test ./internal/events -run '^$' -bench BenchmarkRegister -benchtime 5000x
//
// PostgreSQL runs too when CV_TEST_POSTGRES_URL is set.
func BenchmarkRegister(b *testing.B) {
	engines := []db.Engine{db.SQLite}
	if os.Getenv(dbtest.PostgresURLEnv) != "" {
		engines = append(engines, db.Postgres)
	}
	for _, e := range engines {
		b.Run(string(e), func(b *testing.B) { benchRegister(b, e) })
	}
}

func benchRegister(b *testing.B, engine db.Engine) {
	d := dbtest.Open(b, engine)
	s := regService(b, d)
	s.People = volunteers.NewStore(d) // the real contact lookup, as in production
	const events = 4
	var ids [events]int64
	for i := range ids {
		ids[i], _ = regEvent(b, s, 200, nil)
	}
	people := regUsers(b, d, "volunteer", b.N)
	var next atomic.Int64
	ctx := context.Background()
	b.SetParallelism(8) // 8 × GOMAXPROCS goroutines: many people at once
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			if _, err := s.Register(ctx, people[i], ids[i%events], nil); err != nil {
				b.Error(err)
				return
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "regs/s")
	var total int
	for _, id := range ids {
		c, w := regCounts(b, d, id)
		total += c + w
	}
	if total != b.N {
		b.Fatalf("%d registrations stored, want %d", total, b.N)
	}
}
