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
	ShutdownTimeout time.Duration
	CityName        string
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
	{"shutdown-timeout", "CV_SHUTDOWN_TIMEOUT", "30s", "how long requests in flight may take to finish on SIGTERM"},
	{"city", "CV_CITY_NAME", "Paris", "name of the city this instance serves"},
}

// ErrHelp is returned when -h or --help was asked for.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the program and subcommand names) and the
// environment through getenv. Usage and errors go to stderr.
func Parse(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, s := range Settings {
		def := s.Default
		if v := getenv(s.Env); v != "" {
			def = v
		}
		if s.Flag == "demo" {
			continue
		}
		vals[s.Flag] = fs.String(s.Flag, def, s.Usage+" ("+s.Env+")")
	}
	demoDefault, _ := strconv.ParseBool(getenv("CV_DEMO"))
	demo := fs.Bool("demo", demoDefault, "load the Paris demo data into an empty database (CV_DEMO)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: climatevolunteers [serve] [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c := Config{
		Addr:        *vals["addr"],
		DataDir:     *vals["data-dir"],
		DatabaseURL: *vals["database-url"],
		BaseURL:     strings.TrimRight(*vals["base-url"], "/"),
		Demo:        *demo,
		LogFormat:   *vals["log-format"],
		LogLevel:    *vals["log-level"],
		CityName:    *vals["city"],
	}
	var err error
	if c.MaxBodyBytes, err = strconv.ParseInt(*vals["max-body-bytes"], 10, 64); err != nil || c.MaxBodyBytes < 1024 {
		return c, errors.New("max-body-bytes must be a whole number of at least 1024")
	}
	if c.ShutdownTimeout, err = time.ParseDuration(*vals["shutdown-timeout"]); err != nil || c.ShutdownTimeout <= 0 {
		return c, errors.New("shutdown-timeout must be a positive duration such as 30s")
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
	if strings.TrimSpace(c.CityName) == "" {
		return errors.New("city must not be empty")
	}
	return nil
}
