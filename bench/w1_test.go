package bench

import (
	"context"
	"os"
	"runtime/pprof"
	"strings"
	"testing"
	"time"

	"github.com/orglife/orglife/compliance"
)

// peerRules are the rules the SQL peer covers; copied_minutes is left out (see w1_peer.sql).
var peerRules = map[string]bool{"theme_day_monthly": true, "committee_monthly": true, "group_monthly": true,
	"assembly_quarterly": true, "lecture_quarterly": true}

// TestW1 is workload W1: a full compliance scan of every org over the generated years
// (engine.Service.Evaluate, persisting ledger and violations) against the hand-written SQL peer
// of w1_peer.sql, in the same run. It checks that the engine flags exactly the planted set and,
// on the rules the peer covers, exactly the peer's set.
func TestW1(t *testing.T) {
	e := loadEnv(t)
	ctx := context.Background()
	set, rs := pack(t)
	planted, conn, db := prepare(ctx, t, e, set)
	defer conn.Close(ctx)
	defer db.Close()
	asOf, from, to := e.cfg.EvalRange()
	report(t, "hw", "%s", hardware())

	// the peer, cold-ish then warm
	var peerBest time.Duration
	var peer map[string]bool
	for i := range 2 {
		start := time.Now()
		peer = runPeer(ctx, t, conn, from, to, asOf)
		if d := time.Since(start); i == 0 || d < peerBest {
			peerBest = d
		}
	}
	report(t, "peer", "SQL peer (%d statements): %s, %d flagged", len(peerStatements()), peerBest.Round(time.Millisecond), len(peer))
	var writerBest time.Duration
	var written int64
	for i := range 2 {
		start := time.Now()
		written = runWritingPeer(ctx, t, conn, from, to, asOf)
		if d := time.Since(start); i == 0 || d < writerBest {
			writerBest = d
		}
	}
	report(t, "peer", "writing SQL peer (INSERT … SELECT of the flagged rows): %s, %d rows written", writerBest.Round(time.Millisecond), written)

	// clean compliance tables so every run starts from an empty ledger
	for _, tbl := range []string{"ledger_timeline", "ledger", "violation_history", "violations"} {
		if _, err := conn.Exec(ctx, "TRUNCATE "+tbl+" CASCADE"); err != nil {
			t.Fatal(err)
		}
	}
	// and no stored scheduled state, so the first scheduled run below is a full scan
	if _, err := conn.Exec(ctx, "DELETE FROM settings WHERE key = 'scheduled_evaluation'"); err != nil {
		t.Fatal(err)
	}
	_, chk := service(db, set, rs, asOf, e.cfg.Loc)
	if prof := os.Getenv("ORGLIFE_BENCH_CPUPROFILE"); prof != "" {
		f, err := os.Create(prof)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			t.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	start := time.Now()
	res, err := chk.Evaluate(ctx, admin, compliance.EvaluateParams{AsOf: &asOf, From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	report(t, "engine", "Evaluate: %s for %d orgs, %d ledger rows (%.0f rows/s), %d violations opened; by status %v",
		took.Round(time.Millisecond), res.Orgs, res.Rows, float64(res.Rows)/took.Seconds(), res.Opened, res.ByStatus)
	report(t, "ratio", "engine / SQL peer = %.1f×; engine / writing SQL peer = %.1f×  (target ≤ 1.5×)",
		took.Seconds()/peerBest.Seconds(), took.Seconds()/writerBest.Seconds())

	// a second evaluation over the same data: ledger unchanged, nothing to open
	start = time.Now()
	res2, err := chk.Evaluate(ctx, admin, compliance.EvaluateParams{AsOf: &asOf, From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	took2 := time.Since(start)
	report(t, "engine", "re-Evaluate (ledger present, no changes): %s, %d rows, %d opened; ratio to peer %.1f×",
		took2.Round(time.Millisecond), res2.Rows, res2.Opened, took2.Seconds()/peerBest.Seconds())

	got := engineFlagged(ctx, t, conn)
	want := map[string]bool{}
	for _, p := range planted {
		want[p.Key()] = true
	}
	onlyEngine, onlyPlanted := diff(got, want)
	if len(onlyEngine)+len(onlyPlanted) > 0 {
		t.Errorf("engine vs planted: %d flagged, %d planted; only engine %v; only planted %v", len(got), len(want), onlyEngine, onlyPlanted)
	} else {
		report(t, "check", "engine flagged set == planted set (%d violations)", len(want))
	}
	covered := map[string]bool{}
	for k := range got {
		if rule, _, _ := strings.Cut(k, "|"); peerRules[rule] && !strings.HasSuffix(k, "|copied_minutes") {
			covered[k] = true
		}
	}
	onlyEngine, onlyPeer := diff(covered, peer)
	if len(onlyEngine)+len(onlyPeer) > 0 {
		t.Errorf("engine vs SQL peer: %d vs %d; only engine %v; only peer %v", len(covered), len(peer), onlyEngine, onlyPeer)
	} else {
		report(t, "check", "engine flagged set on the peer's rules == SQL peer set (%d violations)", len(peer))
	}
	// the scheduled path twice, after the checks (its lookback reaches the as-of year's months,
	// which the generated data leaves empty: they open violations): the first (no stored state)
	// is a full scan over the lookback, the second, with nothing changed and no instant passed,
	// evaluates only what is due
	for i := range 2 {
		start = time.Now()
		ran, res, err := chk.RunScheduledOnce(ctx)
		if err != nil || !ran {
			t.Fatalf("scheduled run %d: ran %v err %v", i+1, ran, err)
		}
		d := time.Since(start)
		report(t, "engine", "scheduled run %d: %s, %d orgs, %d keys, %d opened; %.2f %% of the first scan (target for the idle run ≤ 2 %%)",
			i+1, d.Round(time.Millisecond), res.Orgs, res.Rows, res.Opened, 100*d.Seconds()/took.Seconds())
	}
}
