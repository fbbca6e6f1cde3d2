package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/outbox/smtptest"
)

func benchMail(i int) outbox.Email {
	return outbox.Email{To: fmt.Sprintf("person%d@example.org", i), Subject: "Nettoyage du canal samedi",
		Text: "Bonjour,\n\nRendez-vous samedi à 10 h au pont.\n", HTML: "<p>Bonjour,</p><p>Rendez-vous samedi à 10 h au pont.</p>", Lang: "fr"}
}

// BenchmarkEnqueue: one mail queued in its own transaction, as a sign-up
// or a password reset does.
func BenchmarkEnqueue(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				err := d.Tx(ctx, func(tx *db.Tx) error {
					_, _, err := outbox.EnqueueEmail(ctx, tx, fmt.Sprint("bench-", i), benchMail(i))
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEnqueue15000: a message to a segment of 15,000 volunteers,
// queued in transactions of 500 mails.
func BenchmarkEnqueue15000(b *testing.B) {
	const total, perTx = 15000, 500
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ctx := context.Background()
			round := 0
			for b.Loop() {
				round++
				for start := 0; start < total; start += perTx {
					err := d.Tx(ctx, func(tx *db.Tx) error {
						for i := start; i < start+perTx; i++ {
							key := fmt.Sprintf("segment:%d:%d", round, i)
							if _, _, err := outbox.EnqueueEmail(ctx, tx, key, benchMail(i)); err != nil {
								return err
							}
						}
						return nil
					})
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/15000")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkEnqueueMany15000: the same segment through EnqueueMany, one
// multi-row INSERT per 500 mails, all in one transaction.
func BenchmarkEnqueueMany15000(b *testing.B) {
	const total = 15000
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			ctx := context.Background()
			round := 0
			for b.Loop() {
				round++
				jobs := make([]outbox.Job, total)
				for i := range jobs {
					jobs[i] = outbox.Job{Kind: outbox.KindEmail, Key: fmt.Sprintf("segment:%d:%d", round, i), Payload: benchMail(i)}
				}
				err := d.Tx(ctx, func(tx *db.Tx) error {
					_, err := outbox.EnqueueMany(ctx, tx, jobs)
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/15000")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkThroughputSMTP: mails per second from the queue to a local SMTP
// server (go-smtp in this process), one worker, with a batch of 10 (the
// default) and of 50.
func BenchmarkThroughputSMTP(b *testing.B) {
	const n = 1000
	for _, e := range dbtest.Engines() {
		for _, batch := range []int{10, 50} {
			b.Run(fmt.Sprintf("%s/batch=%d", e, batch), func(b *testing.B) {
				d := dbtest.Open(b, e)
				srv := smtptest.Start(b, smtptest.Options{})
				mailer := smtpMailer(b, srv.URL(testFrom), nil)
				w := emailWorker(d, mailer, outbox.WorkerOptions{Batch: batch})
				round, sent := 0, 0
				var busy time.Duration
				for b.Loop() {
					b.StopTimer()
					round++
					enqueueEmails(b, d, fmt.Sprint("t", round), n)
					b.StartTimer()
					start := time.Now()
					for {
						got, err := w.RunOnce(context.Background())
						if err != nil {
							b.Fatal(err)
						}
						if got == 0 {
							break
						}
					}
					busy += time.Since(start)
					sent += n
				}
				if srv.Count() != sent {
					b.Fatalf("%d mails received, %d sent", srv.Count(), sent)
				}
				b.ReportMetric(float64(sent)/busy.Seconds(), "mails/s")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}
