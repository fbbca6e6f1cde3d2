package config

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := Parse(nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DataDir != "./data" || c.Demo || c.LogFormat != "text" || c.MaxBodyBytes != 1<<20 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestFlagBeatsVariable(t *testing.T) {
	e := env(map[string]string{"CV_ADDR": "127.0.0.1:9000", "CV_DEMO": "true", "CV_LOG_FORMAT": "json"})
	c, err := Parse([]string{"--addr", "127.0.0.1:9100"}, e, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9100" || !c.Demo || c.LogFormat != "json" {
		t.Fatalf("got %+v", c)
	}
}

func TestBadInputIsRefused(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "nonsense"}, nil, "host:port"},
		{[]string{"--database-url", "mysql://x"}, nil, "postgres://"},
		{[]string{"--base-url", "ftp://x"}, nil, "base-url"},
		{nil, map[string]string{"CV_LOG_FORMAT": "xml"}, "log-format"},
		{[]string{"--max-body-bytes", "12"}, nil, "max-body-bytes"},
		{[]string{"--shutdown-timeout", "soon"}, nil, "shutdown-timeout"},
		{[]string{"extra"}, nil, "unexpected argument"},
		{[]string{"--no-such-flag"}, nil, "not defined"},
		{nil, map[string]string{"CV_DEMO": "yes please"}, "demo must be true or false"},
		{[]string{"--demo=maybe"}, nil, "demo must be true or false"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		_, err := Parse(c.args, env(c.env), &stderr)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%v, %v) = %v, want an error about %q", c.args, c.env, err, c.want)
		}
	}
}

func TestHelp(t *testing.T) {
	var stderr bytes.Buffer
	_, err := Parse([]string{"-h"}, env(nil), &stderr)
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr.String(), "CV_DATABASE_URL") {
		t.Fatalf("help: %v\n%s", err, stderr.String())
	}
}

// A mistyped flag prints the usage; it must not print a password taken from
// the environment.
func TestUsageNeverShowsEnvironmentValues(t *testing.T) {
	var stderr bytes.Buffer
	e := env(map[string]string{"CV_DATABASE_URL": "postgres://cv:TOPSECRET@db/cv"})
	if _, err := Parse([]string{"--typo"}, e, &stderr); err == nil {
		t.Fatal("typo accepted")
	}
	if !strings.Contains(stderr.String(), "CV_DATABASE_URL") || strings.Contains(stderr.String(), "TOPSECRET") {
		t.Fatalf("usage:\n%s", stderr.String())
	}
}

func TestDemoFlagForms(t *testing.T) {
	for _, args := range [][]string{{"--demo"}, {"-demo"}, {"--demo=true"}, {"--demo", "--addr", "127.0.0.1:1"}} {
		c, err := Parse(args, env(nil), &bytes.Buffer{})
		if err != nil || !c.Demo {
			t.Errorf("%v: demo=%v err=%v", args, c.Demo, err)
		}
	}
	c, err := Parse([]string{"--demo=false"}, env(map[string]string{"CV_DEMO": "1"}), &bytes.Buffer{})
	if err != nil || c.Demo {
		t.Errorf("--demo=false over CV_DEMO=1: demo=%v err=%v", c.Demo, err)
	}
}
