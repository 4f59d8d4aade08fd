package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	partybranch "github.com/orglife/orglife/examples/party-branch"
	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/workflows"
)

// packFS returns the file system of the pack and the prefix under which its files are named in
// problems: the --pack directory, or the built-in pack named examples/party-branch.
func packFS(dir string) (fs.FS, string) {
	if dir == "" {
		return partybranch.FS, "examples/party-branch"
	}
	return os.DirFS(dir), dir
}

// loadWorkflows loads the pack's workflows. On problems it prints each as file:line:column:
// message on w and returns an error.
func loadWorkflows(dir string, w io.Writer) (*workflows.Set, error) {
	fsys, prefix := packFS(dir)
	set, problems := workflows.Load(fsys, "workflows", prefix)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(w, p.String())
		}
		return nil, fmt.Errorf("the pack %s has %d problem(s)", prefix, len(problems))
	}
	return set, nil
}

// loadPack loads the pack's workflows and then its rules, compiled against the workflows'
// collections. On problems it prints each as file:line:column: message on w and returns an error.
func loadPack(dir string, w io.Writer) (*workflows.Set, *rules.RuleSet, error) {
	set, err := loadWorkflows(dir, w)
	if err != nil {
		return nil, nil, err
	}
	fsys, prefix := packFS(dir)
	rs, problems := loadRules(fsys, prefix, set)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(w, p.String())
		}
		return nil, nil, fmt.Errorf("the rules of %s have %d problem(s)", prefix, len(problems))
	}
	return set, rs, nil
}

// loadRules loads rules/ of a pack; a pack without a rules directory has an empty rule set.
func loadRules(fsys fs.FS, prefix string, set *workflows.Set) (*rules.RuleSet, orglife.Problems) {
	if _, err := fs.Stat(fsys, "rules"); err != nil {
		return rules.ParseRuleFiles(map[string][]byte{}, set.Collections())
	}
	return rules.LoadRules(fsys, "rules", prefix, set.Collections())
}

// openStore opens the database of --db and brings its schema up to date.
func openStore(ctx context.Context, dsn string, log *slog.Logger) (*storage.DB, error) {
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

// access says how a command may use the database.
type access int

const (
	// serving migrates the schema and activates the pack's rules when they are due (serve).
	serving access = iota
	// writing writes data (tokens, a persisted check) on a current schema, never migrating
	// and never activating rules.
	writing
	// reading never writes: the connection refuses writes and the schema must be current.
	reading
)

// openService opens the database and loads the pack, and returns the workflow service and the
// compliance checker on them (the service enqueues through the checker). The
// caller closes the DB. Only serve (access serving) migrates and activates rules; the other
// commands use the rule set active in the database, or the pack's rules in memory when none is.
// obs receives the evaluations' measurements (nil: none).
func openService(ctx context.Context, c common, e env, log *slog.Logger, now func() time.Time, obs compliance.Observer) (*engine.Service, *compliance.Checker, *storage.DB, error) {
	return openServiceObserved(ctx, c, e, log, now, serving, obs)
}

func openServiceFor(ctx context.Context, c common, e env, log *slog.Logger, now func() time.Time, mode access) (*engine.Service, *compliance.Checker, *storage.DB, error) {
	return openServiceObserved(ctx, c, e, log, now, mode, nil)
}

func openServiceObserved(ctx context.Context, c common, e env, log *slog.Logger, now func() time.Time, mode access, obs compliance.Observer) (*engine.Service, *compliance.Checker, *storage.DB, error) {
	loc, err := c.location()
	if err != nil {
		return nil, nil, nil, err
	}
	set, rs, err := loadPack(c.pack, e.stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	var db *storage.DB
	switch mode {
	case serving:
		db, err = openStore(ctx, c.db, log)
	case writing:
		db, err = openCurrent(ctx, c.db, log)
	default:
		db, err = storage.OpenReadOnly(ctx, c.db, log)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var svc *engine.Service
	chk := compliance.New(compliance.Config{Store: db, Workflows: set, Now: now, Logger: log, Location: loc,
		MaxSpanDays: c.maxSpanDays, LookbackDays: c.lookbackDays, MaxWaiverDays: c.maxWaiverDays, Observer: obs,
		FullScanInterval: c.fullScanInterval,
		Housekeeping:     func(ctx context.Context) { svc.PruneIdempotencyIfDue(ctx) }})
	svc = engine.New(engine.Config{Store: db, Workflows: set, Now: now, Logger: log, Location: loc,
		IdempotencyRetention: c.idemRetention, Evaluations: chk})
	if mode == serving {
		err = chk.InitRules(ctx, rs)
	} else {
		err = chk.LoadRules(ctx, rs)
	}
	if err != nil {
		db.Close()
		return nil, nil, nil, fmt.Errorf("rules: %w", err)
	}
	return svc, chk, db, nil
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
