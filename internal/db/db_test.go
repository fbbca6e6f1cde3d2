package db_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"climatevolunteers/internal/db"
	"climatevolunteers/internal/db/dbtest"
)

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		applied, err := d.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Fatalf("second migrate applied %v, want nothing", applied)
		}
		if err := d.CheckCurrent(ctx); err != nil {
			t.Fatalf("CheckCurrent: %v", err)
		}
		v, err := d.SchemaVersion(ctx)
		if err != nil || v != db.LatestVersion(d.Engine) {
			t.Fatalf("version %d, %v; want %d", v, err, db.LatestVersion(d.Engine))
		}
	})
}

func TestNewerDatabaseIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		future := db.LatestVersion(d.Engine) + 1
		if _, err := d.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
			future, "from_the_future", time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		_, err := d.Migrate(ctx)
		if !errors.Is(err, db.ErrNewerSchema) {
			t.Fatalf("Migrate on a newer schema: %v, want ErrNewerSchema", err)
		}
		if !strings.Contains(err.Error(), "newer release") {
			t.Errorf("message %q does not tell what to do", err)
		}
		if err := d.CheckCurrent(ctx); !errors.Is(err, db.ErrNewerSchema) {
			t.Errorf("CheckCurrent: %v", err)
		}
	})
}

func TestTxRollsBackOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		err := d.Tx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO app_meta (key, value, updated_at) VALUES (?, ?, ?)", "k", "v", time.Now().UTC()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM app_meta WHERE key = ?", "k").Scan(&n); err != nil || n != 0 {
			t.Fatalf("rolled-back row visible: n=%d err=%v", n, err)
		}
	})
}

func TestAfterCommitRunsOnlyOnCommit(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	ctx := context.Background()
	ran := 0
	d.Tx(ctx, func(tx *db.Tx) error { tx.AfterCommit(func() { ran++ }); return errors.New("roll back") })
	if ran != 0 {
		t.Fatal("AfterCommit ran after a rollback")
	}
	d.Tx(ctx, func(tx *db.Tx) error { tx.AfterCommit(func() { ran++ }); return nil })
	if ran != 1 {
		t.Fatalf("AfterCommit ran %d times after a commit", ran)
	}
}

func TestRebind(t *testing.T) {
	d := dbtest.Open(t, db.SQLite)
	if got := d.Rebind("SELECT ? WHERE a = ?"); got != "SELECT ? WHERE a = ?" {
		t.Errorf("sqlite rebind changed the query: %q", got)
	}
	pg := &db.DB{Engine: db.Postgres}
	cases := map[string]string{
		"SELECT a FROM t WHERE b = ? AND c = ?":   "SELECT a FROM t WHERE b = $1 AND c = $2",
		"SELECT '?' , ? FROM t":                   "SELECT '?' , $1 FROM t",
		`SELECT "we?ird", ?`:                      `SELECT "we?ird", $1`,
		"SELECT 1":                                "SELECT 1",
		"SELECT a -- l'id ?\nFROM t WHERE b = ?":  "SELECT a -- l'id ?\nFROM t WHERE b = $1",
		"SELECT /* l'id? */ a FROM t WHERE b = ?": "SELECT /* l'id? */ a FROM t WHERE b = $1",
		"SELECT a FROM t -- trailing ?":           "SELECT a FROM t -- trailing ?",
	}
	for in, want := range cases {
		if got := pg.Rebind(in); got != want {
			t.Errorf("Rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// Both engines must end with the same tables and columns, so stores can share
// their SQL. Full-text search is where they differ on purpose: an FTS5 table
// (and its shadow tables) on SQLite, a tsvector column on PostgreSQL.
func TestEnginesHaveSameSchema(t *testing.T) {
	if os.Getenv(dbtest.PostgresURLEnv) == "" {
		t.Skip(dbtest.PostgresURLEnv + " is not set: the comparison needs PostgreSQL")
	}
	lite := columns(t, dbtest.Open(t, db.SQLite))
	pg := columns(t, dbtest.Open(t, db.Postgres))
	if len(lite) == 0 {
		t.Fatal("no columns read from SQLite")
	}
	for _, c := range lite {
		if !slices.Contains(pg, c) {
			t.Errorf("%s exists on SQLite only", c)
		}
	}
	for _, c := range pg {
		if !slices.Contains(lite, c) {
			t.Errorf("%s exists on PostgreSQL only", c)
		}
	}
}

func columns(t *testing.T, d *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	q := `SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
	      WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '%_fts%'`
	if d.Engine == db.Postgres {
		q = `SELECT table_name || '.' || column_name FROM information_schema.columns
		     WHERE table_schema = current_schema() AND column_name <> 'search_vector'`
	}
	rows, err := d.Query(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func TestUnwritableDataDirIsAClearError(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("permissions differ")
	}
	// A regular file where the directory should be fails for root too.
	file := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := db.Open(context.Background(), db.Options{DataDir: filepath.Join(file, "data")})
	if err == nil || !strings.Contains(err.Error(), "data directory") {
		t.Fatalf("Open on an impossible data dir: %v", err)
	}
}

func TestUnreachablePostgresIsAClearError(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Port 1 on loopback refuses connections at once.
	_, err := db.Open(ctx, db.Options{DatabaseURL: "postgres://cv:secret-password@127.0.0.1:1/cv?sslmode=disable&connect_timeout=2"})
	if !errors.Is(err, db.ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
	if strings.Contains(err.Error(), "secret-password") {
		t.Errorf("error leaks the password: %v", err)
	}
}

// A data folder whose name has URI characters still works, and the database
// file is readable by its owner only.
func TestDataDirWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%20d")
	d, err := db.Open(context.Background(), db.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, db.FileName))
	if err != nil {
		t.Fatalf("database not at the expected path: %v", err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}
}

// Instances starting together on one PostgreSQL database migrate once.
func TestConcurrentMigrations(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			opts := db.Options{DataDir: t.TempDir()}
			if e == db.Postgres {
				opts = db.Options{DatabaseURL: dbtest.FreshSchema(t)}
			}
			const n = 8
			errs := make(chan error, n)
			applied := make(chan int, n)
			for range n {
				go func() {
					d, err := db.Open(context.Background(), opts)
					if err != nil {
						errs <- err
						return
					}
					defer d.Close()
					vs, err := d.Migrate(context.Background())
					applied <- len(vs)
					errs <- err
				}()
			}
			total := 0
			for range n {
				if err := <-errs; err != nil {
					t.Errorf("concurrent migrate: %v", err)
				}
			}
			close(applied)
			for v := range applied {
				total += v
			}
			if want := db.LatestVersion(e); total != want {
				t.Errorf("%d migrations applied in all, want %d", total, want)
			}
		})
	}
}
