package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage"
)

// serviceOptions is what opening the services needs beyond the common flags.
type serviceOptions struct {
	// Log receives the services' logs.
	Log *slog.Logger
	// Now is the clock (nil: the real one).
	Now func() time.Time
	// Budgets are the evaluation budgets (zero: the engine's defaults).
	Budgets budgetFlags
	// MaxWaiverDays is serve's --max-waiver-days (0: the engine's default).
	MaxWaiverDays int
	// IdempotencyRetention is serve's --idempotency-retention (0: the engine's default).
	IdempotencyRetention time.Duration
	// FullScanInterval is serve's --full-scan-interval as compliance.Config takes it (0: the
	// default, negative: never).
	FullScanInterval time.Duration
	// Observer receives the evaluations' measurements (nil: none).
	Observer compliance.Observer
}

// services are the workflow service and the compliance checker on one opened database; the
// command closes them.
type services struct {
	svc *engine.Service
	chk *compliance.Checker
	db  *storage.DB
}

// Close closes the database.
func (s *services) Close() error { return s.db.Close() }

// access says how a command may use the database; each kind has its own opening method below.
type access int

const (
	// serving migrates the schema and activates the pack's rules when they are due (serve).
	serving access = iota
	// writing writes data (tokens, users, a persisted check) on a current schema, never
	// migrating and never activating rules.
	writing
	// reading never writes: the connection refuses writes and the schema must be current.
	reading
)

// openServing opens the services of serve: the schema is brought up to date and the pack's
// rules are activated when they differ from the active ones.
func (c commonFlags) openServing(ctx context.Context, e env, o serviceOptions) (*services, error) {
	return c.open(ctx, e, o, serving)
}

// openWriting opens the services of a command that writes data: the schema must be current,
// and the rules are the active ones (or the pack's, in memory, when none is active).
func (c commonFlags) openWriting(ctx context.Context, e env, o serviceOptions) (*services, error) {
	return c.open(ctx, e, o, writing)
}

// openReading opens the services of a command that only reads, on a connection that refuses
// writes; the schema must be current.
func (c commonFlags) openReading(ctx context.Context, e env, o serviceOptions) (*services, error) {
	return c.open(ctx, e, o, reading)
}

// open loads the pack, opens the database as mode allows and builds the service and the checker
// on them (the service enqueues evaluations through the checker).
func (c commonFlags) open(ctx context.Context, e env, o serviceOptions, mode access) (*services, error) {
	loc, err := c.location()
	if err != nil {
		return nil, err
	}
	set, rs, err := loadPack(c.Pack, e.stderr)
	if err != nil {
		return nil, err
	}
	var db *storage.DB
	switch mode {
	case serving:
		db, err = openMigrated(ctx, c.DB, o.Log)
	case writing:
		db, err = openCurrent(ctx, c.DB, o.Log)
	default:
		db, err = storage.OpenReadOnly(ctx, c.DB, o.Log)
	}
	if err != nil {
		return nil, err
	}
	var svc *engine.Service
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Now: o.Now, Logger: o.Log, Location: loc,
		MaxSpanDays: o.Budgets.MaxSpanDays, LookbackDays: int(o.Budgets.Lookback), MaxWaiverDays: o.MaxWaiverDays,
		Observer: o.Observer, FullScanInterval: o.FullScanInterval, Housekeeping: func(ctx context.Context) { svc.PruneIdempotencyIfDue(ctx) }})
	svc = engine.New(engine.Config{Store: db, Workflows: set, Now: o.Now, Logger: o.Log, Location: loc,
		IdempotencyRetention: o.IdempotencyRetention, Evaluations: chk})
	if mode == serving {
		err = chk.InitRules(ctx, rs)
	} else {
		err = chk.LoadRules(ctx, rs)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("rules: %w", err)
	}
	return &services{svc: svc, chk: chk, db: db}, nil
}

// openMigrated opens the database of --db and brings its schema up to date (serve, demo).
func openMigrated(ctx context.Context, dsn string, log *slog.Logger) (*storage.DB, error) {
	db, err := storage.Open(ctx, dsn, log)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil { // storage logs each migration it applies
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return db, nil
}

// openCurrent opens the database of --db for writing data; its schema must be current.
func openCurrent(ctx context.Context, dsn string, log *slog.Logger) (*storage.DB, error) {
	db, err := storage.Open(ctx, dsn, log)
	if err != nil {
		return nil, err
	}
	pending, err := db.Pending(ctx)
	if err == nil && len(pending) > 0 {
		err = fmt.Errorf("the schema of the database is not up to date (%d migration(s) pending): run orglife migrate (or start orglife serve) first", len(pending))
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}
