package outbox_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
	"climatevolunteers/internal/outbox"
	"climatevolunteers/internal/outbox/smtptest"
)

const testFrom = "Climate Volunteers <noreply@example.org>"

func smtpMailer(t testing.TB, url string, tc *tls.Config) *outbox.SMTPMailer {
	t.Helper()
	cfg, err := outbox.ParseSMTPURL(url)
	if err != nil {
		t.Fatal(err)
	}
	cfg.TLSConfig = tc
	cfg.Timeout = 5 * time.Second
	m, err := outbox.NewSMTPMailer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func emailWorker(d *db.DB, m outbox.Mailer, opts outbox.WorkerOptions) *outbox.Worker {
	return outbox.NewWorker(d, map[string]outbox.Handler{outbox.KindEmail: outbox.NewEmailHandler(m, "example.org")}, opts)
}

// A mail queued in a transaction reaches a real SMTP server as multipart
// text and HTML, with its subject, language and a Message-ID derived from
// its key.
func TestSMTPMailerDeliversMultipart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t, smtptest.Options{})
		m := smtpMailer(t, srv.URL(testFrom), nil)
		mail := outbox.Email{To: "ada@example.org", Subject: "Vérifiez votre adresse – Climat",
			Text: "Bonjour Ada,\nOuvrez ce lien : https://example.org/verify?t=abc\n", HTML: "<p>Bonjour <b>Ada</b>, café</p>", Lang: "fr"}
		err := d.Tx(context.Background(), func(tx *db.Tx) error {
			_, _, err := outbox.EnqueueEmail(context.Background(), tx, "verify:user:7", mail)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		runOnce(t, emailWorker(d, m, outbox.WorkerOptions{}))
		got := srv.WaitFor(t, 1, 10*time.Second)[0]
		if got.Subject != mail.Subject || got.Text != mail.Text || got.HTML != mail.HTML {
			t.Fatalf("received subject %q\ntext %q\nhtml %q", got.Subject, got.Text, got.HTML)
		}
		if want := outbox.MessageID("verify:user:7", "example.org"); got.MessageID != want {
			t.Fatalf("Message-ID %q, want %q", got.MessageID, want)
		}
		if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative") {
			t.Fatalf("Content-Type %q", got.Header.Get("Content-Type"))
		}
		if got.From != "noreply@example.org" || len(got.To) != 1 || got.To[0] != "ada@example.org" {
			t.Fatalf("envelope %s -> %v", got.From, got.To)
		}
		if got.Header.Get("Content-Language") != "fr" || got.Header.Get("Auto-Submitted") != "auto-generated" ||
			!strings.Contains(got.Header.Get("From"), "noreply@example.org") {
			t.Fatalf("headers %v", got.Header)
		}
		if j := job(t, d, "verify:user:7"); j.Status != outbox.StatusDone {
			t.Fatalf("job %+v", j)
		}
	})
}

// The production path: STARTTLS required, then AUTH PLAIN; a wrong password
// fails, and a server without TLS is refused rather than sent to in clear.
func TestSMTPMailerStartTLSAndAuth(t *testing.T) {
	serverTLS, clientTLS := selfSignedTLS(t)
	srv := smtptest.Start(t, smtptest.Options{TLS: serverTLS, Username: "mailer", Password: "s3cret"})
	mail := outbox.Email{To: "bob@example.org", Subject: "Hello", Text: "Hi\n", Lang: "en"}
	ctx := context.Background()

	if err := smtpMailer(t, srv.URL(testFrom), clientTLS).Send(ctx, mail, "<one@example.org>"); err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 10*time.Second)[0]
	if got.MessageID != "<one@example.org>" || got.Text != "Hi\n" || got.HTML != "" {
		t.Fatalf("received %+v", got)
	}

	wrong := strings.Replace(srv.URL(testFrom), "s3cret", "guess", 1)
	err := smtpMailer(t, wrong, clientTLS).Send(ctx, mail, "<two@example.org>")
	if err == nil || outbox.IsPermanent(err) || strings.Contains(err.Error(), "guess") {
		t.Fatalf("wrong password: %v", err)
	}

	plain := smtptest.Start(t, smtptest.Options{})
	url := strings.Replace(plain.URL(testFrom), "starttls=none", "starttls=required", 1)
	if err := smtpMailer(t, url, clientTLS).Send(ctx, mail, "<three@example.org>"); err == nil {
		t.Fatal("sent without the required STARTTLS")
	}
	if srv.Count() != 1 || plain.Count() != 0 {
		t.Fatalf("mails received: %d and %d", srv.Count(), plain.Count())
	}
}

