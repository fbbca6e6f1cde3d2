package outbox

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"strings"

	"climatevolunteers/internal/db"
)

// KindEmail is the job kind of mails.
const KindEmail = "email"

// Email is a mail ready to send, stored as the job's payload.
type Email struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
	Lang    string `json:"lang"`
}

// Mailer delivers one mail. messageID is the same on every try of a job, so
// a mail sent twice (a crash between the send and its record) can be
// recognised by the receiving side.
type Mailer interface {
	Send(ctx context.Context, m Email, messageID string) error
}

// EnqueueEmail queues m in the caller's transaction under key.
func EnqueueEmail(ctx context.Context, tx *db.Tx, key string, m Email) (int64, bool, error) {
	if strings.TrimSpace(m.To) == "" {
		return 0, false, errors.New("outbox: an email needs a recipient")
	}
	return Enqueue(ctx, tx, Job{Kind: KindEmail, Key: key, Payload: m})
}

// MessageID derives a mail's Message-ID from its job's idempotency key:
// "<32 hex digits@domain>". domain is the site's host; empty gives
// "climatevolunteers".
func MessageID(key, domain string) string {
	if domain == "" {
		domain = "climatevolunteers"
	}
	sum := sha256.Sum256([]byte(key))
	return "<" + hex.EncodeToString(sum[:16]) + "@" + domain + ">"
}

// NewEmailHandler delivers "email" jobs through m, with Message-IDs under
// domain (see MessageID).
func NewEmailHandler(m Mailer, domain string) Handler {
	return HandlerFunc(func(ctx context.Context, job Claimed) error {
		var e Email
		if err := job.Decode(&e); err != nil {
			return err
		}
		return m.Send(ctx, e, MessageID(job.Key, domain))
	})
}

// LogMailer is the mailer used when no SMTP server is configured: it only
// notes that a mail went out. Recipient and body stay out of the log (they
// are personal data and may hold sign-in links); admins read the whole mail
// on the outbox page.
type LogMailer struct{ Log *slog.Logger }

// NewLogMailer writes to log.
func NewLogMailer(log *slog.Logger) *LogMailer { return &LogMailer{Log: log} }

// Send logs the Message-ID, subject and language.
func (l *LogMailer) Send(ctx context.Context, m Email, messageID string) error {
	l.Log.InfoContext(ctx, "mail not sent (no SMTP server configured); read it on /admin/outbox",
		"message_id", messageID, "subject", m.Subject, "lang", m.Lang)
	return nil
}

// ScrubEmailBody keeps a delivered mail's recipient, subject and language
// and drops its body: the links it carried (sign-in, reset) must not stay
// readable in the database or its backups once the mail has left.
func ScrubEmailBody(j Claimed) (json.RawMessage, bool) {
	if j.Kind != KindEmail {
		return nil, false
	}
	var e Email
	if json.Unmarshal(j.Payload, &e) != nil {
		return nil, false
	}
	e.Text, e.HTML = "", ""
	b, err := json.Marshal(e)
	return b, err == nil
}

var tokenInLink = regexp.MustCompile(`token=[A-Za-z0-9_-]+`)

// MaskTokens hides the secret part of links, for pages that show mails.
func MaskTokens(s string) string { return tokenInLink.ReplaceAllString(s, "token=…") }
