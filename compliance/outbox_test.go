package compliance_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage/storagetest"
	"github.com/orglife/orglife/workflows"
)

// asyncWorld is newWorld whose commits only wake a worker (none runs until the test starts one).
func asyncWorld(t *testing.T, db store, set *workflows.Set, rs *rules.RuleSet) *world {
	t.Helper()
	w := newWorld(t, db, set, rs)
	compliance.AsyncOutbox(w.chk)
	return w
}

// worker runs chk's outbox worker until the test ends.
func worker(t *testing.T, chk *compliance.Checker, poll time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); chk.RunOutbox(ctx, poll) }()
	t.Cleanup(func() { cancel(); <-done })
}

// outbox returns the entries left in st's outbox.
func outbox(t *testing.T, st compliance.Store) []*orglife.OutboxEntry {
	t.Helper()
	es, err := st.OutboxEntries(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// waitFor polls cond every 5 ms until it holds or within fails the test; it returns how long
// it waited.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// storedStatus returns the stored status of an org rule's row, "" when there is none.
func (w *world) storedStatus(t *testing.T, rule, org, period string) orglife.Status {
	t.Helper()
	rows, err := w.st.LedgerRows(w.ctx, orglife.LedgerFilter{OrgIDs: []string{org}, Rules: []string{rule}, Period: period})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		return ""
	}
	return rows[0].Status
}

// TestTransitionReturnsBeforeReevaluation: a start or an event returns at its commit, leaving an
// outbox entry; the worker, woken by the next commit, brings the ledger up to date within a
// second (a functional bound, not a benchmark).
func TestTransitionReturnsBeforeReevaluation(t *testing.T) {
	const rule = "theme_day_monthly"
	set, rs := packSet(t)
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			w := asyncWorld(t, db, set, rs)
			m := w.themeDay(t, branchB2, "b2", "2025-02-12")
			if got := w.storedStatus(t, rule, "b2", "2025-02"); got != "" {
				t.Fatalf("the start re-evaluated in the request: %s", got)
			}
			es := outbox(t, w.st)
			if len(es) != 1 || es[0].OrgID != "b2" || es[0].From != "2025-02-12" || es[0].InstanceID != m.ID {
				t.Fatalf("outbox after the start: %+v", es)
			}
			worker(t, w.chk, time.Hour) // only a start-up pass and wake-ups, no polling
			waitFor(t, 5*time.Second, "the worker's first pass", func() bool { return len(outbox(t, w.st)) == 0 })
			if got := w.storedStatus(t, rule, "b2", "2025-02"); got != orglife.StatusPending {
				t.Fatalf("after the worker's pass: %q", got)
			}
			w.record(t, branchB2, m.ID, longMinutes)
			took := waitFor(t, time.Second, "the ledger after the record", func() bool {
				return w.storedStatus(t, rule, "b2", "2025-02") == orglife.StatusCompliant
			})
			t.Logf("record → ledger row updated by the worker in %v", took)
			if es := outbox(t, w.st); len(es) != 0 {
				t.Fatalf("outbox after the worker: %+v", es)
			}
		})
	}
}

// TestOutboxSurvivesACrash: a server commits transitions and dies before it evaluates them; the
// entries are in the database, and the next server's worker evaluates them when it starts.
func TestOutboxSurvivesACrash(t *testing.T) {
	const rule = "theme_day_monthly"
	set, rs := packSet(t)
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			dbA := storagetest.Open(t, dsn)
			a := asyncWorld(t, dbA, set, rs)
			m := a.themeDay(t, branchB2, "b2", "2025-01-20")
			a.record(t, branchB2, m.ID, longMinutes)
			_ = dbA.Close() // the crash: no worker ever ran on A
			dbB := storagetest.Open(t, dsn)
			b := &world{st: dbB, set: set, clock: a.clock, ctx: a.ctx}
			b.svc, b.chk = services(dbB, set, rs, a.clock.Now, shanghai(t))
			if es := outbox(t, dbB); len(es) != 2 {
				t.Fatalf("entries after the crash: %+v", es)
			}
			if got := b.storedStatus(t, rule, "b2", "2025-01"); got != "" {
				t.Fatalf("evaluated before the restart: %s", got)
			}
			worker(t, b.chk, time.Hour)
			waitFor(t, 5*time.Second, "the restarted worker", func() bool { return len(outbox(t, dbB)) == 0 })
			if got := b.storedStatus(t, rule, "b2", "2025-01"); got != orglife.StatusLate { // recorded after the due date
				t.Fatalf("after the restart: %q", got)
			}
		})
	}
}