// A recipient the server refuses for good makes the job dead at once; the
// error is kept without the address.
func TestRejectedRecipientIsPermanent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t, smtptest.Options{RejectRcpt: func(to string) bool { return strings.HasPrefix(to, "person0@") }})
		enqueueEmails(t, d, "r", 2)
		runOnce(t, emailWorker(d, smtpMailer(t, srv.URL(testFrom), nil), outbox.WorkerOptions{}))
		j := job(t, d, "r-0")
		if j.Status != outbox.StatusDead || j.Attempts != 1 || !strings.Contains(j.LastError, "550") || strings.Contains(j.LastError, "person0") {
			t.Fatalf("rejected recipient: %+v", j)
		}
		// The connection stays usable for the next mail.
		if j := job(t, d, "r-1"); j.Status != outbox.StatusDone || srv.Count() != 1 {
			t.Fatalf("next mail: %+v, %d received", j, srv.Count())
		}
	})
}

// SMTP down: jobs stay queued with the error and a counted attempt; nothing
// is lost, and all go out, once each, when the server is back.
func TestSMTPUnreachableThenBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nobody listens there now
		keys := enqueueEmails(t, d, "down", 5)
		w := emailWorker(d, smtpMailer(t, "smtp://"+addr+"?from=noreply@example.org&starttls=none", nil),
			outbox.WorkerOptions{Backoff: noBackoff})
		runOnce(t, w)
		for _, k := range keys {
			j := job(t, d, k)
			if j.Status != outbox.StatusPending || j.Attempts != 1 || !strings.Contains(j.LastError, "connect to") {
				t.Fatalf("while down: %+v", j)
			}
		}
		srv := smtptest.StartAt(t, addr, smtptest.Options{})
		runOnce(t, w)
		msgs := srv.WaitFor(t, 5, 10*time.Second)
		assertOnce(t, msgs, keys)
		if n := countStatus(t, d, outbox.StatusDone); n != 5 {
			t.Fatalf("%d done", n)
		}
	})
}

// The acceptance test: a worker stopped in the middle of a batch, then a new
// worker, and every one of 200 mails arrives exactly once.
func TestStopMidBatchThenRestartDeliversEachOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := smtptest.Start(t, smtptest.Options{})
		keys := enqueueEmails(t, d, "segment", 200)
		mailer := smtpMailer(t, srv.URL(testFrom), nil)

		// The stop request comes while the 60th mail, in the middle of the
		// third batch of 25, is being sent.
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		stopAt60 := mailerFunc(func(sctx context.Context, e outbox.Email, id string) error {
			if calls++; calls == 60 {
				cancel()
			}
			return mailer.Send(sctx, e, id)
		})
		first := emailWorker(d, stopAt60, outbox.WorkerOptions{ID: "first", Batch: 25})
		stopped := make(chan error)
		go func() { stopped <- first.Run(ctx) }()
		select {
		case err := <-stopped:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the worker did not stop")
		}
		sent := srv.Count()
		if sent != 60 {
			t.Fatalf("%d mails received when the first worker stopped, want 60 (the one in flight finished, no more)", sent)
		}
		// Nothing is left leased: the next worker can take everything now.
		var leased int
		if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM outbox_jobs WHERE locked_until IS NOT NULL AND status = 'pending'").Scan(&leased); err != nil {
			t.Fatal(err)
		}
		if leased != 0 || countStatus(t, d, outbox.StatusDone) != sent {
			t.Fatalf("after the stop: %d leased, %d done, %d received", leased, countStatus(t, d, outbox.StatusDone), sent)
		}
		ctx2, cancel2 := context.WithCancel(context.Background())
		defer cancel2()
		second := emailWorker(d, mailer, outbox.WorkerOptions{ID: "second", Batch: 25})
		go second.Run(ctx2)
		srv.WaitFor(t, 200, 60*time.Second)
		eventually(t, 10*time.Second, "all jobs recorded done", func() bool { return countStatus(t, d, outbox.StatusDone) == 200 })
		cancel2()
		assertOnce(t, srv.Messages(), keys)
	})
}

