package app_test

import (
	"net/http/httptest"
	"testing"

	"climatevolunteers/internal/app/apptest"
	"climatevolunteers/internal/db"
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
