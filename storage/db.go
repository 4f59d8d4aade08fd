// Package storage persists orglife's data in SQLite or PostgreSQL: the bun models, the embedded
// migrations and the implementation of the Store interfaces that engine and compliance declare.
// All SQL of the module lives here and this is the only package that imports bun and the database
// drivers. It imports only orglife (whose filter and row types the interfaces use; the tests
// assert that DB satisfies both); nothing else of the module imports it but cmd and tests.
package storage

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names returned by (*DB).Dialect.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// sqliteParams are appended to every SQLite DSN: a 10 s busy timeout, WAL, foreign keys, and
// write transactions that take the lock at BEGIN (BEGIN IMMEDIATE), so writers are serialized
// instead of failing with SQLITE_BUSY when they upgrade a read lock. The synchronous pragma
// follows them (see sqliteSynchronous).
const sqliteParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate"

// sqliteReadOnlyParams open SQLite for reading only: query_only refuses every write, and
// transactions are deferred (no write lock at BEGIN) and leave the journal mode alone.
const sqliteReadOnlyParams = "_pragma=busy_timeout(10000)&_pragma=query_only(1)&_pragma=foreign_keys(1)"

// DefaultSQLiteSynchronous is the synchronous setting of SQLite unless the DSN says otherwise
// ("sqlite:PATH?synchronous=normal"): FULL syncs the WAL at every commit, so a committed
// transaction survives a power cut; NORMAL syncs only at checkpoints and may lose the last
// commits on a power cut or OS crash (never on a process crash), but writes faster. See
// docs/operations.md and docs/decisions.md.
const DefaultSQLiteSynchronous = "full"

// sqliteSynchronous takes the synchronous=full|normal parameter out of an SQLite path's query and
// returns the path without it and the pragma value (FULL or NORMAL).
func sqliteSynchronous(path string) (string, string, error) {
	base, query, ok := strings.Cut(path, "?")
	value := DefaultSQLiteSynchronous
	if !ok {
		return path, strings.ToUpper(value), nil
	}
	var kept []string
	for _, kv := range strings.Split(query, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "synchronous" {
			kept = append(kept, kv)
			continue
		}
		value = strings.ToLower(v)
	}
	if value != "full" && value != "normal" {
		return "", "", fmt.Errorf("storage: sqlite synchronous=%s: want full or normal", value)
	}
	if len(kept) > 0 {
		base += "?" + strings.Join(kept, "&")
	}
	return base, strings.ToUpper(value), nil
}

// DB is the storage of orglife on SQLite or PostgreSQL. It implements the Store interfaces of engine and compliance. A DB handed to
// the function of InTx is bound to that transaction; it has the same type.
type DB struct {
	root    *bun.DB // the pool; Close, Migrate and new transactions use it
	db      bun.IDB // root, or the transaction this DB is bound to
	inTx    bool    // db is a transaction
	dialect string  // SQLite or Postgres
	log     *slog.Logger
}

// Open connects to the database named by dsn: "sqlite:PATH" (optionally
// "sqlite:PATH?synchronous=full|normal", default DefaultSQLiteSynchronous) or a "postgres://" (or
// "postgresql://") URL. It does not migrate; call Migrate. A nil logger discards logs.
func Open(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	return open(ctx, dsn, logger, false)
}

// OpenReadOnly connects like Open for a command that only reads (verify, check without
// --persist, preview, test): the database must exist and its schema be current (it never
// migrates), and the connection refuses writes — SQLite with query_only, PostgreSQL with
// default_transaction_read_only.
func OpenReadOnly(ctx context.Context, dsn string, logger *slog.Logger) (*DB, error) {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		path, _, _ = strings.Cut(strings.TrimPrefix(path, "file:"), "?")
		if _, err := os.Stat(path); err != nil && path != "" && !strings.HasPrefix(path, ":memory:") {
			return nil, fmt.Errorf("storage: no database at %s (serve or migrate creates it): %w", path, err)
		}
	}
	d, err := open(ctx, dsn, logger, true)
	if err != nil {
		return nil, err
	}
	pending, err := d.Pending(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(pending) > 0 {
		d.Close()
		return nil, fmt.Errorf("storage: the schema of the database is not up to date (%d migration(s) pending, first %s): run orglife migrate", len(pending), pending[0])
	}
	return d, nil
}

