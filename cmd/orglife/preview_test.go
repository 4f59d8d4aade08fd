package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPreviewCommand previews 党课 made monthly over generated data: changes are reported and
// nothing is stored; a broken candidate prints file:line:column and exits 1.
func TestPreviewCommand(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "p.db")
	const now = "2026-03-01T00:00:00+08:00"
	if code, out, errOut := runCmd(t, "demo", "--branches", "5", "--years", "1", "--seed", "3", "--as-of", now, "--db", db); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := runCmd(t, "check", "--persist", "--db", db, "--now", now, "--from", "2025-01-01", "--to", "2025-12-31"); code != 0 {
		t.Fatalf("check: %d %s", code, errOut)
	}
	pack := copyPack(t)
	path := filepath.Join(pack, "rules", "meetings.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	monthly := strings.Replace(string(src), "    every: quarter\n    grace: 15d\n    warn: 14d\n    require: \"count(meetings, .type == 'lecture') >= 1\"",
		"    every: month\n    grace: 15d\n    warn: 14d\n    require: \"count(meetings, .type == 'lecture') >= 1\"", 1)
	if monthly == string(src) {
		t.Fatal("lecture_quarterly not found")
	}
	if err := os.WriteFile(path, []byte(monthly), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "preview", "--db", db, "--rules", pack, "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json")
	if code != 0 {
		t.Fatalf("preview: %d %s", code, errOut)
	}
	var res struct {
		Rules []struct {
			Rule    string `json:"rule"`
			Period  string `json:"period"`
			Changes []any  `json:"changes"`
		} `json:"rules"`
		Opened []any `json:"opened"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("preview json: %v\n%s", err, out)
	}
	months := 0
	for _, r := range res.Rules {
		if r.Rule == "lecture_quarterly" && regexp.MustCompile(`^2025-\d\d$`).MatchString(r.Period) {
			months++
		}
	}
	if months == 0 || len(res.Opened) == 0 {
		t.Fatalf("preview reports %d monthly 党课 periods and %d violations to open:\n%.600s", months, len(res.Opened), out)
	}
	// nothing was stored: a second preview reports the same changes
	code, again, _ := runCmd(t, "preview", "--db", db, "--rules", pack, "--from", "2025-01-01", "--to", "2025-12-31", "--format", "json")
	var res2 struct {
		Rules  json.RawMessage `json:"rules"`
		Opened json.RawMessage `json:"opened"`
	}
	var res1 struct {
		Rules  json.RawMessage `json:"rules"`
		Opened json.RawMessage `json:"opened"`
	}
	if code != 0 || json.Unmarshal([]byte(again), &res2) != nil || json.Unmarshal([]byte(out), &res1) != nil ||
		string(res1.Rules) != string(res2.Rules) || string(res1.Opened) != string(res2.Opened) {
		t.Fatal("the second preview differs: the first one wrote something")
	}

	broken := strings.Replace(monthly, "every: month", "every: week", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, "preview", "--db", db, "--rules", pack)
	if code != 1 || !regexp.MustCompile(`meetings\.yaml:\d+:\d+: `).MatchString(out) {
		t.Fatalf("broken candidate: exit %d\n%s", code, out)
	}
}
