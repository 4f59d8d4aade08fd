package bench

import (
	"context"
	_ "embed"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/workflows"
)

//go:embed w1_peer.sql
var peerSQL string

// envOr returns the environment variable key, or def when it is empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// benchEnv is the configuration of a bench run, from the environment:
//
//	ORGLIFE_BENCH_DSN       postgres://… of a server where the test may create databases (required)
//	ORGLIFE_BENCH_BRANCHES  branches (default 1000)
//	ORGLIFE_BENCH_YEARS     years (default 3)
//	ORGLIFE_BENCH_SEED      seed (default 1)
//	ORGLIFE_BENCH_REUSE     1: keep an existing loaded database of the same scale
//	ORGLIFE_BENCH_CPUPROFILE  write a CPU profile of the engine's evaluation to this file
//	ORGLIFE_BENCH_DB_PREFIX   prefix of the database name (default orglife_bench), so that runs
//	                          sharing a server keep apart
type benchEnv struct {
	adminDSN string
	cfg      Config
	reuse    bool
}

func loadEnv(t *testing.T) benchEnv {
	dsn := os.Getenv("ORGLIFE_BENCH_DSN")
	if dsn == "" {
		t.Skip("set ORGLIFE_BENCH_DSN=postgres://… to run the performance workloads")
	}
	num := func(key string, def int) int {
		if v := os.Getenv(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s=%q: %v", key, v, err)
			}
			return n
		}
		return def
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return benchEnv{adminDSN: dsn, reuse: os.Getenv("ORGLIFE_BENCH_REUSE") == "1", cfg: Config{
		Branches: num("ORGLIFE_BENCH_BRANCHES", 1000), Years: num("ORGLIFE_BENCH_YEARS", 3), Seed: int64(num("ORGLIFE_BENCH_SEED", 1)),
		AsOf: time.Date(2026, 3, 1, 0, 0, 0, 0, loc), Loc: loc}}
}

// dbName is the database of a scale.
func (e benchEnv) dbName() string {
	return fmt.Sprintf("%s_%d_%d_%d", envOr("ORGLIFE_BENCH_DB_PREFIX", "orglife_bench"), e.cfg.Branches, e.cfg.Years, e.cfg.Seed)
}

