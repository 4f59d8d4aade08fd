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
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/storage"
	"github.com/orglife/orglife/web"
)

// serveCmd is "orglife serve".
type serveCmd struct {
	commonFlags
	budgetFlags
	Addr                 string        `name:"addr" env:"ORGLIFE_ADDR" default:":8080" placeholder:"ADDR" help:"listen address"`
	Now                  string        `name:"now" env:"ORGLIFE_NOW" placeholder:"RFC3339" help:"pin the clock at this RFC 3339 instant; it then advances with real time"`
	Since                string        `name:"since" env:"ORGLIFE_SINCE" placeholder:"YYYY-MM-DD" help:"go-live date: periods that end before it are not_applicable and no record may be dated before it; stored in the database for every server and subcommand"`
	Demo                 bool          `name:"demo" env:"ORGLIFE_DEMO" help:"create a demo org tree and demo tokens once (later starts say they exist)"`
	EvalInterval         time.Duration `name:"eval-interval" env:"ORGLIFE_EVAL_INTERVAL" default:"1h" placeholder:"D" help:"interval of the scheduled compliance evaluation (0 turns it off)"`
	FullScanInterval     time.Duration `name:"full-scan-interval" env:"ORGLIFE_FULL_SCAN_INTERVAL" default:"${full_scan_interval}" placeholder:"D" help:"how often the scheduled evaluation makes a full reconciling scan of every org instead of evaluating only what time made due (0: never)"`
	RemindInterval       time.Duration `name:"remind-interval" env:"ORGLIFE_REMIND_INTERVAL" default:"10m" placeholder:"D" help:"how often the reminder job sends due reminders to the orgs' webhooks (0: never)"`
	Watch                bool          `name:"watch" env:"ORGLIFE_WATCH" help:"reload the rules of --pack DIR when a file under rules/ changes"`
	RulesPoll            time.Duration `name:"rules-poll" env:"ORGLIFE_RULES_POLL" default:"2s" placeholder:"D" help:"how often to follow a rule set activated by another server"`
	Pprof                string        `name:"pprof" env:"ORGLIFE_PPROF" placeholder:"ADDR" help:"serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; off by default, never expose it"`
	IdempotencyRetention time.Duration `name:"idempotency-retention" env:"ORGLIFE_IDEMPOTENCY_RETENTION" default:"${idempotency_retention}" placeholder:"D" help:"how long the response to an Idempotency-Key is kept before it is pruned"`
	MaxWaiverDays        int           `name:"max-waiver-days" env:"ORGLIFE_MAX_WAIVER_DAYS" default:"${max_waiver_days}" placeholder:"N" help:"the most days ahead a waiver may run: expires_at at most the end of the day this many days after today (at least 1)"`
}

// run serves HTTP until ctx is cancelled (SIGINT or SIGTERM), then shuts down gracefully. On an
// empty token table it creates an admin token and prints "admin token: SECRET" once on stderr.
// An invalid pack is reported file:line:column and the server does not start.
func (c *serveCmd) run(ctx context.Context, e env) int {
	if c.FullScanInterval < 0 {
		fmt.Fprintf(e.stderr, "orglife serve: --full-scan-interval must not be negative, not %s\n", c.FullScanInterval)
		return 2
	}
	fullScan := c.FullScanInterval
	if fullScan == 0 {
		fullScan = -1 // never (compliance.Config reads 0 as its default)
	}
	if c.MaxWaiverDays < 1 {
		fmt.Fprintf(e.stderr, "orglife serve: --max-waiver-days must be at least 1, not %d\n", c.MaxWaiverDays)
		return 2
	}
	if c.Watch && c.Pack == "" {
		fmt.Fprintln(e.stderr, "orglife serve: --watch needs --pack DIR (the built-in pack cannot change)")
		return 2
	}
	log := newLogger(e.stderr)
	clock, err := pinnedClock(c.Now)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 2
	}
	metrics := api.NewMetrics()
	s, err := c.openServing(ctx, e, serviceOptions{Log: log, Now: clock, Budgets: c.budgetFlags,
		MaxWaiverDays: c.MaxWaiverDays, IdempotencyRetention: c.IdempotencyRetention, Observer: metrics,
		FullScanInterval: fullScan})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 1
	}
	defer s.Close()
	svc, chk, db := s.svc, s.chk, s.db
	metrics.RegisterDBStats(db.Stats)
	metrics.RegisterOutbox(func() (int, time.Time, error) { return db.OutboxStats(context.Background()) })

	if c.Since != "" {
		changed, err := chk.SetSince(ctx, orglife.SystemActor, c.Since)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife serve: --since:", orglife.ErrorMessage(err))
			return 2
		}
		if changed {
			log.Info("go-live date set", "since", c.Since)
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
	if c.Demo {
		if err := seedDemo(ctx, svc, e.stderr); err != nil {
			fmt.Fprintln(e.stderr, "orglife serve: demo:", err)
			return 1
		}
	}

	rem := newReminderJob(db, chk, svc.Now, log)
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife serve:", err)
		return 1
	}
	srv := &http.Server{
		Handler:           handler(svc, chk, rem, newImporter(db, svc, chk), log, metrics),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          nil,
	}
	log.Info("listening", "addr", ln.Addr().String(), "db", storage.Redact(c.DB), "pack", packName(c.Pack), "tz", c.TZ,
		"now", svc.Now().Format(time.RFC3339), "eval_interval", c.EvalInterval.String())
	if rs := chk.RuleSet(); rs != nil {
		if w := rs.Calendar.Warning(svc.Now().In(chk.Location())); w != "" {
			log.Warn("holiday calendar", "problem", w)
		}
	}
	if c.Pprof != "" {
		go servePprof(c.Pprof, log)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	schedCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	go chk.Schedule(schedCtx, c.EvalInterval)
	go chk.RunOutbox(schedCtx, compliance.DefaultOutboxPoll)
	go rem.Run(schedCtx, c.RemindInterval)
	go syncRules(schedCtx, chk, c.RulesPoll, log)
	if c.Watch {
		go watchRules(schedCtx, chk, svc.WorkflowSet(), c.Pack, time.Second, log)
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
func handler(svc *engine.Service, chk *compliance.Checker, rem *reminders.Job, im *roster.Importer, log *slog.Logger, metrics *api.Metrics) http.Handler {
	apiH := api.New(svc, chk, api.Options{Logger: log, Metrics: metrics, Reminders: rem, Importer: im})
	mux := http.NewServeMux()
	mux.Handle("/v1/", apiH)
	mux.Handle("/healthz", apiH)
	mux.Handle("/metrics", apiH)
	mux.Handle("/", web.New(svc, chk, web.Options{Logger: log, Now: svc.Now, Reminders: rem, Importer: im}))
	return mux
}

// packName names the pack in logs.
func packName(dir string) string {
	if dir == "" {
		return "built-in party-branch"
	}
	return dir
}
