// Package engine holds the use cases of orglife: tokens and scope checks, the org tree, starting
// and advancing workflow instances (roles, guards, required fields, actions, optimistic versions,
// idempotency, hash-chained history) and, later, evaluation runs and violations. It declares the
// Store it needs and imports orglife, workflows and rules; never bun or gin.
package engine

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// Config wires a Service.
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
	// IdempotencyRetention is how long the response to an Idempotency-Key is kept at least
	// (default DefaultIdempotencyRetention); older ones are pruned (see PruneIdempotency).
	IdempotencyRetention time.Duration
	// MaxWaiverDays is how far ahead a waiver may run: its expires_at may be at most the end of
	// the day MaxWaiverDays days after today (default DefaultMaxWaiverDays; serve
	// --max-waiver-days).
	MaxWaiverDays int
	// Observer receives measurements of evaluations (nil: none are taken).
	Observer Observer
}

// Service implements the use cases on a Store.
type Service struct {
	store Store
	defs  *workflows.Set
	now   func() time.Time
	log   *slog.Logger
	loc   *time.Location

	ruleSet      atomic.Pointer[rules.RuleSet]
	lookbackDays int
	maxSpanDays  int // 0: no limit
	// dummy is the password hash failed logins of unknown users are checked against.
	dummy struct {
		once sync.Once
		hash string
	}

	obs Observer // never nil

	wall          func() time.Time // the real clock of the outbox's retries (never pinned)
	wake          chan struct{}    // wakes RunOutbox after a local commit that wrote entries
	outboxBackoff time.Duration    // the first retry's delay

	idemRetention time.Duration
	maxWaiverDays int
	lastPrune     atomic.Int64 // unix nanoseconds of the last pruning of idempotency keys (0: never)
	pruneBatch    int          // keys one DELETE removes at most (tests lower it)
	pruneMax      int          // keys one pruning removes at most

	// afterCommit runs after each committed change that wrote outbox entries (in is the instance
	// of a start or a transition, nil for an org or member change): it wakes the worker.
	afterCommit func(in *orglife.Instance)
	// onScheduled runs when a scheduled evaluation starts (tests).
	onScheduled func()
}

// New returns a Service. Nil clock, logger or location default to time.Now, slog.Default and
// Asia/Shanghai.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, defs: cfg.Workflows, now: cfg.Now, log: cfg.Logger, loc: cfg.Location, lookbackDays: cfg.LookbackDays}
	if s.lookbackDays <= 0 {
		s.lookbackDays = 400
	}
	switch s.maxSpanDays = cfg.MaxSpanDays; {
	case s.maxSpanDays == 0:
		s.maxSpanDays = s.lookbackDays + 366
	case s.maxSpanDays < 0:
		s.maxSpanDays = 0
	}
	s.idemRetention, s.pruneBatch, s.pruneMax = cfg.IdempotencyRetention, pruneBatch, pruneMax
	if s.maxWaiverDays = cfg.MaxWaiverDays; s.maxWaiverDays <= 0 {
		s.maxWaiverDays = DefaultMaxWaiverDays
	}
	if s.idemRetention <= 0 {
		s.idemRetention = DefaultIdempotencyRetention
	}
	if cfg.Rules != nil {
		s.ruleSet.Store(cfg.Rules)
	}
	s.wall, s.wake, s.outboxBackoff = time.Now, make(chan struct{}, 1), defaultOutboxBackoff
	s.afterCommit = func(*orglife.Instance) { s.wakeOutbox() }
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

// inTx runs fn in one transaction of the store. tx is the store itself: called with the context
// fn receives, which carries the transaction, its methods run in it.
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context, tx Store) error) error {
	return s.store.InTx(ctx, func(ctx context.Context) error { return fn(ctx, s.store) })
}

// Location returns the deployment time zone.
func (s *Service) Location() *time.Location { return s.loc }

// Now returns the service clock's current instant.
func (s *Service) Now() time.Time { return s.now() }

// EventRef names an event the caller may fire now and the state it leads to.
type EventRef struct {
	Name string `json:"name"`
	To   string `json:"to"`
}