// dsn returns the DSN of database name on the server of the admin DSN.
func (e benchEnv) dsn(t *testing.T, name string) string {
	u, err := url.Parse(e.adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// pack loads the built-in party-branch pack.
func pack(t *testing.T) (*workflows.Set, *rules.RuleSet) {
	set, problems := workflows.Load(partybranch.FS, "workflows", "examples/party-branch")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	rs, problems := rules.LoadRules(partybranch.FS, "rules", "examples/party-branch", set.Collections())
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	return set, rs
}

// prepare creates, migrates and loads the database of the scale (or reuses it) and returns the
// planted set, a connection and the storage. It logs the load time and rows per second.
func prepare(ctx context.Context, t *testing.T, e benchEnv, set *workflows.Set) ([]Planted, *pgx.Conn, *storage.DB) {
	admin, err := pgx.Connect(ctx, e.adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	name := e.dbName()
	var exists bool
	if err := admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	load := !exists || !e.reuse
	if load {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
	}
	dsn := e.dsn(t, name)
	db, err := storage.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var planted []Planted
	start := time.Now()
	planted, st, err := Generate(e.cfg, set, func(b *storage.Bulk) error {
		if !load {
			return nil
		}
		return db.BulkLoad(ctx, b)
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if load {
		took := time.Since(start)
		rows := st.Orgs + st.Members + st.Instances + st.Transitions
		report(t, "load", "%d branches × %d years: %d orgs, %d members, %d instances, %d transitions (%d hot branches) generated and loaded in %s = %.0f rows/s",
			st.Branches, e.cfg.Years, st.Orgs, st.Members, st.Instances, st.Transitions, st.Hot, took.Round(time.Millisecond), float64(rows)/took.Seconds())
		start = time.Now()
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE"); err != nil {
			t.Fatal(err)
		}
		report(t, "load", "VACUUM ANALYZE %s", time.Since(start).Round(time.Millisecond))
	}
	report(t, "planted", "%d violations over %d branch-years (%d missed months, %d shallow)", len(planted), st.BranchYears, st.Missed, st.Shallow)
	return planted, conn, db
}

// report logs a result line and appends it to $ORGLIFE_BENCH_OUT when set.
func report(t *testing.T, tag, format string, args ...any) {
	line := fmt.Sprintf("%-8s %s", tag, fmt.Sprintf(format, args...))
	t.Log(line)
	if out := os.Getenv("ORGLIFE_BENCH_OUT"); out != "" {
		f, err := os.OpenFile(out, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err == nil {
			fmt.Fprintln(f, line)
			f.Close()
		}
	}
}

// service returns a workflow service and a compliance checker on db with the pack, pinned at
// asOf, wired as serve wires them.
func service(db *storage.DB, set *workflows.Set, rs *rules.RuleSet, asOf time.Time, loc *time.Location) (*engine.Service, *compliance.Checker) {
	now := func() time.Time { return asOf }
	// MaxSpanDays -1: W1 evaluates three years in one run, past the default span budget.
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Rules: rs, Location: loc, Now: now, MaxSpanDays: -1})
	return engine.New(engine.Config{Store: db, Workflows: set, Location: loc, Now: now, Evaluations: chk}), chk
}

var admin = orglife.Actor{Role: orglife.RoleAdmin, Name: "bench"}

// peerStatements splits w1_peer.sql into its named statements.
func peerStatements() map[string]string {
	out := map[string]string{}
	for _, part := range strings.Split(peerSQL, "-- name: ")[1:] {
		name, body, _ := strings.Cut(part, "\n")
		out[strings.TrimSpace(name)] = strings.TrimSpace(body)
	}
	return out
}

// runPeer runs every peer statement and returns the flagged set.
func runPeer(ctx context.Context, t *testing.T, conn *pgx.Conn, from, to string, asOf time.Time) map[string]bool {
	out := map[string]bool{}
	stmts := peerStatements()
	names := make([]string, 0, len(stmts))
	for n := range stmts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		rows, err := conn.Query(ctx, stmts[n], from, to, asOf)
		if err != nil {
			t.Fatalf("peer %s: %v", n, err)
		}
		for rows.Next() {
			var p Planted
			if err := rows.Scan(&p.Rule, &p.OrgID, &p.Period, &p.Kind, &p.Check); err != nil {
				t.Fatal(err)
			}
			out[p.Key()] = true
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("peer %s: %v", n, err)
		}
	}
	return out
}

// engineFlagged reads the open violations the engine persisted.
func engineFlagged(ctx context.Context, t *testing.T, conn *pgx.Conn) map[string]bool {
	rows, err := conn.Query(ctx, "SELECT rule, org_id, period_key, kind, check_id FROM violations WHERE status = 'open'")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for rows.Next() {
		var p Planted
		if err := rows.Scan(&p.Rule, &p.OrgID, &p.Period, &p.Kind, &p.Check); err != nil {
			t.Fatal(err)
		}
		out[p.Key()] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// diff returns the keys of a missing from b and of b missing from a, at most 5 each.
func diff(a, b map[string]bool) (onlyA, onlyB []string) {
	for k := range a {
		if !b[k] {
			onlyA = append(onlyA, k)
		}
	}
	for k := range b {
		if !a[k] {
			onlyB = append(onlyB, k)
		}
	}
	slices.Sort(onlyA)
	slices.Sort(onlyB)
	return onlyA[:min(5, len(onlyA))], onlyB[:min(5, len(onlyB))]
}

func hardware() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, model, _ = strings.Cut(l, ":")
				break
			}
		}
	}
	return fmt.Sprintf("%s, GOMAXPROCS %d, %s", strings.TrimSpace(model), runtime.GOMAXPROCS(0), runtime.Version())
}

// runWritingPeer runs every peer statement as INSERT … SELECT of its flagged rows into a result
// table, in one transaction, and returns how many rows it wrote: the peer that writes what it
// computes, as the engine writes its ledger (issue 9 point 7).
func runWritingPeer(ctx context.Context, t *testing.T, conn *pgx.Conn, from, to string, asOf time.Time) int64 {
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS w1_result (rule text, org_id text, period text, kind text, check_id text);
		TRUNCATE w1_result`); err != nil {
		t.Fatal(err)
	}
	var n int64
	for name, stmt := range peerStatements() {
		tag, err := tx.Exec(ctx, "INSERT INTO w1_result (rule, org_id, period, kind, check_id) "+stmt, from, to, asOf)
		if err != nil {
			t.Fatalf("writing peer %s: %v", name, err)
		}
		n += tag.RowsAffected()
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	return n
}
