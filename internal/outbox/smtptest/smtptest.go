// Package smtptest runs a real SMTP server (emersion/go-smtp) inside a test
// process and keeps every mail it receives, so tests can read what the
// platform sent: the subject, the Message-ID, the text and HTML parts.
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options shape the server; the zero value accepts every mail over plain
// text, without authentication.
type Options struct {
	// TLS, when set, offers STARTTLS with this certificate.
	TLS *tls.Config
	// Username and Password, when set, require AUTH PLAIN before MAIL.
	Username, Password string
	// RejectRcpt, when it returns true, refuses a recipient for good (550).
	RejectRcpt func(to string) bool
}

// Server is a running SMTP server.
type Server struct {
	opts Options
	srv  *smtp.Server
	ln   net.Listener

	mu       sync.Mutex
	messages []Message
	arrived  chan struct{} // closed and replaced at each new mail
}

// Start listens on a free port of 127.0.0.1 until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	return StartAt(t, "127.0.0.1:0", opts)
}

// StartAt listens on addr (a test that first sees the server down reserves
// a port, then starts the server on it).
func StartAt(t testing.TB, addr string, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen %s: %v", addr, err)
	}
	s := &Server{opts: opts, ln: ln, arrived: make(chan struct{})}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.TLSConfig = opts.TLS
	s.srv.AllowInsecureAuth = opts.TLS == nil
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	go s.srv.Serve(ln)
	t.Cleanup(s.Close)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URL is an smtp:// URL for this server with the given sender: plain text
// without TLS, STARTTLS required with it, and the credentials if any.
func (s *Server) URL(from string) string {
	u := url.URL{Scheme: "smtp", Host: s.Addr()}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	tlsMode := "none"
	if s.opts.TLS != nil {
		tlsMode = "required"
	}
	u.RawQuery = url.Values{"from": {from}, "starttls": {tlsMode}}.Encode()
	return u.String()
}

// Close stops the server; mails already received stay readable.
func (s *Server) Close() { s.srv.Close() }

// Messages returns a copy of the mails received so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Count is the number of mails received so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// WaitFor waits until at least n mails arrived and returns them all; it
// fails the test after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, ch := len(s.messages), s.arrived
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("smtptest: %d mails received after %v, want %d", got, timeout, n)
		}
	}
}

func (s *Server) store(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.arrived)
	s.arrived = make(chan struct{})
}

// session is one SMTP conversation.
type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (se *session) AuthMechanisms() []string {
	if se.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if se.s.opts.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != se.s.opts.Username || password != se.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.Username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.s.opts.RejectRcpt != nil && se.s.opts.RejectRcpt(to) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user here"}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if se.from == "" || len(se.to) == 0 {
		return errors.New("smtptest: DATA without sender or recipient")
	}
	m, err := parse(se.from, se.to, data)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "unreadable message: " + err.Error()}
	}
	se.s.store(m)
	return nil
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }
