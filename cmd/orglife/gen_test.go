package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoGenerator loads a small generated data set into SQLite, checks that the hash chains
// verify and that `check` over the printed range opens exactly the planted violations.
func TestDemoGenerator(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "demo.db")
	planted := filepath.Join(dir, "planted.jsonl")
	code, out, errOut := runCmd(t, "demo", "--branches", "20", "--years", "2", "--seed", "5",
		"--as-of", "2026-03-01T00:00:00+08:00", "--db", db, "--planted", planted)
	if code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	b, err := os.ReadFile(planted)
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(b), "\n")
	if code, out, errOut := runCmd(t, "verify", "--db", db); code != 0 {
		t.Fatalf("verify: %d %s %s", code, out, errOut)
	}
	code, out, errOut = runCmd(t, "check", "--persist", "--db", db, "--now", "2026-03-01T00:00:00+08:00", "--from", "2024-01-01", "--to", "2025-12-31", "--format", "json")
	if code != 0 && code != 1 {
		t.Fatalf("check: %d %s", code, errOut)
	}
	if want := fmt.Sprintf(`"opened": %d,`, n); n == 0 || !strings.Contains(out, want) {
		t.Errorf("check opened ≠ %d planted: %.400s", n, out)
	}
}
