package outbox

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// STARTTLS modes of an smtp:// URL.
const (
	StartTLSRequired      = "required"      // refuse to send unless the connection is encrypted
	StartTLSOpportunistic = "opportunistic" // encrypt when the server offers it
	StartTLSNone          = "none"          // plain text: only for a relay on the same machine
)

// SMTPConfig says how to reach the mail server. Build it with ParseSMTPURL.
type SMTPConfig struct {
	Host        string
	Port        int
	Username    string
	Password    string
	From        string // "Name <address>" or a bare address
	StartTLS    string // one of the StartTLS modes; ignored with ImplicitTLS
	ImplicitTLS bool   // smtps://: TLS from the first byte (port 465)
	// TLSConfig overrides the TLS settings (tests trust their own CA);
	// nil means the system's roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // of each stage of a send; 10 s when zero (see defaultSMTPTimeout)
}

// ParseSMTPURL reads smtp://user:pass@host:port?from=ADDRESS&starttls=MODE
// (or smtps://… for TLS on connect). Errors never repeat the password.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	var c SMTPConfig
	u, err := url.Parse(raw)
	if err != nil {
		// url's own message may quote part of the password.
		return c, errors.New("SMTP URL cannot be parsed (percent-encode special characters in the user name and password)")
	}
	switch u.Scheme {
	case "smtp":
		c.Port = 587
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return c, errors.New("SMTP URL must start with smtp:// or smtps://")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return c, errors.New("SMTP URL has no host (smtp://host:port?from=...)")
	}
	c.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, errors.New("SMTP URL port must be a number from 1 to 65535")
		}
		c.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return c, errors.New("SMTP URL must not have a path")
	}
	if u.User != nil {
		c.Username = u.User.Username()
		pw, ok := u.User.Password()
		if c.Username == "" || !ok {
			return c, errors.New("SMTP URL needs both a user name and a password, or neither")
		}
		c.Password = pw
	}
	if err := c.readQuery(u.RawQuery); err != nil {
		return c, err
	}
	return c, nil
}

func (c *SMTPConfig) readQuery(rawQuery string) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return errors.New("SMTP URL parameters cannot be parsed")
	}
	for k, v := range q {
		if k != "from" && k != "starttls" {
			return fmt.Errorf("SMTP URL has an unknown parameter %q (known: from, starttls)", k)
		}
		if len(v) > 1 {
			return fmt.Errorf("SMTP URL gives %q more than once", k)
		}
	}
	c.From = strings.TrimSpace(q.Get("from"))
	if c.From == "" {
		return errors.New("SMTP URL needs the sender address: add ?from=noreply@example.org")
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("SMTP URL from=%q is not an email address", c.From)
	}
	c.StartTLS = q.Get("starttls")
	switch {
	case c.ImplicitTLS && c.StartTLS != "":
		return errors.New("SMTP URL: starttls does not apply to smtps://, which is encrypted from the start")
	case c.ImplicitTLS:
	case c.StartTLS == "":
		c.StartTLS = StartTLSRequired
	case c.StartTLS != StartTLSRequired && c.StartTLS != StartTLSOpportunistic && c.StartTLS != StartTLSNone:
		return fmt.Errorf("SMTP URL starttls=%q: use required, opportunistic or none", c.StartTLS)
	}
	if c.StartTLS == StartTLSNone && c.Username != "" {
		return errors.New("SMTP URL would send the password unencrypted (starttls=none): use starttls=required or smtps://")
	}
	return nil
}

// Redacted is the URL with the password masked, for logs.
func (c SMTPConfig) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "xxxxx")
	}
	q := url.Values{"from": {c.From}}
	if !c.ImplicitTLS {
		q.Set("starttls", c.StartTLS)
	}
	u.RawQuery = q.Encode()
	return u.String()
}
