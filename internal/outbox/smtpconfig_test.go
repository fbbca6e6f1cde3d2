package outbox_test

import (
	"strings"
	"testing"

	"climatevolunteers/internal/outbox"
)

func TestParseSMTPURL(t *testing.T) {
	c, err := outbox.ParseSMTPURL("smtp://mailer%40asso.org:s3cr%2Ft@mail.asso.org?from=Climat%20B%C3%A9n%C3%A9voles%20%3Cnoreply@asso.org%3E")
	if err != nil {
		t.Fatal(err)
	}
	want := outbox.SMTPConfig{Host: "mail.asso.org", Port: 587, Username: "mailer@asso.org", Password: "s3cr/t",
		From: "Climat Bénévoles <noreply@asso.org>", StartTLS: outbox.StartTLSRequired}
	if c != want {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
	if r := c.Redacted(); strings.Contains(r, "s3cr") || !strings.Contains(r, "xxxxx") {
		t.Fatalf("Redacted shows the password: %s", r)
	}

	c, err = outbox.ParseSMTPURL("smtps://u:p@smtp.example.org?from=a@example.org")
	if err != nil || !c.ImplicitTLS || c.Port != 465 {
		t.Fatalf("smtps: %+v %v", c, err)
	}
	c, err = outbox.ParseSMTPURL("smtp://127.0.0.1:2525?from=a@example.org&starttls=none")
	if err != nil || c.Port != 2525 || c.StartTLS != outbox.StartTLSNone || c.Username != "" {
		t.Fatalf("local relay: %+v %v", c, err)
	}
	c, err = outbox.ParseSMTPURL("smtp://u:p@h:25?from=a@example.org&starttls=opportunistic")
	if err != nil || c.StartTLS != outbox.StartTLSOpportunistic {
		t.Fatalf("opportunistic: %+v %v", c, err)
	}
}

func TestParseSMTPURLRefusesClearly(t *testing.T) {
	const secret = "Hunter2pw"
	for raw, want := range map[string]string{
		"http://h?from=a@example.org":                     "smtp:// or smtps://",
		"smtp://?from=a@example.org":                      "no host",
		"smtp:h?from=a@example.org":                       "no host",
		"smtp://h:0?from=a@example.org":                   "port",
		"smtp://h:99999?from=a@example.org":               "port",
		"smtp://u:" + secret + "@h:x?from=a@example.org":  "cannot be parsed",
		"smtp://u:" + secret + "%zz@h?from=a@example.org": "cannot be parsed",
		"smtp://h/path?from=a@example.org":                "path",
		"smtp://u@h?from=a@example.org":                   "user name and a password",
		"smtp://:" + secret + "@h?from=a@example.org":     "user name and a password",
		"smtp://h":                                                   "from=",
		"smtp://h?from=not-an-address":                               "not an email address",
		"smtp://h?from=a@example.org&starttls=yes":                   "required, opportunistic or none",
		"smtp://h?from=a@example.org&tls=on":                         "unknown parameter",
		"smtp://h?from=a@example.org&from=b@example.org":             "more than once",
		"smtps://h?from=a@example.org&starttls=none":                 "does not apply",
		"smtp://u:" + secret + "@h?from=a@example.org&starttls=none": "unencrypted",
	} {
		_, err := outbox.ParseSMTPURL(raw)
		if err == nil {
			t.Errorf("%s: accepted", raw)
			continue
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %q does not say %q", raw, err, want)
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: error repeats the password: %q", raw, err)
		}
	}
}
