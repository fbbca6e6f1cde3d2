package outbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"
)

// KindSMS is the job kind of text messages.
const KindSMS = "sms"

// SMS is a text message ready to send, stored as the job's payload.
type SMS struct {
	To   string `json:"to"`   // international form, +33…
	Text string `json:"text"` // plain text; the gateway splits long ones
}

// SMSSender delivers one text message. Errors are retried unless wrapped
// with Permanent.
type SMSSender interface {
	Send(ctx context.Context, m SMS) error
}

type smsJobKey struct{}

// NewSMSHandler delivers "sms" jobs through s.
func NewSMSHandler(s SMSSender) Handler {
	return HandlerFunc(func(ctx context.Context, job Claimed) error {
		var m SMS
		if err := job.Decode(&m); err != nil {
			return err
		}
		if m.To == "" {
			return Permanent(errors.New("sms: no recipient"))
		}
		// Senders may name the job in their logs; the job, not the number.
		return s.Send(context.WithValue(ctx, smsJobKey{}, job.ID), m)
	})
}

// smsTimeout bounds one call to the gateway, well inside the worker's send
// limit, so a hung gateway costs a retry rather than the lease.
const smsTimeout = 10 * time.Second

// HTTPSMSSender posts {"to", "text"} as JSON to a gateway URL, which
// usually carries its access token in the query string. A 2xx answer means
// sent; 4xx means the gateway refuses this message for good (except 408 and
// 429, which ask to come back later); 5xx and network failures are retried.
type HTTPSMSSender struct {
	url    string
	host   string // the only part of the URL errors may show
	client *http.Client
}

// NewHTTPSMSSender checks the gateway URL (CV_SMS_URL). Errors never repeat
// the URL: it holds a secret.
func NewHTTPSMSSender(rawURL string) (*HTTPSMSSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("sms-url must be an http:// or https:// address")
	}
	return &HTTPSMSSender{url: rawURL, host: u.Host, client: &http.Client{
		Timeout: smsTimeout,
		// A redirect could carry the message to another host: refuse it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// Send posts m to the gateway.
func (s *HTTPSMSSender) Send(ctx context.Context, m SMS) error {
	body, err := json.Marshal(m)
	if err != nil {
		return Permanent(err)
	}
	ctx, cancel := context.WithTimeout(ctx, smsTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(fmt.Errorf("sms gateway %s: bad request", s.host))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		// *url.Error prints the whole URL, token included: keep its cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("sms gateway %s: %w", s.host, err)
	}
	// Drain a little so the connection can be reused; gateways' bodies are
	// not read further (they may echo the number).
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		return fmt.Errorf("sms gateway %s: busy (%d)", s.host, code)
	case code >= 400 && code < 500:
		return Permanent(fmt.Errorf("sms gateway %s refused the message (%d)", s.host, code))
	default:
		return fmt.Errorf("sms gateway %s: %d", s.host, code)
	}
}

// LogSMSSender is the sender used when no gateway is configured: it notes
// that a message went out, with its job and length only. The number and
// text stay out of the log (personal data); admins read them on the outbox
// page.
type LogSMSSender struct{ Log *slog.Logger }

// NewLogSMSSender writes to log.
func NewLogSMSSender(log *slog.Logger) *LogSMSSender { return &LogSMSSender{Log: log} }

// Send logs the job id and the text's length in characters.
func (l *LogSMSSender) Send(ctx context.Context, m SMS) error {
	job, _ := ctx.Value(smsJobKey{}).(int64)
	l.Log.InfoContext(ctx, "SMS not sent (no gateway configured); read it on /admin/outbox",
		"job", job, "length", utf8.RuneCountInString(m.Text))
	return nil
}

// ScrubSMS keeps the last two digits of a delivered text message's number:
// enough for admins to tell messages apart, not to call anyone. It composes
// with ScrubEmailBody in WorkerOptions.Scrub.
func ScrubSMS(j Claimed) (json.RawMessage, bool) {
	if j.Kind != KindSMS {
		return nil, false
	}
	var m SMS
	if json.Unmarshal(j.Payload, &m) != nil {
		return nil, false
	}
	if n := len(m.To); n > 2 {
		m.To = "…" + m.To[n-2:]
	}
	b, err := json.Marshal(m)
	return b, err == nil
}
