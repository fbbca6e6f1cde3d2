// Package config reads the server's settings from flags and CV_* variables
// (a flag wins over its variable) and validates them before anything starts.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything `serve` needs.
type Config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string
	BaseURL         string
	Demo            bool
	LogFormat       string // text or json
	LogLevel        string // debug, info, warn, error
	MaxBodyBytes    int64
	MaxUploadBytes  int64 // largest multipart (file upload) body
	ShutdownTimeout time.Duration
	DigestInterval  time.Duration // how often initiative updates are gathered into digest mails
	CityName        string
	MetricsToken    string // when set, /metrics asks for it as a bearer token
	SMTPURL         string // smtp://user:pass@host:port?from=...; empty: mails go to the log and the admin outbox page
	TrustProxy      bool   // take the client address from X-Forwarded-For (behind a reverse proxy)
	SMSURL          string // HTTP SMS gateway; empty: text messages are logged (no number, no text)
	// SecretKey (CV_SECRET_KEY, environment only) holds the keys that seal
	// the registry's personal fields; empty: a key file in DataDir.
	SecretKey string
}

// Secure reports whether the site is served over https (Secure cookies, HSTS).
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Setting documents one flag and its variable; the README's configuration
// table lists the same.
type Setting struct {
	Flag, Env, Default, Usage string
}

// Settings lists every serve setting.
var Settings = []Setting{
	{"addr", "CV_ADDR", "127.0.0.1:8080", "address to listen on (host:port)"},
	{"data-dir", "CV_DATA_DIR", "./data", "folder for the SQLite database and backups"},
	{"database-url", "CV_DATABASE_URL", "", "postgres://user:pass@host:5432/db to use PostgreSQL instead of SQLite"},
	{"base-url", "CV_BASE_URL", "", "public address of the site, e.g. https://volontaires.paris.fr (https turns on Secure cookies and HSTS)"},
	{"demo", "CV_DEMO", "false", "load the Paris demo data into an empty database"},
	{"log-format", "CV_LOG_FORMAT", "text", "text or json"},
	{"log-level", "CV_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"max-body-bytes", "CV_MAX_BODY_BYTES", "1048576", "largest request body accepted, in bytes"},
	{"max-upload-bytes", "CV_MAX_UPLOAD_BYTES", "8388608", "largest file upload request accepted, in bytes (images are then limited to 5 MiB)"},
	{"shutdown-timeout", "CV_SHUTDOWN_TIMEOUT", "30s", "how long requests in flight may take to finish on SIGTERM"},
	{"digest-interval", "CV_DIGEST_INTERVAL", "1h", "how often news from initiatives is gathered into one digest mail per person"},
	{"city", "CV_CITY_NAME", "Paris", "name of the city this instance serves"},
	{"metrics-token", "CV_METRICS_TOKEN", "", "when set, GET /metrics asks for Authorization: Bearer <token>"},
	{"smtp-url", "CV_SMTP_URL", "", "smtp://user:pass@host:587?from=noreply@example.org to send mail (else mails are logged and shown to admins)"},
	{"sms-url", "CV_SMS_URL", "", "https://gateway.example/send?token=... to send text messages (else they are logged without number or text)"},
	{"trust-proxy", "CV_TRUST_PROXY", "false", "read the client address from X-Forwarded-For (only behind a reverse proxy)"},
}

// ErrHelp is returned when -h or --help was asked for.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the program and subcommand names) and the
// environment through getenv. Usage and errors go to stderr. Usage shows the
// built-in defaults, never the environment's values, which may hold secrets
// such as the database password.
func Parse(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, s := range Settings {
		vals[s.Flag] = fs.String(s.Flag, s.Default, s.Usage+" ("+s.Env+")")
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: climatevolunteers [serve] [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(normaliseBoolFlags(args)); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// A flag given on the command line wins; otherwise its variable, if set.
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range Settings {
		if v := getenv(s.Env); v != "" && !given[s.Flag] {
			*vals[s.Flag] = v
		}
	}
	demo, err := strconv.ParseBool(*vals["demo"])
	if err != nil {
		return Config{}, fmt.Errorf("demo must be true or false, not %q", *vals["demo"])
	}
	trustProxy, err := strconv.ParseBool(*vals["trust-proxy"])
	if err != nil {
		return Config{}, fmt.Errorf("trust-proxy must be true or false, not %q", *vals["trust-proxy"])
	}
	c := Config{
		Addr:         *vals["addr"],
		DataDir:      *vals["data-dir"],
		DatabaseURL:  *vals["database-url"],
		BaseURL:      strings.TrimRight(*vals["base-url"], "/"),
		Demo:         demo,
		LogFormat:    *vals["log-format"],
		LogLevel:     *vals["log-level"],
		CityName:     *vals["city"],
		MetricsToken: *vals["metrics-token"],
		SMTPURL:      *vals["smtp-url"],
		TrustProxy:   trustProxy,
		SMSURL:       *vals["sms-url"],
		// Only from the environment: a flag's value would show in ps.
		SecretKey: getenv("CV_SECRET_KEY"),
	}
	if c.MaxBodyBytes, err = strconv.ParseInt(*vals["max-body-bytes"], 10, 64); err != nil || c.MaxBodyBytes < 1024 {
		return c, errors.New("max-body-bytes must be a whole number of at least 1024")
	}
	if c.MaxUploadBytes, err = strconv.ParseInt(*vals["max-upload-bytes"], 10, 64); err != nil || c.MaxUploadBytes < c.MaxBodyBytes {
		return c, errors.New("max-upload-bytes must be a whole number no smaller than max-body-bytes")
	}
	if c.ShutdownTimeout, err = time.ParseDuration(*vals["shutdown-timeout"]); err != nil || c.ShutdownTimeout <= 0 {
		return c, errors.New("shutdown-timeout must be a positive duration such as 30s")
	}
	if c.DigestInterval, err = time.ParseDuration(*vals["digest-interval"]); err != nil || c.DigestInterval < time.Second {
		return c, errors.New("digest-interval must be a duration of at least 1s, such as 1h")
	}
	return c, c.Validate()
}

// Validate checks the values that Parse cannot check by type.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q must be host:port", c.Addr)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return errors.New("data-dir must be set when no database-url is given")
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return errors.New("database-url must start with postgres:// or postgresql://")
		}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base-url %q must be an http:// or https:// address", c.BaseURL)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log-format must be text or json, not %q", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log-level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		return errors.New("smtp-url must start with smtp:// or smtps://")
	}
	if c.SMSURL != "" {
		if u, err := url.Parse(c.SMSURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return errors.New("sms-url must be an http:// or https:// address")
		}
	}
	if strings.TrimSpace(c.CityName) == "" {
		return errors.New("city must not be empty")
	}
	return nil
}

// normaliseBoolFlags lets "--demo" stand alone, as people expect, although
// every setting is read as text: "--demo" becomes "--demo=true".
func normaliseBoolFlags(args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if a == "--demo" || a == "-demo" {
			a = "--demo=true"
		}
		out = append(out, a)
	}
	return out
}

// PublicURL is the address links in mails point to: the base URL when set,
// else the listening address (fine on one machine, wrong behind a proxy).
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	return "http://" + c.Addr
}
