// Package dbtest runs storage tests on every engine: SQLite always, and
// PostgreSQL when CV_TEST_POSTGRES_URL is set. Each test gets its own freshly
// migrated database (a temp file, or a schema of its own on PostgreSQL).
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"climatevolunteers/internal/db"
)

// PostgresURLEnv names the variable that enables the PostgreSQL runs.
const PostgresURLEnv = "CV_TEST_POSTGRES_URL"

// Each runs fn as a subtest on every available engine.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Engines lists the engines this run covers.
func Engines() []db.Engine {
	if os.Getenv(PostgresURLEnv) != "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	return []db.Engine{db.SQLite}
}

// Open gives a migrated, isolated database on engine e, closed and removed at
// the end of the test.
func Open(t testing.TB, e db.Engine) *db.DB {
	t.Helper()
	d := OpenEmpty(t, e)
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", e, err)
	}
	return d
}

// OpenEmpty is Open without the migrations.
func OpenEmpty(t testing.TB, e db.Engine) *db.DB {
	t.Helper()
	ctx := context.Background()
	var opts db.Options
	switch e {
	case db.SQLite:
		opts.DataDir = t.TempDir()
	case db.Postgres:
		opts.DatabaseURL = FreshSchema(t)
	}
	d, err := db.Open(ctx, opts)
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// FreshSchema creates an empty schema in the test PostgreSQL database, drops
// it when the test ends, and returns a URL whose connections use it.
func FreshSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		t.Skip(PostgresURLEnv + " is not set")
	}
	buf := make([]byte, 6)
	rand.Read(buf)
	schema := "t_" + hex.EncodeToString(buf)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer c.Close()
		c.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
