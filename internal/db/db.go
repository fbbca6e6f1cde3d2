// Package db opens the platform's database (SQLite by default, PostgreSQL for
// scale), applies the embedded migrations and gives stores one placeholder
// style ("?") for both engines.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names a storage engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// FileName is the SQLite database's name inside the data directory.
const FileName = "climatevolunteers.db"

// Options says where the data lives.
type Options struct {
	// DatabaseURL selects PostgreSQL when set (postgres:// or postgresql://).
	DatabaseURL string
	// DataDir holds the SQLite file when DatabaseURL is empty.
	DataDir string
	// MaxReaders bounds the read pool (SQLite) or the whole pool (PostgreSQL).
	MaxReaders int
}

// DB is the handle every store receives. On SQLite, writes go through a single
// connection (SQLite allows one writer at a time; queueing in Go beats busy
// retries) and reads through a pool; on PostgreSQL both are the same pool.
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	path   string // SQLite file, empty on PostgreSQL

	rebound  sync.Map // query text -> engine-specific text
	prepared sync.Map // query text -> *sql.Stmt on the read pool (SQLite)
	nstmts   atomic.Int32
}

// maxPrepared bounds the statement cache: stores use fixed query texts, but a
// query built at run time must not grow it without end.
const maxPrepared = 512

// ErrUnreachable wraps failures to reach the database at start.
var ErrUnreachable = errors.New("database unreachable")

// Open connects to the configured engine and checks that it answers.
func Open(ctx context.Context, o Options) (*DB, error) {
	if o.MaxReaders <= 0 {
		o.MaxReaders = 8
	}
	if o.DatabaseURL != "" {
		return openPostgres(ctx, o)
	}
	return openSQLite(ctx, o)
}

func openSQLite(ctx context.Context, o Options) (*DB, error) {
	if err := ensureWritableDir(o.DataDir); err != nil {
		return nil, err
	}
	path, err := filepath.Abs(filepath.Join(o.DataDir, FileName))
	if err != nil {
		return nil, err
	}
	dsn := sqliteDSN(path)
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	// The database will hold personal data: owner only. SQLite gives its WAL
	// and shared-memory files the same mode.
	if err := os.Chmod(path, 0o600); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(o.MaxReaders)
	r.SetMaxIdleConns(o.MaxReaders)
	return &DB{Engine: SQLite, write: w, read: r, path: path}, nil
}

// sqliteDSN sets the pragmas every connection needs: WAL so readers never
// block the writer, a busy timeout rather than immediate SQLITE_BUSY, foreign
// keys on, and synchronous=NORMAL, which in WAL mode keeps every committed
// transaction across a process crash (only a power loss may drop the last ones).
func sqliteDSN(path string) string {
	v := url.Values{}
	v.Add("_pragma", "busy_timeout(5000)")
	v.Add("_pragma", "journal_mode(WAL)")
	v.Add("_pragma", "foreign_keys(1)")
	v.Add("_pragma", "synchronous(NORMAL)")
	v.Set("_time_format", "sqlite")
	// As a URI, so that "?", "#" or "%" in a folder name stay part of the path.
	return (&url.URL{Scheme: "file", Path: path}).String() + "?" + v.Encode()
}

func ensureWritableDir(dir string) error {
	if dir == "" {
		return errors.New("no data directory given")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory %s cannot be created: %w", dir, unwrapPathError(err))
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("data directory %s is not writable: %w", dir, unwrapPathError(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func openPostgres(ctx context.Context, o Options) (*DB, error) {
	u, err := url.Parse(o.DatabaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("database URL must start with postgres:// or postgresql://")
	}
	p, err := sql.Open("pgx", o.DatabaseURL)
	if err != nil {
		return nil, err
	}
	p.SetMaxOpenConns(o.MaxReaders * 2)
	p.SetMaxIdleConns(o.MaxReaders)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		// The URL may hold a password: name only the host.
		return nil, fmt.Errorf("%w: PostgreSQL at %s: %v", ErrUnreachable, u.Host, firstLine(err.Error()))
	}
	return &DB{Engine: Postgres, write: p, read: p}, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Close releases the prepared statements and both pools.
func (db *DB) Close() error {
	db.prepared.Range(func(_, st any) bool {
		st.(*sql.Stmt).Close()
		return true
	})
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Path is the SQLite file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Writer and Reader expose the pools for metrics and special cases.
func (db *DB) Writer() *sql.DB { return db.write }
func (db *DB) Reader() *sql.DB { return db.read }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Exec runs a statement on the writer, outside any explicit transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, db.Rebind(query), args...)
}

// Query reads through the read pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := db.readStmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow reads one row through the read pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := db.readStmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.Rebind(query), args...)
}

// readStmt keeps SQLite read statements prepared, so a page's queries are
// parsed once per connection rather than on every request (pgx already
// caches its statements per connection). A query that fails to prepare is
// run unprepared, which reports its error the usual way.
func (db *DB) readStmt(ctx context.Context, query string) *sql.Stmt {
	if db.Engine != SQLite {
		return nil
	}
	if st, ok := db.prepared.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if db.nstmts.Load() >= maxPrepared {
		return nil
	}
	st, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := db.prepared.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	db.nstmts.Add(1)
	return st
}

// Tx runs fn in a write transaction (BEGIN IMMEDIATE on SQLite, so the write
// lock is taken up front and never upgraded mid-way), committing when fn
// returns nil and rolling back otherwise.
func (db *DB) Tx(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{tx: sqlTx, db: db}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		if err = sqlTx.Commit(); err == nil {
			for _, f := range tx.afterCommit {
				f()
			}
		}
	}()
	return fn(tx)
}

// Tx is a write transaction with the same "?" placeholders as DB.
type Tx struct {
	tx          *sql.Tx
	db          *DB
	afterCommit []func()
}

// AfterCommit runs f once the transaction has committed, and never if it
// rolls back: the place to wake a worker about rows it can now see.
func (tx *Tx) AfterCommit(f func()) { tx.afterCommit = append(tx.afterCommit, f) }

// Engine tells which SQL variant to use where the engines differ.
func (tx *Tx) Engine() Engine { return tx.db.Engine }

func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.Rebind(query), args...)
}

func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.Rebind(query), args...)
}

func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.Rebind(query), args...)
}
