package compliance_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/storage/storagetest"
)

// batchObserver records the size of every evaluated batch.
type batchObserver struct {
	mu    sync.Mutex
	sizes []int
}

func (o *batchObserver) BatchEvaluated(b compliance.BatchEvaluation) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.sizes = append(o.sizes, b.Orgs)
}
func (o *batchObserver) BatchPersisted(compliance.BatchPersist)      {}
func (o *batchObserver) EvaluationFinished(compliance.EvaluationRun) {}
func (o *batchObserver) ScheduledSkipped()                           {}
func (o *batchObserver) LockWaited(time.Duration)                    {}
func (o *batchObserver) RecordCache(bool)                            {}

func (o *batchObserver) take() []int {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.sizes
	o.sizes = nil
	return s
}

// TestScanGivesWay: a full scan of a process with no change in flight evaluates its orgs in one
// batch; while a change is in flight it evaluates them in batches of at most 25 orgs, waiting at
// most 50 ms before each for the change to end, and writes the same ledger.
func TestScanGivesWay(t *testing.T) {
	set, rs := packSet(t)
	dsn := storagetest.DSNs(t)["sqlite"]
	w := newWorld(t, storagetest.Open(t, dsn), set, rs)
	obs := &batchObserver{}
	w.svc, w.chk = servicesWith(compliance.Config{Store: w.st, Workflows: set, Rules: rs, Now: w.clock.Now,
		Location: w.chk.Location(), Observer: obs}, w.st)
	p := func(s string) *string { return &s }
	for i := range 60 {
		o := &orglife.Org{ID: fmt.Sprintf("s%02d", i), Name: fmt.Sprintf("第%d支部", i), Kind: orglife.KindBranch, ParentID: p("c")}
		if _, err := w.svc.CreateOrg(w.ctx, admin, o); err != nil {
			t.Fatal(err)
		}
	}
	compliance.DiscardOutbox(t, w.chk)
	w.evaluate(t, "2025-01-01", "2025-01-31")
	if got := obs.take(); len(got) != 1 || got[0] != 66 {
		t.Fatalf("an idle process's scan: batches %v, want one of 66 orgs", got)
	}
	end := w.chk.Begin()
	began := time.Now()
	w.evaluate(t, "2025-01-01", "2025-01-31")
	took := time.Since(began)
	end()
	end() // a second call changes nothing
	got := obs.take()
	if len(got) != 3 || got[0] != 25 || got[1] != 25 || got[2] != 16 {
		t.Fatalf("a scan beside a change in flight: batches %v, want 25, 25, 16", got)
	}
	if took < 150*time.Millisecond {
		t.Fatalf("the scan beside a change in flight took %s: it did not wait before its batches", took)
	}
	if s := w.storedStatus(t, "theme_day_monthly", "s07", "2025-01"); s != orglife.StatusOverdue {
		t.Fatalf("s07 theme_day_monthly 2025-01: %s", s)
	}
}
