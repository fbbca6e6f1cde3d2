package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/sealed"
	"climatevolunteers/internal/solidarity/registry"
)

const keysUsage = `usage: climatevolunteers keys rotate [--data-dir DIR] [--database-url URL]
       climatevolunteers keys reseal [--data-dir DIR] [--database-url URL]

rotate adds a new primary key to DIR/secret.keys (older keys stay, so every
value still opens), then reseals every sealed field under it: the registry
of vulnerable people and the solidarity episodes' notes (a call's "what
help", an escalation's closing note). reseal
only does the second part (to finish an interrupted rotation).

When CV_SECRET_KEY is set the keys come from the environment and are not
rotated here: put a new key first in the variable (keep the old ones after
it), restart, then run "keys reseal".

Restart the server afterwards: it keeps the keys it loaded at start. Once
every value is resealed, an old key's line may be deleted from the file.
`

// sealedColumns are every sealed column the platform knows, with the AAD
// place each was sealed under: the registry's, and the episodes' notes
// (a call's "what help", an escalation's closing note). A new sealed column
// belongs here, or rotation leaves it under the old key.
func sealedColumns() []registry.Column {
	return append(append([]registry.Column(nil), registry.SealedColumns...),
		registry.Column{Table: "solidarity_calls", Column: "help_sealed", Place: "help"},
		registry.Column{Table: "solidarity_escalations", Column: "note_sealed", Place: "note"})
}

// keysCmd rotates the field-encryption keys and reseals the database.
func keysCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "rotate" && args[0] != "reseal") {
		fmt.Fprint(stderr, keysUsage)
		if len(args) == 0 {
			return usageError{errors.New("say what to do: rotate or reseal")}
		}
		if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return nil
		}
		return usageError{fmt.Errorf("unknown keys command %q; only rotate or reseal", args[0])}
	}
	action := args[0]
	flags, cfg := storageFlags("keys "+action, stderr)
	flags.Usage = func() {
		fmt.Fprint(stderr, keysUsage+"\nflags:\n")
		flags.PrintDefaults()
	}
	if err := parseFlags(flags, cfg, args[1:], getenv); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", flags.Arg(0))}
	}

	fromEnv := strings.TrimSpace(getenv("CV_SECRET_KEY")) != ""
	if !fromEnv {
		// Load would create a fresh key file, under which nothing opens.
		if _, err := os.Stat(filepath.Join(cfg.DataDir, sealed.FileName)); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no key file at %s and CV_SECRET_KEY is not set: there are no keys to rotate", filepath.Join(cfg.DataDir, sealed.FileName))
		}
	}
	keys, err := sealed.Load(getenv("CV_SECRET_KEY"), cfg.DataDir)
	if err != nil {
		return err
	}
	switch {
	case action == "rotate" && fromEnv:
		fmt.Fprintln(stdout, "The keys come from CV_SECRET_KEY, which the operator rotates: put a new key first in the")
		fmt.Fprintln(stdout, "variable (make one with: openssl rand -base64 32), keep the old keys after it, and restart.")
		fmt.Fprintf(stdout, "Resealing now under the first key of the variable (%s).\n", keys.PrimaryID())
	case action == "rotate":
		id, err := keys.Rotate(cfg.DataDir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new primary key %s added to %s\n", id, filepath.Join(cfg.DataDir, sealed.FileName))
	default:
		fmt.Fprintf(stdout, "resealing under key %s\n", keys.PrimaryID())
	}

	d, err := db.Open(ctx, db.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	failed := 0
	for _, c := range sealedColumns() {
		res, err := registry.ResealColumn(ctx, d, keys, c)
		if err != nil {
			return fmt.Errorf("reseal %s: %w", c, err)
		}
		fmt.Fprintf(stdout, "%s: %d values checked, %d resealed\n", c, res.Checked, res.Resealed)
		if len(res.Failed) > 0 {
			failed += len(res.Failed)
			fmt.Fprintf(stderr, "%s: %d values do not open (unknown key or damaged), rows %s\n", c, len(res.Failed), res.FailedList())
		}
	}
	fmt.Fprintln(stdout, "Restart the server so that it seals with the new key.")
	if failed > 0 {
		return fmt.Errorf("%d values could not be resealed; keep every old key until they are dealt with", failed)
	}
	return nil
}
