package indicators

import (
	"context"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// BenchmarkAll reads 50 indicators of 20 yearly values each, as the
// dashboard does on every request (three queries whatever the number).
func BenchmarkAll(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ctx := context.Background()
			if err := d.Tx(ctx, func(tx *db.Tx) error {
				return SeedBench(ctx, tx, time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC), 50, 20)
			}); err != nil {
				b.Fatal(err)
			}
			s := NewService(d)
			b.ResetTimer()
			for b.Loop() {
				all, err := s.All(ctx)
				if err != nil || len(all) != 50 {
					b.Fatalf("%d %v", len(all), err)
				}
			}
		})
	}
}
