// Package engine holds the workflow use cases of orglife: tokens, users and scope checks, the org
// tree and members, starting and advancing workflow instances (roles, guards, required fields,
// actions, optimistic versions, idempotency, hash-chained history), voiding, verify and the audit
// log. It writes the evaluation outbox in the transaction of each change; evaluation itself, the
// ledger, violations and rule administration are the compliance package's, which engine never
// imports (it asks it through Evaluations). It declares the Store it needs and imports orglife,
// workflows and rules; never bun or gin.
package engine

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orglife/orglife/workflows"
)

// Config wires a Service.
type Config struct {
	Store     Store
	Workflows *workflows.Set
	Now       func() time.Time // the clock; pinned by `serve --now`
	Logger    *slog.Logger
	Location  *time.Location // deployment time zone
	// Evaluations is the compliance side (a *compliance.Checker): it says what outbox entry a
	// change calls for, and is told of commits. nil: changes enqueue nothing.
	Evaluations Evaluations
	// IdempotencyRetention is how long the response to an Idempotency-Key is kept at least
	// (default DefaultIdempotencyRetention); older ones are pruned (see PruneIdempotency).
	IdempotencyRetention time.Duration
}

// Service implements the workflow use cases on a Store.
type Service struct {
	store Store
	defs  *workflows.Set
	now   func() time.Time
	log   *slog.Logger
	loc   *time.Location
	evals Evaluations // nil: nothing is enqueued

	// dummy is the password hash failed logins of unknown users are checked against.
	dummy struct {
		once sync.Once
		hash string
	}

	idemRetention time.Duration
	lastPrune     atomic.Int64 // unix nanoseconds of the last pruning of idempotency keys (0: never)
	pruneBatch    int          // keys one DELETE removes at most (tests lower it)
	pruneMax      int          // keys one pruning removes at most
}

// New returns a Service. Nil clock, logger or location default to time.Now, slog.Default and
// Asia/Shanghai.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, defs: cfg.Workflows, now: cfg.Now, log: cfg.Logger, loc: cfg.Location, evals: cfg.Evaluations}
	s.idemRetention, s.pruneBatch, s.pruneMax = cfg.IdempotencyRetention, pruneBatch, pruneMax
	if s.idemRetention <= 0 {
		s.idemRetention = DefaultIdempotencyRetention
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
