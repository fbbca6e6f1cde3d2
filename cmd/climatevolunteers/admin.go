package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"climatevolunteers/internal/config"
	"climatevolunteers/internal/db"
)

// storageFlags are the flags of commands that only need the database.
func storageFlags(name string, stderr io.Writer) (*flag.FlagSet, *config.Config) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := &config.Config{}
	fs.StringVar(&cfg.DataDir, "data-dir", "./data", "folder of the SQLite database (CV_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", "", "PostgreSQL URL (CV_DATABASE_URL)")
	return fs, cfg
}

// parseFlags parses args, then fills what the command line left out from the
// environment (after parsing, so usage never prints a password).
func parseFlags(fs *flag.FlagSet, cfg *config.Config, args []string, getenv func(string) string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if v := getenv("CV_DATA_DIR"); v != "" && !given["data-dir"] {
		cfg.DataDir = v
	}
	if v := getenv("CV_DATABASE_URL"); v != "" && !given["database-url"] {
		cfg.DatabaseURL = v
	}
	return nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := storageFlags("migrate", stderr)
	if err := parseFlags(fs, cfg, args, getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "database is up to date (version %d)\n", db.LatestVersion(d.Engine))
		return nil
	}
	fmt.Fprintf(stdout, "applied migrations %v; database now at version %d\n", applied, applied[len(applied)-1])
	return nil
}

// backup writes a consistent copy of the SQLite database with VACUUM INTO,
// which reads one snapshot and so may run while the server writes.
func backup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cfg := storageFlags("backup", stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: climatevolunteers backup [--data-dir DIR] FILE")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, cfg, args, getenv); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{errors.New("give exactly one FILE to write the copy to")}
	}
	if cfg.DatabaseURL != "" {
		return errors.New("the database is PostgreSQL: back it up with pg_dump (for example pg_dump -Fc -f cv.dump \"$CV_DATABASE_URL\")")
	}
	target, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return err
	}
	if _, err := os.Stat(target); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", target)
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, db.FileName)); err != nil {
		return fmt.Errorf("no database found in %s", cfg.DataDir)
	}
	d, err := db.Open(ctx, db.Options{DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Writer().ExecContext(ctx, "VACUUM INTO ?", target); err != nil {
		return fmt.Errorf("backup to %s: %w", target, err)
	}
	// The copy holds the same personal data as the database: owner only.
	if err := os.Chmod(target, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written to %s\n", target)
	return nil
}

func version(stdout io.Writer) error {
	fmt.Fprintf(stdout, "schema version %d (SQLite), %d (PostgreSQL)\n", db.LatestVersion(db.SQLite), db.LatestVersion(db.Postgres))
	return nil
}
