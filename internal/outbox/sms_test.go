package outbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"climatevolunteers/internal/outbox"
)

const (
	testPhone = "+33612345678"
	testToken = "s3cr3t-gateway-token"
)

// gateway answers every message with status and records what it got.
func gateway(t *testing.T, status int) (*httptest.Server, *[]outbox.SMS) {
	t.Helper()
	var got []outbox.SMS
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" ||
			r.URL.Query().Get("token") != testToken {
			t.Errorf("gateway got %s %s, %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		var m outbox.SMS
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			t.Errorf("gateway body: %v", err)
		}
		got = append(got, m)
		w.WriteHeader(status)
		io.WriteString(w, `{"echo":"`+m.To+`"}`)
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func TestHTTPSMSSenderOutcomes(t *testing.T) {
	for _, c := range []struct {
		status          int
		ok, permanent   bool
		name, errSubstr string
	}{
		{200, true, false, "sent", ""},
		{202, true, false, "accepted", ""},
		{400, false, true, "refused", "refused the message (400)"},
		{404, false, true, "unknown route", "(404)"},
		{429, false, false, "rate limited: later", "busy (429)"},
		{500, false, false, "gateway down: retry", ": 500"},
		{503, false, false, "unavailable: retry", ": 503"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, got := gateway(t, c.status)
			s, err := outbox.NewHTTPSMSSender(srv.URL + "/send?token=" + testToken)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(t.Context(), outbox.SMS{To: testPhone, Text: "Canicule : point d'eau ouvert"})
			if (err == nil) != c.ok || outbox.IsPermanent(err) != c.permanent {
				t.Fatalf("status %d: err %v (permanent %v)", c.status, err, outbox.IsPermanent(err))
			}
			if len(*got) != 1 || (*got)[0].To != testPhone || (*got)[0].Text != "Canicule : point d'eau ouvert" {
				t.Fatalf("gateway received %+v", *got)
			}
			if err != nil {
				if !strings.Contains(err.Error(), c.errSubstr) {
					t.Errorf("error %q lacks %q", err, c.errSubstr)
				}
				noSecrets(t, err.Error())
			}
		})
	}
}

// A gateway that cannot be reached is retried, and the error (which admins
// read in last_error) shows neither the token nor the number.
func TestHTTPSMSSenderNetworkFailure(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	s, err := outbox.NewHTTPSMSSender(addr + "/send?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), outbox.SMS{To: testPhone, Text: "x"})
	if err == nil || outbox.IsPermanent(err) {
		t.Fatalf("unreachable gateway: %v", err)
	}
	noSecrets(t, err.Error())
}

func TestHTTPSMSSenderRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "gateway.example/send", "ftp://gateway.example/", "https://", "https://gw.example/%zz?token=" + testToken} {
		_, err := outbox.NewHTTPSMSSender(u)
		if err == nil {
			t.Errorf("%q accepted", u)
			continue
		}
		noSecrets(t, err.Error())
	}
}

func noSecrets(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{testToken, testPhone, "612345678"} {
		if strings.Contains(s, secret) {
			t.Errorf("%q reveals %q", s, secret)
		}
	}
}

type recordingSender struct{ got []outbox.SMS }

func (r *recordingSender) Send(_ context.Context, m outbox.SMS) error {
	r.got = append(r.got, m)
	return nil
}

func TestSMSHandler(t *testing.T) {
	rec := &recordingSender{}
	h := outbox.NewSMSHandler(rec)
	payload, _ := json.Marshal(outbox.SMS{To: testPhone, Text: "Bonjour"})
	if err := h.Handle(t.Context(), outbox.Claimed{ID: 7, Kind: outbox.KindSMS, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	if len(rec.got) != 1 || rec.got[0].To != testPhone {
		t.Fatalf("sender got %+v", rec.got)
	}
	for _, bad := range []string{`{"to":"","text":"x"}`, `not json`} {
		err := h.Handle(t.Context(), outbox.Claimed{ID: 8, Kind: outbox.KindSMS, Payload: json.RawMessage(bad)})
		if !outbox.IsPermanent(err) {
			t.Errorf("payload %s: %v, want a permanent error", bad, err)
		}
	}
}

// Without a gateway the log shows that a message left, never its number or
// text.
func TestLogSMSSender(t *testing.T) {
	var buf bytes.Buffer
	h := outbox.NewSMSHandler(outbox.NewLogSMSSender(slog.New(slog.NewJSONHandler(&buf, nil))))
	payload, _ := json.Marshal(outbox.SMS{To: testPhone, Text: "Réunion jeudi"})
	if err := h.Handle(t.Context(), outbox.Claimed{ID: 42, Kind: outbox.KindSMS, Payload: payload}); err != nil {
		t.Fatal(err)
	}
	line := buf.String()
	if !strings.Contains(line, `"job":42`) || !strings.Contains(line, `"length":13`) {
		t.Errorf("log line %s", line)
	}
	if strings.Contains(line, "612345678") || strings.Contains(line, "Réunion") {
		t.Errorf("log line reveals the message: %s", line)
	}
}

func TestScrubSMS(t *testing.T) {
	payload, _ := json.Marshal(outbox.SMS{To: testPhone, Text: "Bonjour"})
	out, ok := outbox.ScrubSMS(outbox.Claimed{Kind: outbox.KindSMS, Payload: payload})
	if !ok || strings.Contains(string(out), "612345678") || !strings.Contains(string(out), "78") {
		t.Fatalf("scrubbed %s %v", out, ok)
	}
	if _, ok := outbox.ScrubSMS(outbox.Claimed{Kind: outbox.KindEmail, Payload: payload}); ok {
		t.Error("a mail was scrubbed as an SMS")
	}
}
