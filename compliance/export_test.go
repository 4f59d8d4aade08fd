package compliance

import (
	"context"
	"time"

	"github.com/orglife/orglife"
)

// SetOnScheduled makes RunScheduledOnce call f once it holds the scheduler lock, before it
// evaluates (tests use it to hold a scheduled run open).
func SetOnScheduled(s *Checker, f func()) { s.onScheduled = f }

// SyncOutbox makes s drain the outbox right after each commit that wrote entries, as the worker
// would a moment later, so that a test reads the ledger of a change as soon as its call returns.
// A failure fails the test through t.
func SyncOutbox(t interface{ Errorf(string, ...any) }, s *Checker) {
	s.afterCommit = func(*orglife.Instance) {
		if err := s.DrainOutbox(context.Background()); err != nil {
			t.Errorf("drain the outbox: %v", err)
		}
	}
}

// SetOutboxBackoff sets the delay before the first retry of a failed outbox entry.
func SetOutboxBackoff(s *Checker, d time.Duration) { s.outboxBackoff = d }

// DiscardOutbox deletes every outbox entry: a test's setup (orgs, members) then leaves the ledger
// alone until the test evaluates, as before changes were enqueued.
func DiscardOutbox(t interface{ Fatalf(string, ...any) }, s *Checker) {
	ctx := context.Background()
	es, err := s.store.OutboxEntries(ctx, 0)
	if err == nil {
		err = s.store.DeleteOutbox(ctx, entryIDs(es))
	}
	if err != nil {
		t.Fatalf("discard the outbox: %v", err)
	}
}

// AsyncOutbox undoes SyncOutbox: commits wake the worker again, and nothing else.
func AsyncOutbox(s *Checker) { s.afterCommit = func(*orglife.Instance) { s.wakeOutbox() } }

// AffectedRules exposes affectedRules: the rules an outbox batch re-evaluates.
func AffectedRules(s *Checker, es []*orglife.OutboxEntry) []string {
	ids, _ := s.affectedRules(s.RuleSet(), es)
	return ids
}

// SetFullScanInterval sets the scheduled evaluation's full-scan interval (≤ 0: never).
func SetFullScanInterval(s *Checker, d time.Duration) { s.fullScanInterval = d }

// ManualOutbox makes commits leave the outbox to the test (DrainOutbox), with no worker woken.
func ManualOutbox(s *Checker) { s.afterCommit = func(*orglife.Instance) {} }
