package compliance_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/storage/storagetest"
)

// cacheObserver counts the outbox worker's record-cache hits and misses.
type cacheObserver struct{ hits, misses atomic.Int64 }

func (o *cacheObserver) BatchEvaluated(compliance.BatchEvaluation)   {}
func (o *cacheObserver) BatchPersisted(compliance.BatchPersist)      {}
func (o *cacheObserver) EvaluationFinished(compliance.EvaluationRun) {}
func (o *cacheObserver) ScheduledSkipped()                           {}
func (o *cacheObserver) LockWaited(time.Duration)                    {}
func (o *cacheObserver) RecordCache(hit bool) {
	if hit {
		o.hits.Add(1)
	} else {
		o.misses.Add(1)
	}
}

// TestRecordCacheFallsBack: server A's worker re-reads only the changed instance while nothing
// else changed the org; when server B (another checker on the same database) voids a record
// behind A's back, A's next evaluation of the org sees its version moved, re-reads it with the
// new record, and writes the row B's change calls for — never the row of A's stale cache. When
// most of the org's records changed behind A's back, A falls back to the full read.
func TestRecordCacheFallsBack(t *testing.T) {
	set, rs := packSet(t)
	for name, dsn := range storagetest.DSNs(t) {
		t.Run(name, func(t *testing.T) {
			a := newWorld(t, storagetest.Open(t, dsn), set, rs)
			obs := &cacheObserver{}
			a.svc, a.chk = servicesWith(compliance.Config{Store: a.st, Workflows: set, Rules: rs, Now: a.clock.Now,
				Location: a.chk.Location(), Observer: obs}, a.st)
			compliance.SyncOutbox(t, a.chk)
			dbB := storagetest.Open(t, dsn)
			b := &world{st: dbB, set: set, clock: a.clock, ctx: a.ctx}
			b.svc, b.chk = services(dbB, set, rs, a.clock.Now, a.chk.Location())
			compliance.SyncOutbox(t, b.chk)

			x := a.themeDay(t, brB, "b", "2025-01-10") // first read of b: a miss that fills the cache
			a.record(t, brB, x.ID, longMinutes)        // only x re-read: a hit
			if obs.misses.Load() != 1 || obs.hits.Load() != 1 {
				t.Fatalf("after start and record: %d hits, %d misses", obs.hits.Load(), obs.misses.Load())
			}
			if s := a.storedStatus(t, "theme_day_monthly", "b", "2025-01"); s != orglife.StatusLate { // recorded after its due
				t.Fatalf("theme day recorded: %s", s)
			}
			b.mustFire(t, supC, x.ID, "void", nil, "误录") // on B: A's cache still holds x as recorded
			if s := a.storedStatus(t, "theme_day_monthly", "b", "2025-01"); s != orglife.StatusOverdue {
				t.Fatalf("after B's void: %s", s)
			}
			// A change of another record of b on A: its evaluation must see B's void.
			y := a.start(t, brB, "meeting", "b", map[string]any{"type": "theme_day", "held_on": "2025-01-20", "topic": "补开的主题党日"})
			if obs.misses.Load() != 1 || obs.hits.Load() != 2 {
				t.Fatalf("A's evaluation after B's change: %d hits, %d misses, want a hit that re-read B's change", obs.hits.Load(), obs.misses.Load())
			}
			if s := a.storedStatus(t, "theme_day_monthly", "b", "2025-01"); s != orglife.StatusOverdue {
				t.Fatalf("A wrote from its stale cache: theme_day_monthly 2025-01 is %s", s)
			}
			a.record(t, brB, y.ID, longMinutes) // the cache serves again
			if obs.hits.Load() != 3 {
				t.Fatalf("after the second record: %d hits, %d misses", obs.hits.Load(), obs.misses.Load())
			}
			if s := a.storedStatus(t, "theme_day_monthly", "b", "2025-01"); s != orglife.StatusLate {
				t.Fatalf("second theme day recorded: %s", s)
			}
			for i := range 40 { // on B: 40 new records of b, A's cache knows 2
				b.start(t, brB, "meeting", "b", map[string]any{"type": "committee", "held_on": time.Date(2024, 12, 1+i, 0, 0, 0, 0, time.UTC).Format("2006-01-02"), "topic": fmt.Sprintf("支委会%02d", i)})
			}
			z := a.themeDay(t, brB, "b", "2025-02-01")
			if obs.misses.Load() != 2 {
				t.Fatalf("A's evaluation after 40 changes on B: %d hits, %d misses, want the second miss", obs.hits.Load(), obs.misses.Load())
			}
			a.record(t, brB, z.ID, longMinutes)
			if obs.hits.Load() != 4 {
				t.Fatalf("after the full read: %d hits, %d misses", obs.hits.Load(), obs.misses.Load())
			}
		})
	}
}
