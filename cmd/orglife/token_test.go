package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/storage/storagetest"
)

// TestTokenCommands: token create with an expiry, token list (table and JSON, never a secret),
// and token revoke, which a running server honours at the next request — on both databases.
func TestTokenCommands(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			s := startServer(t, dsn)
			admin := s.adminToken(t)
			code, out, errs := runCmd(t, "token", "create", "--db", dsn, "--name", "ops", "--role", "admin", "--expires-in", "90d")
			secret, _, _ := strings.Cut(out, "\n")
			if code != 0 || !strings.HasPrefix(secret, "olt_") || !strings.Contains(errs, "expires=") {
				t.Fatalf("token create: exit %d\n%s%s", code, out, errs)
			}
			s.must(t, 200, "GET", "/v1/orgs", secret, nil)

			// Bad expiries: past (the engine names the field), malformed, both flags.
			if code, _, errs := runCmd(t, "token", "create", "--db", dsn, "--name", "x", "--role", "admin",
				"--expires-at", "2020-01-01T00:00:00Z"); code != 1 || !strings.Contains(errs, "expires_at") {
				t.Fatalf("past --expires-at: exit %d\n%s", code, errs)
			}
			for _, args := range [][]string{{"--expires-in", "soon"}, {"--expires-in", "-5d"}, {"--expires-in", "1d", "--expires-at", "2030-01-01T00:00:00Z"}} {
				a := append([]string{"token", "create", "--db", dsn, "--name", "x", "--role", "admin"}, args...)
				if code, _, errs := runCmd(t, a...); code != 2 {
					t.Fatalf("%v: exit %d\n%s", args, code, errs)
				}
			}

			// The table and the JSON list both tokens, without secrets or hashes.
			code, out, errs = runCmd(t, "token", "list", "--db", dsn)
			if code != 0 || !strings.Contains(out, "LAST USED") || !strings.Contains(out, "ops") || strings.Contains(out, "olt_") {
				t.Fatalf("token list: exit %d\n%s%s", code, out, errs)
			}
			code, out, errs = runCmd(t, "token", "list", "--db", dsn, "--format", "json")
			var list []map[string]any
			if code != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 || strings.Contains(out, "olt_") || strings.Contains(out, "hash") {
				t.Fatalf("token list --format json: exit %d\n%s%s", code, out, errs)
			}
			var id string
			for _, tok := range list {
				if tok["name"] == "ops" {
					id, _ = tok["id"].(string)
					exp, err := time.Parse(time.RFC3339, tok["expires_at"].(string))
					if err != nil || exp.Sub(time.Now()) < 89*24*time.Hour || tok["last_used_at"] == nil || tok["revoked"] != false {
						t.Fatalf("listed ops token: %v", tok)
					}
				}
			}
			if len(items(t, s.must(t, 200, "GET", "/v1/tokens", admin, nil))) != 2 {
				t.Fatal("GET /v1/tokens does not list two tokens")
			}

			// Revoked from the command line, refused by the running server at once.
			if code, out, errs := runCmd(t, "token", "revoke", "--db", dsn, id); code != 0 || !strings.Contains(out, "revoked") {
				t.Fatalf("token revoke: exit %d\n%s%s", code, out, errs)
			}
			if _, b := s.call(t, "GET", "/v1/orgs", secret, nil); errCode(b) != "unauthorized" {
				t.Fatalf("revoked token: %v", b)
			}
			if code, _, errs := runCmd(t, "token", "revoke", "--db", dsn, "nope"); code != 1 || !strings.Contains(errs, "not_found") {
				t.Fatalf("revoke unknown: exit %d\n%s", code, errs)
			}
			if code, _, _ := runCmd(t, "token", "revoke", "--db", dsn); code != 2 {
				t.Fatalf("revoke without id: exit %d", code)
			}
			if code, out, _ := runCmd(t, "token", "list", "--db", dsn); code != 0 || !strings.Contains(out, "revoked") {
				t.Fatalf("token list after revoke:\n%s", out)
			}
		})
	}
}

// TestServeHidesDatabasePassword: neither a failing nor a listening serve prints the password of a
// postgres:// DSN (the listening line shows it redacted).
func TestServeHidesDatabasePassword(t *testing.T) {
	const password = "hunter2-s3cret"
	code, out, errs := runCmd(t, "serve", "--db", "postgres://orglife:"+password+"@127.0.0.1:1/orglife?sslmode=disable&connect_timeout=2", "--addr", "127.0.0.1:0")
	if code != 1 || strings.Contains(out+errs, password) {
		t.Fatalf("serve on an unreachable database: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCmd(t, "migrate", "--db", "postgres://orglife@127.0.0.1:1/orglife?password="+password+"&connect_timeout=2")
	if code != 1 || strings.Contains(out+errs, password) {
		t.Fatalf("migrate on an unreachable database: exit %d\n%s%s", code, out, errs)
	}
	dsn, ok := storagetest.DSNs(t)["postgres"]
	if !ok {
		t.Skip("the listening line on PostgreSQL: " + storagetest.EnvPostgres + " is not set")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), password) // the test server trusts local connections
	s := startServer(t, u.String())
	line := listenRE.FindString(s.stderr.String())
	if strings.Contains(s.stderr.String(), password) || !strings.Contains(s.stderr.String(), "xxxxx@") {
		t.Fatalf("serve logs the database password (or no redacted DSN):\n%s", s.stderr.String())
	}
	if line == "" {
		t.Fatal("no listening line")
	}
}

// TestRevokeAcrossServers: two `orglife serve` on one database; a token revoked through one
// answers 401 at its next request on the other.
func TestRevokeAcrossServers(t *testing.T) {
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a := startServer(t, dsn, "--eval-interval", "0")
			admin := a.adminToken(t)
			b := startServer(t, dsn, "--eval-interval", "0")
			created := a.must(t, 201, "POST", "/v1/tokens", admin, obj{"name": "ops", "role": "admin"})
			secret, id := created["token"].(string), created["id"].(string)
			b.must(t, 200, "GET", "/v1/orgs", secret, nil)
			a.must(t, 204, "DELETE", "/v1/tokens/"+id, admin, nil)
			if _, body := b.call(t, "GET", "/v1/orgs", secret, nil); errCode(body) != "unauthorized" {
				t.Fatalf("revoked token on the other server: %v", body)
			}
			b.must(t, 200, "GET", "/v1/orgs", admin, nil)
		})
	}
}
