package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// migrations holds the schema, one file per migration, applied in file-name order:
//
//   - NNNN_name.sql applies to both databases;
//   - NNNN_name.sqlite.sql and NNNN_name.postgres.sql apply to one of them only.
//
// In every file {{timestamp}} becomes TIMESTAMP (SQLite) or TIMESTAMPTZ (PostgreSQL) and {{json}}
// becomes TEXT or JSONB. Statements end with ";" at the end of a line; lines starting with "--"
// are comments. A migration's version is its file name without ".sql". To change the schema, add
// a file; never edit an applied one.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrateLockID is the PostgreSQL advisory lock that serializes Migrate across processes.
const migrateLockID = 0x6f72676c // "orgl"

// Pending returns the migrations that have not been applied, in order, without changing
// anything (all of them on an empty database).
func (d *DB) Pending(ctx context.Context) ([]string, error) {
	d = d.bound(ctx)
	files, err := d.migrationFiles()
	if err != nil {
		return nil, err
	}
	var done []string
	if err := d.db.NewRaw("SELECT version FROM schema_migrations").Scan(ctx, &done); err != nil {
		if !d.tableExists(ctx, "schema_migrations") {
			done = nil
		} else {
			return nil, dbErr(err)
		}
	}
	seen := make(map[string]bool, len(done))
	for _, v := range done {
		seen[v] = true
	}
	var out []string
	for _, name := range files {
		if v := strings.TrimSuffix(name, ".sql"); !seen[v] {
			out = append(out, v)
		}
	}
	return out, nil
}

// tableExists reports whether the table exists.
func (d *DB) tableExists(ctx context.Context, name string) bool {
	q := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if d.dialect == Postgres {
		q = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?"
	}
	var n int
	return d.db.NewRaw(q, name).Scan(ctx, &n) == nil && n > 0
}

// Migrate applies the migrations that have not been applied yet, in one transaction, and records
// each in schema_migrations. It returns the versions it applied (none when the schema is current)
// and is safe to run concurrently from several processes.
func (d *DB) Migrate(ctx context.Context) (applied []string, err error) {
	d = d.bound(ctx)
	files, err := d.migrationFiles()
	if err != nil {
		return nil, err
	}
	err = d.runInTx(ctx, func(ctx context.Context, tx *DB) error {
		applied = nil // a retried closure starts over
		if tx.dialect == Postgres {
			if _, err := tx.db.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", migrateLockID); err != nil {
				return err
			}
		}
		if _, err := tx.db.ExecContext(ctx, tx.expand(
			"CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at {{timestamp}} NOT NULL DEFAULT CURRENT_TIMESTAMP)")); err != nil {
			return err
		}
		var done []string
		if err := tx.db.NewRaw("SELECT version FROM schema_migrations").Scan(ctx, &done); err != nil {
			return err
		}
		seen := make(map[string]bool, len(done))
		for _, v := range done {
			seen[v] = true
		}
		for _, name := range files {
			version := strings.TrimSuffix(name, ".sql")
			if seen[version] {
				continue
			}
			b, err := fs.ReadFile(migrations, path.Join("migrations", name))
			if err != nil {
				return err
			}
			for i, stmt := range splitStatements(tx.expand(string(b))) {
				if _, err := tx.db.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("migration %s, statement %d: %w", version, i+1, err)
				}
			}
			if _, err := tx.db.ExecContext(ctx, "INSERT INTO schema_migrations (version) VALUES (?)", version); err != nil {
				return err
			}
			applied = append(applied, version)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("storage: migrate: %w", err)
	}
	for _, v := range applied {
		d.log.Info("migration applied", "version", v, "dialect", d.dialect)
	}
	return applied, nil
}

// migrationFiles lists the migration files that apply to d's dialect, in order.
func (d *DB) migrationFiles() ([]string, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, fmt.Errorf("storage: read migrations: %w", err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		base := strings.TrimSuffix(name, ".sql")
		switch {
		case strings.HasSuffix(base, "."+SQLite), strings.HasSuffix(base, "."+Postgres):
			if !strings.HasSuffix(base, "."+d.dialect) {
				continue
			}
		case strings.Contains(base, "."):
			return nil, fmt.Errorf("storage: migration %s: unknown dialect suffix", name)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// expand replaces the type placeholders of a migration for d's dialect.
func (d *DB) expand(sql string) string {
	ts, js := "TIMESTAMP", "TEXT"
	if d.dialect == Postgres {
		ts, js = "TIMESTAMPTZ", "JSONB"
	}
	return strings.NewReplacer("{{timestamp}}", ts, "{{json}}", js).Replace(sql)
}

// splitStatements splits a migration into statements: each ends with ";" at the end of a line.
// Comment lines are dropped.
func splitStatements(sql string) []string {
	var (
		stmts []string
		cur   strings.Builder
	)
	for _, line := range strings.Split(sql, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			stmts = append(stmts, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}
