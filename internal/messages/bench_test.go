package messages_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/volunteers"
)

// BenchmarkSendTo15000 sends a message to the whole city: 15,000
// volunteers, half by email and a tenth by SMS, all in one transaction
// (message, 15,000 inbox rows, 9,000 outbox jobs with rendered mails).
func BenchmarkSendTo15000(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ids := addUsers(b, d, "bench", 15000)
			rs := make([]volunteers.Recipient, len(ids))
			for i, id := range ids {
				rs[i] = volunteers.Recipient{UserID: id, DisplayName: fmt.Sprintf("Volontaire %d", i), Lang: []string{"fr", "en"}[i%2]}
				if i%2 == 0 {
					rs[i].Email = fmt.Sprintf("bench-%d@example.org", i)
				}
				if i%10 == 0 {
					rs[i].Phone = fmt.Sprintf("+336%08d", i)
				}
			}
			svc := newService(b, d, &fakeAudience{rs: rs}, nil)
			body := strings.Repeat("Rendez-vous samedi au jardin partagé, gants et outils fournis.\n", 20)
			b.ResetTimer()
			start := time.Now()
			for i := 0; b.Loop(); i++ {
				dr := draft(ids[0])
				dr.Subject, dr.Body = fmt.Sprintf("Message %d", i), body
				if _, err := svc.Send(b.Context(), dr); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/send")
		})
	}
}
