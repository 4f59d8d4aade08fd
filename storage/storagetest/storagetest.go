// Package storagetest gives tests fresh, migrated orglife databases: SQLite always, and
// PostgreSQL when the environment variable ORGLIFE_TEST_POSTGRES holds an admin URL (for example
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable). Each call creates new databases
// and removes them in t.Cleanup. It imports storage and the PostgreSQL driver.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/orglife/orglife/storage"
)

// EnvPostgres names the environment variable with the PostgreSQL admin URL.
const EnvPostgres = "ORGLIFE_TEST_POSTGRES"

// DSNs returns the dsn of a fresh, empty (not migrated) database per dialect, keyed "sqlite"
// and "postgres": an SQLite file in t.TempDir(), and, when ORGLIFE_TEST_POSTGRES is set, a new
// PostgreSQL database that t.Cleanup drops. Without ORGLIFE_TEST_POSTGRES it logs that PostgreSQL
// was skipped. Use it for end-to-end tests that start a server with --db.
func DSNs(t testing.TB) map[string]string {
	t.Helper()
	dsns := map[string]string{
		storage.SQLite: "sqlite:" + filepath.Join(t.TempDir(), "orglife.db"),
	}
	admin := os.Getenv(EnvPostgres)
	if admin == "" {
		t.Logf("PostgreSQL skipped: %s is not set", EnvPostgres)
		return dsns
	}
	dsns[storage.Postgres] = createPostgres(t, admin)
	return dsns
}

// Databases returns a fresh, migrated database per dialect (see DSNs), closed in t.Cleanup.
func Databases(t testing.TB) map[string]*storage.DB {
	t.Helper()
	dbs := make(map[string]*storage.DB)
	for name, dsn := range DSNs(t) {
		dbs[name] = Open(t, dsn)
	}
	return dbs
}

// Open opens and migrates the database at dsn and closes it in t.Cleanup.
func Open(t testing.TB, dsn string) *storage.DB {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	return db
}

// createPostgres creates a database named orglife_test_<random> through the admin URL, drops it
// in t.Cleanup, and returns its URL.
func createPostgres(t testing.TB, admin string) string {
	t.Helper()
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("storagetest: %s: %v", EnvPostgres, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "orglife_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		_ = adb.Close()
		t.Fatalf("storagetest: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		defer adb.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := adb.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("storagetest: drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
