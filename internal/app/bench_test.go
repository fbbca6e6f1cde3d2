package app_test

import (
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/auth"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

// BenchmarkHomePage serves the home page through the whole middleware chain,
// without the network: the platform's own cost per page.
func BenchmarkHomePage(b *testing.B) {
	a := apptest.New(b, db.SQLite, apptest.Options{Demo: true})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			a.Handler.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
			if w.Code != 200 {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}

// BenchmarkDirectory15000 serves the coordinators' directory over 15,000
// volunteers (the size of Paris's volunteer base) through the whole handler,
// cycling through single and combined filters, and reports the p99 latency.
func BenchmarkDirectory15000(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			a := apptest.New(b, e, apptest.Options{Demo: true, DemoVolunteers: 15000})
			coord, _ := a.ClientAs(b, auth.RoleCoordinator)
			// The session cookie, read once, lets requests skip the network.
			u, _ := url.Parse(a.Server.URL)
			cookie := coord.Jar.Cookies(u)[0]
			queries := []string{
				"", "district=15", "skill=repair", "language=es", "interest=food", "day=5", "slot=2",
				"consent=share_with_organisers", "district=11&skill=gardening&day=6",
				"district=18&language=ar&interest=solidarity&consent=newsletter", "skill=first_aid&slot=0&page=3",
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", "/coordination/directory?"+queries[i%len(queries)], nil)
				req.AddCookie(cookie)
				w := httptest.NewRecorder()
				start := time.Now()
				a.Handler.ServeHTTP(w, req)
				lat = append(lat, time.Since(start))
				if w.Code != 200 {
					b.Fatalf("status %d", w.Code)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		})
	}
}