func open(ctx context.Context, dsn string, logger *slog.Logger, readOnly bool) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var (
		sqldb   *sql.DB
		bdb     *bun.DB
		dialect string
		err     error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, fmt.Errorf("storage: empty sqlite path in %q", dsn)
		}
		path = strings.TrimPrefix(path, "file:")
		var sync string
		if path, sync, err = sqliteSynchronous(path); err != nil {
			return nil, err
		}
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		params := sqliteParams + "&_pragma=synchronous(" + sync + ")"
		if readOnly {
			params = sqliteReadOnlyParams
		}
		sqldb, err = sql.Open("sqlite", "file:"+path+sep+params)
		if err != nil {
			return nil, fmt.Errorf("storage: open sqlite: %w", err)
		}
		// WAL lets readers run beside the one writer; BEGIN IMMEDIATE and the busy timeout queue
		// the writers. A few connections are enough and keep the busy-waiting short.
		n := max(4, runtime.GOMAXPROCS(0))
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		bdb = bun.NewDB(sqldb, sqlitedialect.New())
		dialect = SQLite
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("storage: postgres url: %w", err)
		}
		// bun interpolates arguments into the SQL text, so statements rarely repeat: the simple
		// protocol saves the prepare round trip and the statement cache that would not be reused.
		if !strings.Contains(dsn, "default_query_exec_mode") {
			cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
		}
		if readOnly {
			cfg.RuntimeParams["default_transaction_read_only"] = "on"
		}
		sqldb = stdlib.OpenDB(*cfg)
		sqldb.SetMaxOpenConns(max(8, 4*runtime.GOMAXPROCS(0)))
		sqldb.SetMaxIdleConns(max(8, 4*runtime.GOMAXPROCS(0)))
		bdb = bun.NewDB(sqldb, pgdialect.New())
		dialect = Postgres
	default:
		return nil, fmt.Errorf("storage: unsupported database %q: want sqlite:PATH or postgres://...", Redact(dsn))
	}
	d := &DB{root: bdb, db: bdb, dialect: dialect, log: logger}
	if err := sqldb.PingContext(ctx); err != nil {
		_ = sqldb.Close()
		return nil, fmt.Errorf("storage: connect to %s: %w", dialect, err)
	}
	return d, nil
}

// Redact returns dsn fit for a log line or an error message: the password of a postgres:// URL
// (in its user info or a password query parameter) becomes "xxxxx"; an SQLite DSN is kept; a
// string that does not parse keeps only its scheme.
func Redact(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		if i := strings.Index(dsn, "://"); i >= 0 {
			return dsn[:i+3] + "…"
		}
		return "…"
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// Close closes the connection pool. Closing a DB bound to a transaction does nothing.
func (d *DB) Close() error {
	if d.inTx {
		return nil
	}
	return d.root.Close()
}

// Dialect returns "sqlite" or "postgres".
func (d *DB) Dialect() string { return d.dialect }

// Bun returns the underlying bun handle: the pool, or the transaction this DB is bound to. It is
// meant for tests and for the storage package's own extensions.
func (d *DB) Bun() bun.IDB { return d.db }

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	d = d.bound(ctx)
	var one int
	if err := d.db.NewRaw("SELECT 1").Scan(ctx, &one); err != nil {
		return dbErr(err)
	}
	return nil
}

// InTx runs fn in one transaction; fn's error rolls it back. The context fn receives carries the
// transaction: every method of d (or of another DB on the same pool) called with it, or with a
// context derived from it, runs in that transaction (see bound). On SQLite the transaction takes
// the write lock at BEGIN. Called with a context that already carries a transaction of d's pool,
// it runs fn in that same transaction. The transaction travels in the context, not in a parameter,
// so that the store interfaces engine and compliance declare each name InTx with standard types
// only, and DB satisfies both without storage importing either (docs/decisions.md).
func (d *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return d.runInTx(ctx, func(ctx context.Context, _ *DB) error { return fn(ctx) })
}

// txKey is the context key of the DB bound to a transaction.
type txKey struct{}

// bound returns the DB bound to the transaction ctx carries when it is a transaction of d's pool,
// else d itself.
func (d *DB) bound(ctx context.Context) *DB {
	if d.inTx {
		return d
	}
	if tx, ok := ctx.Value(txKey{}).(*DB); ok && tx.root == d.root {
		return tx
	}
	return d
}

// runInTx is InTx with the concrete type, for the package's own use.
func (d *DB) runInTx(ctx context.Context, fn func(ctx context.Context, tx *DB) error) error {
	if d = d.bound(ctx); d.inTx {
		return fn(ctx, d)
	}
	err := d.root.RunInTx(ctx, nil, func(ctx context.Context, btx bun.Tx) error {
		tx := &DB{root: d.root, db: btx, inTx: true, dialect: d.dialect, log: d.log}
		return fn(context.WithValue(ctx, txKey{}, tx), tx)
	})
	return dbErr(err)
}

// Stats returns the connection pool's statistics (for metrics).
func (d *DB) Stats() sql.DBStats { return d.root.DB.Stats() }
