package outbox_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/outbox"
)

// enqueue commits one job per key in a single transaction.
func enqueue(t testing.TB, d *db.DB, kind string, keys ...string) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		for _, k := range keys {
			if _, _, err := outbox.Enqueue(context.Background(), tx, outbox.Job{Kind: kind, Key: k, Payload: map[string]string{"k": k}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// enqueueEmails commits n mails keyed prefix-0… and returns the keys.
func enqueueEmails(t testing.TB, d *db.DB, prefix string, n int) []string {
	t.Helper()
	keys := make([]string, n)
	err := d.Tx(context.Background(), func(tx *db.Tx) error {
		for i := range keys {
			keys[i] = fmt.Sprintf("%s-%d", prefix, i)
			m := outbox.Email{To: fmt.Sprintf("person%d@example.org", i), Subject: fmt.Sprintf("Message %d", i),
				Text: "Bonjour\n", HTML: "<p>Bonjour</p>", Lang: "fr"}
			if _, _, err := outbox.EnqueueEmail(context.Background(), tx, keys[i], m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func job(t testing.TB, d *db.DB, key string) outbox.JobInfo {
	t.Helper()
	var id int64
	if err := d.QueryRow(context.Background(), "SELECT id FROM outbox_jobs WHERE idempotency_key = ?", key).Scan(&id); err != nil {
		t.Fatalf("job %s: %v", key, err)
	}
	j, err := outbox.Get(context.Background(), d, id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func countStatus(t testing.TB, d *db.DB, status string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM outbox_jobs WHERE status = ?", status).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// eventually polls cond until it holds or the deadline passes: verdicts
// never hang on a fixed sleep.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func noBackoff(int) time.Duration { return 0 }
