package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/api"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/web"
)

// cmdServe runs the HTTP server until ctx is cancelled (SIGINT or SIGTERM), then shuts down
// gracefully. On an empty token table it creates an admin token and prints "admin token: SECRET"
// once on stderr. An invalid pack is reported file:line:column and the server does not start.
func cmdServe(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("serve", e)
	var c common
	c.register(fs, e)
	c.registerBudgets(fs, e)
	c.registerWaivers(fs, e)
	addr := fs.String("addr", envOr(e, "ORGLIFE_ADDR", defaultAddr), "listen address (env ORGLIFE_ADDR)")
	now := fs.String("now", "", "pin the clock at this RFC 3339 instant; it then advances with real time")
	since := fs.String("since", e.getenv("ORGLIFE_SINCE"), "go-live date YYYY-MM-DD: periods that end before it are not_applicable and no record may be dated before it; stored in the database for every server and subcommand (env ORGLIFE_SINCE)")
	demo := fs.Bool("demo", false, "create a demo org tree and demo tokens once (later starts say they exist)")
	evalInterval := fs.Duration("eval-interval", time.Hour, "interval of the scheduled compliance evaluation")
	fullScan := fs.Duration("full-scan-interval", compliance.DefaultFullScanInterval,
		"how often the scheduled evaluation makes a full reconciling scan of every org instead of evaluating only what time made due (0: never)")
	watch := fs.Bool("watch", false, "reload the rules of --pack DIR when a file under rules/ changes")
	rulesPoll := fs.Duration("rules-poll", 2*time.Second, "how often to follow a rule set activated by another server")
	pprofAddr := fs.String("pprof", "", "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; off by default, never expose it")
	fs.DurationVar(&c.idemRetention, "idempotency-retention", engine.DefaultIdempotencyRetention,
		"how long the response to an Idempotency-Key is kept before it is pruned")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife serve: unexpected argument %q\n", pos[0])
		return 2
	}
	if c.maxWaiverDays < 1 {
		fmt.Fprintf(e.stderr, "orglife serve: --max-waiver-days must be at least 1, not %d\n", c.maxWaiverDays)
		return 2
	}
	switch {
	case *fullScan < 0:
		fmt.Fprintf(e.stderr, "orglife serve: --full-scan-interval must not be negative, not %s\n", *fullScan)
		return 2
	case *fullScan == 0:
		c.fullScanInterval = -1 // never
	default:
		c.fullScanInterval = *fullScan
	}
	if *watch && c.pack == "" {
		fmt.Fprintln(e.stderr, "orglife serve: --watch needs --pack DIR (the built-in pack cannot change)")
		return 2
	}
	log := newLogger(e.stderr)
	clock, err := pinnedClock(*now)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 2
	}
	metrics := api.NewMetrics()
	svc, chk, db, err := openService(ctx, c, e, log, clock, metrics)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 1
	}
	defer db.Close()
	metrics.RegisterDBStats(db.Stats)
	metrics.RegisterOutbox(func() (int, time.Time, error) { return db.OutboxStats(context.Background()) })

	if *since != "" {
		changed, err := chk.SetSince(ctx, orglife.SystemActor, *since)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife serve: --since:", orglife.ErrorMessage(err))
			return 2
		}
		if changed {
			log.Info("go-live date set", "since", *since)
		}
	}
	secret, err := svc.Bootstrap(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve: bootstrap:", err)
		return 1
	}
	if secret != "" {
		fmt.Fprintf(e.stderr, "admin token: %s\n", secret)
	}
	password, err := svc.BootstrapUser(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve: bootstrap:", err)
		return 1
	}
	if password != "" {
		fmt.Fprintf(e.stderr, "admin user: admin  password: %s  (log in at http://HOST/login; change it with `orglife user passwd admin`)\n", password)
	}
	if *demo {
		if err := seedDemo(ctx, svc, e.stderr); err != nil {
			fmt.Fprintln(e.stderr, "orglife serve: demo:", err)
			return 1
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 1
	}
	srv := &http.Server{
		Handler:           handler(svc, chk, log, metrics),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", storage.Redact(c.db), "pack", packName(c.pack), "tz", c.tz,
		"now", svc.Now().Format(time.RFC3339), "eval_interval", evalInterval.String())
	if *pprofAddr != "" {
		go servePprof(*pprofAddr, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	schedCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	go chk.Schedule(schedCtx, *evalInterval)
	go chk.RunOutbox(schedCtx, compliance.DefaultOutboxPoll)
	go syncRules(schedCtx, chk, *rulesPoll, log)
	if *watch {
		go watchRules(schedCtx, chk, svc.WorkflowSet(), c.pack, time.Second, log)
	}
	select {
	case err := <-errc:
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(e.stderr, "orglife serve: shutdown:", err)
		return 1
	}
	return 0
}

// handler serves the API (/v1/, /healthz, /metrics) and the web interface (everything else).
func handler(svc *engine.Service, chk *compliance.Checker, log *slog.Logger, metrics *api.Metrics) http.Handler {
	apiH := api.New(svc, chk, api.Options{Logger: log, Metrics: metrics})
	mux := http.NewServeMux()
	mux.Handle("/v1/", apiH)
	mux.Handle("/healthz", apiH)
	mux.Handle("/metrics", apiH)
	mux.Handle("/", web.New(svc, chk, web.Options{Logger: log, Now: svc.Now}))
	return mux
}

// packName names the pack in logs.
func packName(dir string) string {
	if dir == "" {
		return "built-in party-branch"
	}
	return dir
}
