package episodes

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// A whole-city activation: 20,000 registered people and 15,000 members
// (capacities 1 to 3, French and Arabic) over the three test districts,
// each member covering two of them. One Sync plans (registry, network,
// matching) and writes every assignment, escalation and notice in one
// transaction; each round starts from no episode.
//
//	CV_TEST_POSTGRES_URL=… go test -run '^$' -bench SyncCity -benchtime 3x ./internal/solidarity/episodes
func BenchmarkSyncCity(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ctx := context.Background()
			reg := &fakeRegistry{people: map[int64]solidarity.Person{}, cards: map[int64]solidarity.Card{}}
			netw := &fakeNetwork{}
			r := rand.New(rand.NewPCG(2003, 8))
			langs := func() []string {
				switch x := r.IntN(100); {
				case x < 85:
					return []string{"fr"}
				case x < 95:
					return []string{"fr", "ar"}
				}
				return []string{"ar"}
			}
			now := db.Now()
			for i, x := range testDistricts {
				if _, err := d.Exec(ctx, `INSERT INTO districts (code, name, position, lat, lon, created_at, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?)`, x.Code, x.Name, i, x.Lat, x.Lon, now, now); err != nil {
					b.Fatal(err)
				}
			}
			point := func(c int) (float64, float64) {
				x := testDistricts[c]
				return x.Lat + (r.Float64()-.5)*0.02, x.Lon + (r.Float64()-.5)*0.03
			}
			ids := bulkInsert(b, d, 15000, `INSERT INTO users (email, password_hash, role, status, language, created_at, updated_at) VALUES `,
				"(?, '', 'volunteer', 'active', 'fr', ?, ?)", func(i int) []any { return []any{fmt.Sprintf("m%d@example.org", i), now, now} })
			for i, id := range ids {
				c := i % 3
				lat, lon := point(c)
				netw.members = append(netw.members, solidarity.Member{UserID: id, Capacity: 1 + r.IntN(3), Languages: langs(),
					Districts: []string{testDistricts[c].Code, testDistricts[(c+1)%3].Code}, Lat: lat, Lon: lon})
			}
			codes := make([]string, 20000)
			pids := bulkInsert(b, d, 20000, `INSERT INTO registry_people (district_code, phone_blind, identity_blind, registered_as,
				consent_version, consent_at, season_ends_at, created_at, updated_at) VALUES `, "(?, ?, ?, 'self', 1, ?, ?, ?, ?)",
				func(i int) []any {
					codes[i] = testDistricts[i%3].Code
					return []any{codes[i], fmt.Sprint("p", i), fmt.Sprint("i", i), now, now.AddDate(1, 0, 0), now, now}
				})
			for i, id := range pids {
				lat, lon := point(i % 3)
				reg.people[id] = solidarity.Person{ID: id, District: codes[i], Lat: lat, Lon: lon, Languages: langs()}
			}
			keys, err := sealed.Load("", b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			cat, err := i18n.New(web.Locales, Locales)
			if err != nil {
				b.Fatal(err)
			}
			var clock atomic.Pointer[time.Time]
			clock.Store(&now)
			al := &fakeAlerts{levels: map[alerts.Hazard]map[string]alerts.Level{}, setAt: map[alerts.Hazard]map[string]time.Time{},
				clock: func() time.Time { return *clock.Load() }}
			svc, err := NewService(Deps{DB: d, Registry: reg, Network: netw, Alerts: al, People: &fakePeople{phones: map[int64]string{}},
				Staff: &fakeStaff{}, Districts: fakeDistricts{}, Keys: keys, Catalog: cat, BaseURL: "https://cv.example",
				Now: func() time.Time { return *clock.Load() }})
			if err != nil {
				b.Fatal(err)
			}
			var assigned int
			for b.Loop() {
				b.StopTimer()
				// Start from nothing: the previous round's episode ends, its
				// rows go (so their pairs are not kept).
				for _, x := range testDistricts {
					al.set(alerts.Heat, x.Code, 1)
				}
				if err := svc.Sync(ctx, 0, alerts.Heat); err != nil {
					b.Fatal(err)
				}
				for _, q := range []string{"DELETE FROM solidarity_escalations", "DELETE FROM solidarity_assignments",
					"DELETE FROM solidarity_episode_districts", "DELETE FROM solidarity_episodes", "DELETE FROM outbox_jobs"} {
					if _, err := d.Exec(ctx, q); err != nil {
						b.Fatal(err)
					}
				}
				t := clock.Load().Add(time.Minute)
				clock.Store(&t)
				for _, x := range testDistricts {
					al.set(alerts.Heat, x.Code, 3)
				}
				b.StartTimer()
				if err := svc.Sync(ctx, 0, alerts.Heat); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM solidarity_assignments WHERE volunteer_id IS NOT NULL").Scan(&assigned); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			b.ReportMetric(float64(assigned), "assigned")
		})
	}
}

// bulkInsert inserts n rows in chunks and returns their ids in order.
func bulkInsert(b *testing.B, d *db.DB, n int, head, row string, args func(i int) []any) []int64 {
	b.Helper()
	ids := make([]int64, 0, n)
	for start := 0; start < n; start += 500 {
		end := min(start+500, n)
		var all []any
		for i := start; i < end; i++ {
			all = append(all, args(i)...)
		}
		err := d.Tx(context.Background(), func(tx *db.Tx) error {
			rows, err := tx.Query(context.Background(), head+strings.TrimSuffix(strings.Repeat(row+", ", end-start), ", ")+" RETURNING id", all...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return rows.Err()
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return ids
}