func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// flakyStore fails SaveLedger while fails is positive.
type flakyStore struct {
	store
	fails *atomic.Int64
}

func (f flakyStore) SaveLedger(ctx context.Context, rows []*orglife.LedgerRow, changes []orglife.LedgerChange) error {
	if f.fails.Add(-1) >= 0 {
		return errors.New("injected failure")
	}
	return f.store.SaveLedger(ctx, rows, changes)
}

// slowLock waits 20 ms before it takes evaluation locks.
type slowLock struct{ store }

func (s slowLock) LockEvaluation(ctx context.Context, orgIDs []string) error {
	time.Sleep(20 * time.Millisecond)
	return s.store.LockEvaluation(ctx, orgIDs)
}

// TestOutboxRetriesAFailure: a failed re-evaluation leaves its entry, with the attempt and the
// error, out of claims until its backoff ends; the worker retries it until it succeeds.
func TestOutboxRetriesAFailure(t *testing.T) {
	const rule = "theme_day_monthly"
	set, rs := packSet(t)
	for name, db := range storagetest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			var fails atomic.Int64
			w := asyncWorld(t, flakyStore{store: db, fails: &fails}, set, rs)
			// a backoff long enough that a loaded host cannot outrun it between the failure and
			// the checks below; the retries then run on a short one
			compliance.SetOutboxBackoff(w.chk, time.Second)
			fails.Store(3)
			w.themeDay(t, branchB2, "b2", "2025-02-12")
			failedAt := time.Now()
			if err := w.chk.DrainOutbox(w.ctx); err == nil || !strings.Contains(err.Error(), "injected failure") {
				t.Fatalf("drain: %v", err)
			}
			es := outbox(t, db)
			if len(es) != 1 || es[0].Attempts != 1 || !strings.Contains(es[0].LastError, "injected failure") || !es[0].AvailableAt.After(failedAt) {
				t.Fatalf("entry after a failure: %+v", es)
			}
			if err := w.chk.DrainOutbox(w.ctx); err != nil { // the entry waits for its backoff
				t.Fatalf("drain during the backoff: %v", err)
			}
			if got := w.storedStatus(t, rule, "b2", "2025-02"); got != "" {
				t.Fatalf("stored despite the failure: %s", got)
			}
			compliance.SetOutboxBackoff(w.chk, 20*time.Millisecond)
			worker(t, w.chk, 10*time.Millisecond)
			waitFor(t, 15*time.Second, "the retries", func() bool { return len(outbox(t, db)) == 0 })
			if got := w.storedStatus(t, rule, "b2", "2025-02"); got != orglife.StatusPending || fails.Load() >= 0 {
				t.Fatalf("after the retries: %q (failures left %d)", got, fails.Load())
			}
		})
	}
}

