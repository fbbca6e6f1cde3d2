package episodes

import (
	"context"
	"fmt"
	"testing"

	"climatevolunteers/internal/alerts"
	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/volunteers"
	"climatevolunteers/internal/web"
	"climatevolunteers/internal/web/i18n"
)

// An activation of the whole city tells every volunteer in the
// transaction that assigns them: 15,000 volunteers (one in three with the
// SMS consent, so 20,000 jobs), each mail rendered in the volunteer's
// language, queued with multi-row INSERTs.
//
//	CV_TEST_POSTGRES_URL=… go test -run '^$' -bench Notify15k -benchtime 5x ./internal/solidarity/episodes
func BenchmarkNotify15k(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			keys, err := sealed.Load("", b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			cat, err := i18n.New(web.Locales, Locales)
			if err != nil {
				b.Fatal(err)
			}
			svc, err := NewService(Deps{DB: d, Keys: keys, Catalog: cat, BaseURL: "https://cv.example"})
			if err != nil {
				b.Fatal(err)
			}
			const n = 15000
			nd := noticeData{contacts: map[int64]volunteers.Contact{}, phones: map[int64]string{}}
			ns := make([]notice, n)
			for i := range n {
				id := int64(i + 1)
				lang := "fr"
				if i%10 == 0 {
					lang = "en"
				}
				nd.contacts[id] = volunteers.Contact{UserID: id, Name: fmt.Sprintf("Volontaire %d", id),
					Email: fmt.Sprintf("v%d@example.org", id), Lang: lang}
				if i%3 == 0 {
					nd.phones[id] = fmt.Sprintf("+336%08d", id)
				}
				ns[i] = notice{volunteer: id, count: 1 + i%3, batch: fmt.Sprintf("a%d", id)}
			}
			ctx := context.Background()
			var created int
			episode := int64(0)
			b.ResetTimer()
			for b.Loop() {
				episode++ // fresh keys: every round queues everything
				err := d.Tx(ctx, func(tx *db.Tx) error {
					var err error
					created, err = svc.enqueueCallNotices(ctx, tx, episode, alerts.Heat, ns, nd)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if created != n+n/3 {
				b.Fatalf("%d jobs queued, want %d", created, n+n/3)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
			b.ReportMetric(float64(created), "jobs")
		})
	}
}
