package storage_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orglife/orglife/storage"
)

// TestSQLiteSynchronous: FULL by default, NORMAL on request in the DSN, anything else refused.
func TestSQLiteSynchronous(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, c := range []struct {
		query string
		want  int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{
		{"", 2},
		{"?synchronous=full", 2},
		{"?synchronous=NORMAL", 1},
		{"?mode=rwc&synchronous=normal", 1},
	} {
		db, err := storage.Open(ctx, "sqlite:"+filepath.Join(dir, "s.db")+c.query, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		for range 3 { // every connection of the pool has the setting
			var got int
			if err := db.Bun().NewRaw("PRAGMA synchronous").Scan(ctx, &got); err != nil || got != c.want {
				t.Errorf("%q: synchronous = %d (%v), want %d", c.query, got, err, c.want)
			}
		}
		db.Close()
	}
	if _, err := storage.Open(ctx, "sqlite:"+filepath.Join(dir, "s.db")+"?synchronous=off", nil); err == nil ||
		!strings.Contains(err.Error(), "full or normal") {
		t.Fatalf("synchronous=off: %v", err)
	}
}

// TestRedact: passwords of postgres URLs never survive; SQLite DSNs are kept.
func TestRedact(t *testing.T) {
	for dsn, want := range map[string]string{
		"sqlite:/var/lib/orglife.db?synchronous=full":                     "sqlite:/var/lib/orglife.db?synchronous=full",
		"postgres://orglife:pa55@db.example:5432/orglife?sslmode=require": "postgres://orglife:xxxxx@db.example:5432/orglife?sslmode=require",
		"postgresql://orglife@db/orglife?password=pa55&sslmode=disable":   "postgresql://orglife@db/orglife?password=xxxxx&sslmode=disable",
		"postgres://orglife@db/orglife":                                   "postgres://orglife@db/orglife",
		"postgres://u:pa55@[::1:bad/x":                                    "postgres://…",
		"host=db password=pa55":                                           "…",
	} {
		if got := storage.Redact(dsn); got != want || strings.Contains(got, "pa55") {
			t.Errorf("Redact(%q) = %q, want %q", dsn, got, want)
		}
	}
}

// TestOpenErrorsHidePassword: a DSN that does not parse, or a server that does not answer, is
// reported without its password.
func TestOpenErrorsHidePassword(t *testing.T) {
	for _, dsn := range []string{
		"postgres://u:pa55word@127.0.0.1:notaport/db",
		"postgres://u:pa55word@127.0.0.1:1/db?connect_timeout=2",
		"postgres://u@127.0.0.1:1/db?password=pa55word&connect_timeout=2",
		"mysql://u:pa55word@127.0.0.1/db",
	} {
		_, err := storage.Open(context.Background(), dsn, nil)
		if err == nil || strings.Contains(err.Error(), "pa55word") {
			t.Errorf("Open(%q): %v", dsn, err)
		}
	}
}
