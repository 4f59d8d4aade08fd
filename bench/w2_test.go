package bench

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// TestW2 is workload W2: the latency of one committed `record` transition until the ledger shows
// it. Fire returns at its commit, leaving an outbox entry; the time of Fire plus DrainOutbox (the
// worker's evaluation of that entry, without the wake-up's hand-over) is the latency. Run it on a database that TestW1 loaded and evaluated (ORGLIFE_BENCH_REUSE=1).
// ORGLIFE_BENCH_SAMPLES sets the number of transitions (default 200). Its pgbench peer is
// bench/w2_peer.sql (bench/w2.sh runs both).
func TestW2(t *testing.T) {
	e := loadEnv(t)
	ctx := context.Background()
	set, rs := pack(t)
	e.reuse = true
	_, conn, db := prepare(ctx, t, e, set)
	defer conn.Close(ctx)
	defer db.Close()
	asOf, _, _ := e.cfg.EvalRange()
	svc, chk := service(db, set, rs, asOf, e.cfg.Loc)
	samples := 200
	fmt.Sscan(envOr("ORGLIFE_BENCH_SAMPLES", "200"), &samples)
	// the instances to record: theme days in February of the as-of year, one per branch and
	// sample round (a later round moves a day earlier, so unique keys never clash)
	held := asOf.In(e.cfg.Loc).AddDate(0, 0, -10).Format(orglife.DateLayout)
	heldOn := func(i int) string {
		return asOf.In(e.cfg.Loc).AddDate(0, 0, -10-i/e.cfg.Branches).Format(orglife.DateLayout)
	}
	// leftovers of an earlier W2 run (the generated records end the year before)
	for _, q := range []string{
		"DELETE FROM transitions WHERE instance_id IN (SELECT id FROM instances WHERE occurs_on >= $1)",
		"DELETE FROM instances WHERE occurs_on >= $1",
	} {
		if _, err := conn.Exec(ctx, q, heldOn(samples)[:4]+"-01-01"); err != nil {
			t.Fatal(err)
		}
	}
	var fire, start []time.Duration
	for i := range samples {
		org := fmt.Sprintf("b%06d", (i*7919)%e.cfg.Branches+1)
		branch := orglife.Actor{Role: orglife.RoleBranch, OrgID: org, Name: "branch-" + org}
		t0 := time.Now()
		in, err := svc.Start(ctx, branch, engine.StartParams{Workflow: "meeting", OrgID: org,
			Data: map[string]any{"type": "theme_day", "held_on": heldOn(i), "topic": "主题党日 W2"}})
		if err != nil {
			t.Fatalf("start %s: %v", org, err)
		}
		if err := chk.DrainOutbox(ctx); err != nil {
			t.Fatalf("drain after start %s: %v", org, err)
		}
		t1 := time.Now()
		_, err = svc.Fire(ctx, branch, engine.FireParams{InstanceID: in.ID, Event: "record",
			Data: map[string]any{"expected": 20, "present": 18, "minutes": "本次主题党日学习了有关文件，同志们结合实际交流了体会，明确了下一步工作。",
				"absentees": []any{map[string]any{"name": "甲", "reason": "出差"}, map[string]any{"name": "乙", "reason": "病假"}}}})
		if err != nil {
			t.Fatalf("fire %s: %v", org, err)
		}
		if err := chk.DrainOutbox(ctx); err != nil {
			t.Fatalf("drain after fire %s: %v", org, err)
		}
		fire = append(fire, time.Since(t1))
		start = append(start, t1.Sub(t0))
		if i == 0 {
			var status string
			if err := conn.QueryRow(ctx, "SELECT status FROM ledger WHERE rule = 'theme_day_monthly' AND subject_id = $1 AND period_key = $2",
				org, held[:7]).Scan(&status); err != nil {
				t.Fatalf("ledger after fire: %v", err)
			}
			report(t, "w2", "ledger of %s %s after the first Fire: %s", org, held[:7], status)
		}
	}
	report(t, "hw", "%s", hardware())
	report(t, "w2", "Fire(record) + its outbox re-evaluation, %d samples: p50 %s, p99 %s, max %s", samples, pct(fire, 50), pct(fire, 99), pct(fire, 100))
	report(t, "w2", "Start + its outbox re-evaluation, %d samples: p50 %s, p99 %s", samples, pct(start, 50), pct(start, 99))
	// the same work as the pgbench peer, from Go over one pgx connection
	var peer []time.Duration
	for i := range samples {
		org := fmt.Sprintf("b%06d", (i*104729)%e.cfg.Branches+1)
		t0 := time.Now()
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO instances (id, workflow, workflow_version, org_id, state, complete, version, data, created_data,
    occurs_on, created_at, updated_at, recorded_at, created_by, creation_hash)
VALUES (md5(random()::text), 'meeting', 'v', $1, 'recorded', true, 2,
    jsonb_build_object('type', 'theme_day', 'held_on', $2::text, 'expected', 20, 'present', 18, 'minutes', repeat('会议记录', 10)),
    '{}', $2, now(), now(), now(), 'w2-peer', 'h')`, org, held); err != nil {
			t.Fatal(err)
		}
		var n int
		var low, short *bool
		if err := tx.QueryRow(ctx, `SELECT count(*), bool_or((data->>'present')::int * 10 < (data->>'expected')::int * 7),
       bool_or(char_length(coalesce(data->>'minutes', '')) < 30)
FROM instances WHERE org_id = $1 AND workflow = 'meeting' AND complete AND occurs_on >= $2 AND occurs_on <= $3 AND data->>'type' = 'theme_day'`,
			org, held[:8]+"01", held[:8]+"31").Scan(&n, &low, &short); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		peer = append(peer, time.Since(t0))
	}
	if _, err := conn.Exec(ctx, "DELETE FROM instances WHERE created_by = 'w2-peer'"); err != nil {
		t.Fatal(err)
	}
	report(t, "w2", "peer (insert + aggregate in one tx, pgx), %d samples: p50 %s, p99 %s; engine/peer p50 = %.1f×",
		samples, pct(peer, 50), pct(peer, 99), pct(fire, 50).Seconds()/pct(peer, 50).Seconds())
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return s[max(i, 0)].Round(10 * time.Microsecond)
}

// TestTransitionDuringScan measures a transition's latency (Start and Fire, each until its
// commit; the outbox entry is left for the worker, which this test does not run) without and
// during a running full scan of every org (Evaluate over the generated years), on a database
// that TestW1 loaded. ORGLIFE_BENCH_SAMPLES sets the transitions per phase (default 200).
// ORGLIFE_BENCH_SCAN_PAUSE (a duration, default 0) paces the transitions: that pause after each,
// and the phase during the scan then lasts as long as the scan (spread over all of it, as steady
// traffic would be) instead of ending after the samples.
func TestTransitionDuringScan(t *testing.T) {
	e := loadEnv(t)
	ctx := context.Background()
	set, rs := pack(t)
	e.reuse = true
	_, conn, db := prepare(ctx, t, e, set)
	defer conn.Close(ctx)
	defer db.Close()
	asOf, from, to := e.cfg.EvalRange()
	svc, chk := service(db, set, rs, asOf, e.cfg.Loc)
	samples := 200
	fmt.Sscan(envOr("ORGLIFE_BENCH_SAMPLES", "200"), &samples)
	pause, err := time.ParseDuration(envOr("ORGLIFE_BENCH_SCAN_PAUSE", "0s"))
	if err != nil {
		t.Fatal(err)
	}
	clean := func() {
		for _, q := range []string{
			"DELETE FROM transitions WHERE instance_id IN (SELECT id FROM instances WHERE created_by LIKE 'scan-%')",
			"DELETE FROM instances WHERE created_by LIKE 'scan-%'", "DELETE FROM outbox",
		} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
	}
	clean()
	defer clean()
	phase := func(name string, round int, limit int, stop func() bool) []time.Duration {
		var out []time.Duration
		for i := 0; (limit == 0 || i < limit) && !stop(); i++ {
			org := fmt.Sprintf("b%06d", (i*7919+round)%e.cfg.Branches+1)
			branch := orglife.Actor{Role: orglife.RoleBranch, OrgID: org, Name: "scan-" + org}
			// a day per round and per pass over the branches: no two samples share org and day
			held := asOf.In(e.cfg.Loc).AddDate(0, 0, -1-round*10-i/e.cfg.Branches).Format(orglife.DateLayout)
			t0 := time.Now()
			in, err := svc.Start(ctx, branch, engine.StartParams{Workflow: "meeting", OrgID: org,
				Data: map[string]any{"type": "committee", "held_on": held, "topic": "支委会 " + name}})
			if err != nil {
				t.Fatalf("start %s: %v", org, err)
			}
			if _, err := svc.Fire(ctx, branch, engine.FireParams{InstanceID: in.ID, Event: "record",
				Data: map[string]any{"expected": 5, "present": 5, "minutes": "支委会研究了本月工作安排，明确了分工和完成时限，形成决定三项。"}}); err != nil {
				t.Fatalf("fire %s: %v", org, err)
			}
			out = append(out, time.Since(t0)/2)
			time.Sleep(pause)
		}
		return out
	}
	idle := phase("idle", 0, samples, func() bool { return false })
	done := make(chan error, 1)
	var scanning atomic.Bool
	scanning.Store(true)
	began := time.Now()
	go func() {
		_, err := chk.Evaluate(ctx, admin, compliance.EvaluateParams{AsOf: &asOf, From: from, To: to})
		scanning.Store(false)
		done <- err
	}()
	time.Sleep(200 * time.Millisecond) // the scan is under way
	limit := samples
	if pause > 0 {
		limit = 0 // the whole scan
	}
	during := phase("scan", 1, limit, func() bool { return !scanning.Load() })
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	report(t, "hw", "%s", hardware())
	report(t, "scan", "pause %s between transitions; full scan took %s; transitions (Start or Fire, to commit) without it: %d, p50 %s, p99 %s; during it: %d, p50 %s, p99 %s; p50 ratio %.2f× (target ≤ 2×)",
		pause, time.Since(began).Round(time.Millisecond), len(idle), pct(idle, 50), pct(idle, 99), len(during), pct(during, 50), pct(during, 99),
		pct(during, 50).Seconds()/pct(idle, 50).Seconds())
}
