package db

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// Migration is one numbered SQL file.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrNewerSchema means the database was migrated by a newer binary.
var ErrNewerSchema = errors.New("database schema is newer than this program")

// Migrations lists the engine's embedded migrations in order. File names are
// "NNNN_name.sql", numbered alike in both engines' folders.
func Migrations(e Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(e))
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", name)
		}
		body, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations of %s: expected version %d, found %d", e, i+1, m.Version)
		}
	}
	return out, nil
}

// LatestVersion is the newest migration this binary knows.
func LatestVersion(e Engine) int {
	ms, err := Migrations(e)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// SchemaVersion reads the version the database is at.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) { return db.readVersion(ctx) }

// ensureVersionTable runs inside the migration transaction, after the lock,
// so instances starting together never race to create it.
func ensureVersionTable(ctx context.Context, tx *Tx) error {
	ts := "TIMESTAMP"
	if tx.Engine() == Postgres {
		ts = "TIMESTAMPTZ"
	}
	_, err := tx.tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at `+ts+` NOT NULL)`)
	return err
}

// Migrate applies every pending migration, each in its own transaction, and
// refuses a database that a newer binary has migrated. It returns the versions
// applied. On PostgreSQL an advisory lock keeps several starting instances from
// migrating at once.
func (db *DB) Migrate(ctx context.Context) ([]int, error) {
	ms, err := Migrations(db.Engine)
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range ms {
		done := false
		err := db.Tx(ctx, func(tx *Tx) error {
			if db.Engine == Postgres {
				if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7210342)"); err != nil {
					return err
				}
			}
			if err := ensureVersionTable(ctx, tx); err != nil {
				return err
			}
			var current int
			if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&current); err != nil {
				return err
			}
			if current > len(ms) {
				return fmt.Errorf("%w: the database is at version %d but this program knows up to %d; run a newer release",
					ErrNewerSchema, current, len(ms))
			}
			if current >= m.Version {
				done = true
				return nil
			}
			// Migration files run as written: no placeholder rebinding.
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, time.Now().UTC())
			return err
		})
		if err != nil {
			return applied, err
		}
		if !done {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

// CheckCurrent reports whether the schema is exactly at this binary's version.
func (db *DB) CheckCurrent(ctx context.Context) error {
	v, err := db.readVersion(ctx)
	if err != nil {
		return err
	}
	latest := LatestVersion(db.Engine)
	switch {
	case v < latest:
		return fmt.Errorf("database schema at version %d, %d pending", v, latest-v)
	case v > latest:
		return fmt.Errorf("%w: database at version %d, program knows %d", ErrNewerSchema, v, latest)
	}
	return nil
}

// readVersion reads through the read pool so readiness checks never queue
// behind writes.
func (db *DB) readVersion(ctx context.Context) (int, error) {
	var v int
	err := db.read.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