// TestEvaluationsRaceTransitionsOnTwoServers: server A runs full evaluations back to back while
// server B records and returns meetings (both run outbox workers, on one database); at the end
// every stored ledger row equals a fresh (dry-run) evaluation of the final data. No evaluation
// may have written rows computed from data older than the stored rows.
func TestEvaluationsRaceTransitionsOnTwoServers(t *testing.T) {
	set, rs := packSet(t)
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a := asyncWorld(t, storagetest.Open(t, dsn), set, rs)
			// The clock advances (as serve --now's does): a run's as_of is then earlier than the
			// transitions that commit while it waits for or evaluates an org.
			base, started := a.clock.Now(), time.Now()
			now := func() time.Time { return base.Add(time.Since(started)) }
			// A's batches also wait a while before they lock, as the batches of a long scan do.
			a.svc, a.chk = services(slowLock{store: a.st}, set, rs, now, shanghai(t))
			compliance.AsyncOutbox(a.chk)
			dbB := storagetest.Open(t, dsn)
			b := &world{st: dbB, set: set, clock: a.clock, ctx: a.ctx}
			b.svc, b.chk = services(dbB, set, rs, now, shanghai(t))
			worker(t, a.chk, 20*time.Millisecond)
			worker(t, b.chk, 20*time.Millisecond)

			stop := make(chan struct{})
			scans := make(chan error, 1)
			var runs atomic.Int64
			go func() {
				for {
					select {
					case <-stop:
						scans <- nil
						return
					default:
					}
					if _, err := a.chk.Evaluate(a.ctx, admin, compliance.EvaluateParams{}); err != nil {
						scans <- err
						return
					}
					runs.Add(1)
					// SQLite hands its write lock to no one in particular: a writer that sleeps in
					// its busy handler may miss back-to-back scans for its whole timeout.
					time.Sleep(30 * time.Millisecond)
				}
			}()
			const rounds = 30
			for i := range rounds {
				org, branch := "b", brB
				if i%2 == 1 {
					org, branch = "b2", branchB2
				}
				heldOn := fmt.Sprintf("2024-%02d-%02d", 2+i%11, 1+i/11)
				m, err := b.svc.Start(b.ctx, branch, engine.StartParams{Workflow: "meeting", OrgID: org,
					Data: map[string]any{"type": "theme_day", "held_on": heldOn, "topic": "主题党日"}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := b.svc.Fire(b.ctx, branch, engine.FireParams{InstanceID: m.ID, Event: "record",
					Data: map[string]any{"minutes": longMinutes, "expected": 10.0, "present": 10.0}}); err != nil {
					t.Fatal(err)
				}
				if i%3 == 0 {
					if _, err := b.svc.Fire(b.ctx, supC, engine.FireParams{InstanceID: m.ID, Event: "return", Comment: "请补充缺席人员"}); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(time.Duration(i%4) * 3 * time.Millisecond) // vary where transitions land in a scan
			}
			close(stop)
			if err := <-scans; err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "the workers", func() bool { return len(outbox(t, dbB)) == 0 })
			t.Logf("%d full evaluations on A against %d transitions on B", runs.Load(), rounds*2+rounds/3)

			_, fresh, err := a.chk.Check(a.ctx, admin, compliance.EvaluateParams{DryRun: true})
			if err != nil {
				t.Fatal(err)
			}
			stored, err := dbB.LedgerRows(b.ctx, orglife.LedgerFilter{})
			if err != nil {
				t.Fatal(err)
			}
			byKey := map[string]*orglife.LedgerRow{}
			for _, r := range stored {
				byKey[compliance.LedgerCursor(r)] = r
			}
			wrong := 0
			for i := range fresh {
				r := &fresh[i]
				s := byKey[compliance.LedgerCursor(r)]
				switch {
				case s == nil:
					t.Errorf("no stored row for %s %s %s %s (fresh: %s)", r.OrgID, r.Rule, r.SubjectID, r.PeriodKey(), r.Status)
				case s.Status != r.Status:
					// Statuses, not evidence: a re-evaluation covers the periods from the record's
					// (see instanceEntry), while a period rule's evidence may cite records of
					// later periods.
					t.Errorf("%s %s %s %s: stored %s, fresh %s", r.OrgID, r.Rule, r.SubjectID, r.PeriodKey(), s.Status, r.Status)
				default:
					continue
				}
				if wrong++; wrong >= 10 {
					t.Fatalf("more wrong rows left out (of %d fresh rows)", len(fresh))
				}
			}
			if len(fresh) == 0 {
				t.Fatal("the fresh evaluation produced no rows")
			}
		})
	}
}
