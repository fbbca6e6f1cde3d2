package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"
)

// idleClose is how long a connection stays open after the last mail: a
// batch reuses it, a quiet queue does not hold it.
const idleClose = 5 * time.Second

// SMTPMailer sends mails through an SMTP server, multipart plain text and
// HTML. It keeps one connection open between mails of a batch. Safe for
// concurrent use: mails go one at a time over the connection, and a send
// waiting for its turn gives up when its context ends.
type SMTPMailer struct {
	cfg    SMTPConfig
	client *gomail.Client

	turn chan struct{} // holds a token while the connection is in use
	conn *gosmtp.Client
	idle *time.Timer
}

// defaultSMTPTimeout bounds each stage of a send (connect; greeting, TLS
// and login; the mail itself), so a send ends within three times it: 30 s,
// the worker's default SendTimeout. go-mail watches the context only while
// connecting, so this is what keeps a send inside its lease.
const defaultSMTPTimeout = 10 * time.Second

// NewSMTPMailer checks cfg and prepares the client; nothing is dialled yet.
func NewSMTPMailer(cfg SMTPConfig) (*SMTPMailer, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultSMTPTimeout
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout)}
	if cfg.TLSConfig != nil {
		tc := cfg.TLSConfig.Clone()
		if tc.ServerName == "" {
			tc.ServerName = cfg.Host
		}
		opts = append(opts, gomail.WithTLSConfig(tc))
	}
	switch {
	case cfg.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case cfg.StartTLS == StartTLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case cfg.StartTLS == StartTLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.Username != "" {
		// The strongest mechanism the server offers; PLAIN and LOGIN only
		// over an encrypted connection.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP client: %w", err)
	}
	return &SMTPMailer{cfg: cfg, client: c, turn: make(chan struct{}, 1)}, nil
}

// Send delivers m. A bad recipient address or a recipient the server
// refuses for good (5xx) is a Permanent error; anything else is retried.
func (s *SMTPMailer) Send(ctx context.Context, m Email, messageID string) error {
	msg, err := s.build(m, messageID)
	if err != nil {
		return err
	}
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.turn }()
	if s.idle != nil {
		s.idle.Stop()
	}
	reused := s.conn != nil
	err = s.sendLocked(ctx, msg)
	if err != nil && reused && isConnCheck(err) {
		// The kept connection went stale (the server closed it); nothing
		// was sent on it, so a fresh one can try at once.
		err = s.sendLocked(ctx, msg)
	}
	if err != nil {
		s.dropLocked()
		if msg.IsDelivered() {
			return nil // the server took the mail; only the RSET after it failed
		}
		return classify(err)
	}
	s.idle = time.AfterFunc(idleClose, s.closeIdle)
	return nil
}

func (s *SMTPMailer) sendLocked(ctx context.Context, msg *gomail.Msg) error {
	if s.conn == nil || !s.conn.HasConnection() {
		s.conn = nil
		c, err := s.client.DialToSMTPClientWithContext(ctx)
		if err != nil {
			return fmt.Errorf("connect to %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
		}
		s.conn = c
	}
	err := s.client.SendWithSMTPClient(s.conn, msg)
	if err != nil && isConnCheck(err) {
		s.dropLocked()
	}
	return err
}

func (s *SMTPMailer) build(m Email, messageID string) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("sender address: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		// The address is not repeated: errors reach logs.
		return nil, Permanent(errors.New("the recipient address is not valid"))
	}
	// A line break in a subject must not start a header of its own.
	msg.Subject(strings.NewReplacer("\r", " ", "\n", " ").Replace(m.Subject))
	msg.SetMessageIDWithValue(strings.Trim(messageID, "<>"))
	msg.SetDate()
	if m.Lang != "" {
		msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	}
	// Tells vacation responders and the like not to answer.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// classify marks refusals that no retry will change.
func classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.Reason == gomail.ErrSMTPRcptTo {
		return Permanent(err)
	}
	return err
}

func isConnCheck(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.Reason == gomail.ErrConnCheck
}

// dropLocked closes the kept connection without a QUIT: after an error the
// server may not answer, and waiting for it would hold up the queue.
func (s *SMTPMailer) dropLocked() {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
}

// quitLocked closes the kept connection politely.
func (s *SMTPMailer) quitLocked() {
	if s.conn != nil {
		s.client.CloseWithSMTPClient(s.conn)
		s.dropLocked()
	}
}

func (s *SMTPMailer) closeIdle() {
	s.turn <- struct{}{}
	defer func() { <-s.turn }()
	s.quitLocked()
}

// Close ends the kept connection, if any.
func (s *SMTPMailer) Close() error {
	s.turn <- struct{}{}
	defer func() { <-s.turn }()
	if s.idle != nil {
		s.idle.Stop()
	}
	s.quitLocked()
	return nil
}
