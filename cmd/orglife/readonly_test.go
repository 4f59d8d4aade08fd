package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/storage/storagetest"
)

// editedPack copies the built-in pack into a directory and changes one rule's message, so its
// rule set has another version.
func editedPack(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(partybranch.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
			return err
		}
		b, err := fs.ReadFile(partybranch.FS, p)
		if err != nil {
			return err
		}
		if p == "rules/meetings.yaml" {
			b = []byte(strings.Replace(string(b), "message: 本期未开展主题党日", "message: 本月没有主题党日", 1))
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// dbState is what a read-only command must leave as it was.
type dbState struct {
	migrations, versions, activations, audit, ledger, tokens int
	active                                                   string
}

func stateOf(t *testing.T, dsn string) dbState {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var s dbState
	for _, c := range []struct {
		table string
		n     *int
	}{{"schema_migrations", &s.migrations}, {"rule_sets", &s.versions}, {"rule_activations", &s.activations},
		{"audit", &s.audit}, {"ledger", &s.ledger}, {"tokens", &s.tokens}} {
		if err := db.Bun().NewRaw("SELECT count(*) FROM "+c.table).Scan(ctx, c.n); err != nil {
			t.Fatalf("count %s: %v", c.table, err)
		}
	}
	if v, err := db.ActiveRuleSet(ctx); err == nil {
		s.active = v.Version
	}
	return s
}

// TestReadOnlyCommandsReadOnly: verify, preview, check (without --persist), test, graph and
// validate with an edited pack leave the schema, the active rule set, the ledger and the audit
// log as they were; on a database that does not exist or is not migrated they refuse to run
// instead of creating or migrating it.
func TestReadOnlyCommandsReadOnly(t *testing.T) {
	edited := editedPack(t)
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			if name == storage.SQLite {
				code, _, errs := runCmd(t, "verify", "--db", dsn)
				if code != 1 || !strings.Contains(errs, "no database") {
					t.Fatalf("verify on a missing database: exit %d %s", code, errs)
				}
				if _, err := os.Stat(strings.TrimPrefix(dsn, "sqlite:")); err == nil {
					t.Fatal("verify created the database file")
				}
			}
			if code, _, errs := runCmd(t, "migrate", "--db", dsn); code != 0 {
				t.Fatalf("migrate: %s", errs)
			}
			// the built-in pack's rules become active as serve would make them
			s, err := commonFlags{DB: dsn, TZ: "Asia/Shanghai"}.openServing(context.Background(), env{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}, serviceOptions{Log: newLogger(os.Stderr)})
			if err != nil {
				t.Fatal(err)
			}
			active := s.chk.RuleSet().Version
			s.Close()
			before := stateOf(t, dsn)
			if before.active != active || before.versions != 1 {
				t.Fatalf("before: %+v", before)
			}
			for _, args := range [][]string{
				{"verify", "--db", dsn, "--pack", edited},
				{"preview", "--db", dsn, "--pack", edited, "--rules", edited, "--from", "2025-01-01", "--to", "2025-12-31"},
				{"check", "--db", dsn, "--pack", edited, "--from", "2025-01-01", "--to", "2025-12-31"},
				{"test", edited},
				{"graph", "plan", "--pack", edited},
				{"validate", edited},
			} {
				if code, _, errs := runCmd(t, args...); code != 0 {
					t.Fatalf("%s: exit %d\n%s", args[0], code, errs)
				}
				if after := stateOf(t, dsn); after != before {
					t.Fatalf("%s changed the database: %+v, was %+v", args[0], after, before)
				}
			}
			// a schema that is not current is refused, not migrated
			if _, err := storagetest.Open(t, dsn).Bun().NewRaw("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)").Exec(context.Background()); err != nil {
				t.Fatal(err)
			}
			code, _, errs := runCmd(t, "verify", "--db", dsn)
			if code != 1 || !strings.Contains(errs, "orglife migrate") {
				t.Fatalf("verify on an old schema: exit %d %s", code, errs)
			}
			if after := stateOf(t, dsn); after.migrations != before.migrations-1 {
				t.Fatalf("verify migrated: %d migrations, want %d", after.migrations, before.migrations-1)
			}
		})
	}
}