type mailerFunc func(ctx context.Context, e outbox.Email, messageID string) error

func (f mailerFunc) Send(ctx context.Context, e outbox.Email, messageID string) error {
	return f(ctx, e, messageID)
}

// assertOnce checks that exactly the mails of keys arrived, each once.
func assertOnce(t *testing.T, msgs []smtptest.Message, keys []string) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range msgs {
		seen[m.MessageID]++
	}
	for _, k := range keys {
		id := outbox.MessageID(k, "example.org")
		if seen[id] != 1 {
			t.Errorf("mail %s (%s) arrived %d times", k, id, seen[id])
		}
		delete(seen, id)
	}
	if len(seen) != 0 {
		t.Errorf("unexpected mails: %v", seen)
	}
}

// The log mailer notes the mail without recipient or body.
func TestLogMailerKeepsPersonalDataOutOfTheLog(t *testing.T) {
	var buf bytes.Buffer
	m := outbox.NewLogMailer(slog.New(slog.NewTextHandler(&buf, nil)))
	err := m.Send(context.Background(), outbox.Email{To: "ada@example.org", Subject: "Votre lien de connexion",
		Text: "https://example.org/signin?token=SECRET", HTML: "<a href=\"?token=SECRET\">x</a>", Lang: "fr"}, "<abc@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "abc@example.org") || !strings.Contains(out, "Votre lien de connexion") {
		t.Fatalf("log lacks message id or subject: %s", out)
	}
	if strings.Contains(out, "ada@") || strings.Contains(out, "SECRET") {
		t.Fatalf("log holds personal data: %s", out)
	}
}

// selfSignedTLS makes a certificate for 127.0.0.1 and a client config that
// trusts it.
func selfSignedTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	server = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	return server, &tls.Config{RootCAs: pool}
}

// A kept connection the server has since closed is replaced at once: the
// mail goes out on a fresh one, with no failed attempt.
func TestSMTPMailerRedialsAStaleConnection(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	addr := srv.Addr()
	m := smtpMailer(t, srv.URL(testFrom), nil)
	ctx := context.Background()
	mail := outbox.Email{To: "ada@example.org", Subject: "One", Text: "1\n"}
	if err := m.Send(ctx, mail, "<1@example.org>"); err != nil {
		t.Fatal(err)
	}
	srv.Close() // drops the kept connection
	again := smtptest.StartAt(t, addr, smtptest.Options{})
	if err := m.Send(ctx, mail, "<2@example.org>"); err != nil {
		t.Fatalf("send over a stale connection: %v", err)
	}
	if got := again.WaitFor(t, 1, 10*time.Second)[0].MessageID; got != "<2@example.org>" {
		t.Fatalf("received %s", got)
	}
}

// A subject cannot smuggle in headers.
func TestSMTPMailerKeepsTheSubjectOnOneLine(t *testing.T) {
	srv := smtptest.Start(t, smtptest.Options{})
	m := smtpMailer(t, srv.URL(testFrom), nil)
	err := m.Send(context.Background(), outbox.Email{To: "ada@example.org", Subject: "Hi\r\nBcc: eve@example.org", Text: "x"}, "<s@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(t, 1, 10*time.Second)[0]
	if got.Header.Get("Bcc") != "" || got.Subject != "Hi  Bcc: eve@example.org" || len(got.To) != 1 {
		t.Fatalf("subject %q, Bcc %q, to %v", got.Subject, got.Header.Get("Bcc"), got.To)
	}
}
