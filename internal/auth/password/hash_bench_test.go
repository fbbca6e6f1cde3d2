package password

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkHash measures candidate parameters one hash at a time; the figures
// chosen from are recorded above DefaultParams. Run with
// go test -run '^$' -bench Hash -benchmem ./internal/auth/password
func BenchmarkHash(b *testing.B) {
	candidates := []Params{
		{Memory: 19 * 1024, Time: 2, Threads: 1}, // OWASP minimum
		{Memory: 46 * 1024, Time: 1, Threads: 1},
		{Memory: 64 * 1024, Time: 1, Threads: 1}, // DefaultParams
		{Memory: 64 * 1024, Time: 1, Threads: 2},
		{Memory: 64 * 1024, Time: 2, Threads: 1},
	}
	for _, p := range candidates {
		p.SaltLen, p.KeyLen = 16, 32
		name := fmt.Sprintf("m=%dMiB/t=%d/p=%d", p.Memory/1024, p.Time, p.Threads)
		b.Run(name, func(b *testing.B) {
			h := NewHasher(p, 1)
			for b.Loop() {
				if _, err := h.Hash(context.Background(), "correct horse battery staple"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHashBurst is a burst of sign-ins on the default hasher: many
// goroutines, at most MaxConcurrent hashes at once. ns/op is the time per
// hash seen by the server as a whole (its throughput), not by one person.
func BenchmarkHashBurst(b *testing.B) {
	h := NewHasher(DefaultParams, MaxConcurrent)
	b.SetParallelism(4) // 8 goroutines on 2 cores
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := h.Hash(context.Background(), "correct horse battery staple"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
