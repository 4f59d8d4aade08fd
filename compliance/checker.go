// Package compliance holds the compliance use cases of orglife: evaluation runs (by request, by
// the outbox worker after each change, by the schedule, as of an instant), the ledger and its
// timeline, violations and their lifecycle (acknowledge, waive, resolve), rule-set
// administration (validate, put, activate, roll back, trial, preview), the go-live date and the
// compliance matrix and summaries. It declares the Store it needs and imports orglife, workflows
// and rules; never engine, bun or gin. engine writes the outbox entries this package evaluates,
// asking a Checker (engine.Evaluations) what each change calls for.
package compliance

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// Config wires a Checker.
type Config struct {
	Store     Store
	Workflows *workflows.Set
	Now       func() time.Time // the clock; pinned by `serve --now`
	Logger    *slog.Logger
	Location  *time.Location // deployment time zone
	// Rules is the rule set active at start (nil: no compliance evaluation until one is set).
	Rules *rules.RuleSet
	// LookbackDays is how far back a scheduled evaluation reaches (default 400).
	LookbackDays int
	// MaxSpanDays is the most days from–to that one evaluation, as-of query or preview may span
	// (default: the lookback plus a year, 766 days by default); negative means no limit.
	MaxSpanDays int
	// MaxWaiverDays is how far ahead a waiver may run: its expires_at may be at most the end of
	// the day MaxWaiverDays days after today (default DefaultMaxWaiverDays; serve
	// --max-waiver-days).
	MaxWaiverDays int
	// FullScanInterval is how often the scheduled evaluation makes a full reconciling scan of
	// every org instead of an incremental run (0: DefaultFullScanInterval; negative: never, apart
	// from the scans calendar dates and rule-set changes call for). serve --full-scan-interval.
	FullScanInterval time.Duration
	// Observer receives measurements of evaluations (nil: none are taken).
	Observer Observer
	// Housekeeping runs at every tick of Schedule, before the scheduled evaluation (serve passes
	// engine.Service.PruneIdempotencyIfDue). nil: nothing.
	Housekeeping func(ctx context.Context)
}

// Checker implements the compliance use cases on a Store.
type Checker struct {
	store Store
	defs  *workflows.Set
	now   func() time.Time
	log   *slog.Logger
	loc   *time.Location

	ruleSet      atomic.Pointer[rules.RuleSet]
	lookbackDays int
	maxSpanDays  int // 0: no limit

	obs Observer // never nil

	cache *recordCache // the outbox worker's decoded instances per org

	wall          func() time.Time // the real clock of the outbox's retries (never pinned)
	wake          chan struct{}    // wakes RunOutbox after a local commit that wrote entries
	active        activity         // the changes in flight, which full scans give way to
	outboxBackoff time.Duration    // the first retry's delay

	fullScanInterval time.Duration // ≤ 0: never

	maxWaiverDays int
	housekeeping  func(ctx context.Context) // never nil

	// afterCommit runs after each committed change that wrote outbox entries (in is the instance
	// of a start or a transition, nil for an org or member change): it wakes the worker.
	afterCommit func(in *orglife.Instance)
	// onScheduled runs when a scheduled evaluation starts (tests).
	onScheduled func()
}

// New returns a Checker. Nil clock, logger or location default to time.Now, slog.Default and
// Asia/Shanghai.
func New(cfg Config) *Checker {
	s := &Checker{store: cfg.Store, defs: cfg.Workflows, now: cfg.Now, log: cfg.Logger, loc: cfg.Location, lookbackDays: cfg.LookbackDays}
	if s.lookbackDays <= 0 {
		s.lookbackDays = 400
	}
	switch s.maxSpanDays = cfg.MaxSpanDays; {
	case s.maxSpanDays == 0:
		s.maxSpanDays = s.lookbackDays + 366
	case s.maxSpanDays < 0:
		s.maxSpanDays = 0
	}
	if s.fullScanInterval = cfg.FullScanInterval; s.fullScanInterval == 0 {
		s.fullScanInterval = DefaultFullScanInterval
	}
	if s.maxWaiverDays = cfg.MaxWaiverDays; s.maxWaiverDays <= 0 {
		s.maxWaiverDays = DefaultMaxWaiverDays
	}
	if cfg.Rules != nil {
		s.ruleSet.Store(cfg.Rules)
	}
	s.wall, s.wake, s.outboxBackoff = time.Now, make(chan struct{}, 1), defaultOutboxBackoff
	s.cache = newRecordCache()
	s.afterCommit = func(*orglife.Instance) { s.wakeOutbox() }
	if s.housekeeping = cfg.Housekeeping; s.housekeeping == nil {
		s.housekeeping = func(context.Context) {}
	}
	if s.obs = cfg.Observer; s.obs == nil {
		s.obs = nopObserver{}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.loc == nil {
		s.loc, _ = time.LoadLocation("Asia/Shanghai")
	}
	return s
}

// Location returns the deployment time zone.
func (s *Checker) Location() *time.Location { return s.loc }

// Now returns the checker clock's current instant.
func (s *Checker) Now() time.Time { return s.now() }

// instant returns the clock's now in UTC at the microsecond precision both databases keep.
func (s *Checker) instant() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// inTx runs fn in one transaction of the store. tx is the store itself: called with the context
// fn receives, which carries the transaction, its methods run in it.
func (s *Checker) inTx(ctx context.Context, fn func(ctx context.Context, tx Store) error) error {
	return s.store.InTx(ctx, func(ctx context.Context) error { return fn(ctx, s.store) })
}
