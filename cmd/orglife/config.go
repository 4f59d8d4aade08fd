package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife/compliance"
)

// Defaults of the common flags.
const (
	defaultDB   = "sqlite:orglife.db"
	defaultAddr = ":8080"
	defaultTZ   = "Asia/Shanghai"
)

// common holds the flags every data- or pack-reading subcommand takes.
type common struct {
	db   string
	pack string
	tz   string
	// maxSpanDays is the evaluation span budget (0: the engine's default), for the commands that
	// register it.
	maxSpanDays int
	// lookbackDays is how far back a scheduled evaluation reaches (0: the engine's default).
	lookbackDays int
	// idemRetention is serve's --idempotency-retention (0: the engine's default).
	idemRetention time.Duration
	// maxWaiverDays is serve's --max-waiver-days (0: the engine's default).
	maxWaiverDays int
	// fullScanInterval is serve's --full-scan-interval as compliance.Config takes it (0: the
	// default, negative: never).
	fullScanInterval time.Duration
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("orglife "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	return fs
}

// register adds --db, --pack and --tz with defaults taken from ORGLIFE_DB, ORGLIFE_PACK and
// ORGLIFE_TZ.
func (c *common) register(fs *flag.FlagSet, e env) {
	fs.StringVar(&c.db, "db", envOr(e, "ORGLIFE_DB", defaultDB), "database: sqlite:PATH or postgres://… (env ORGLIFE_DB)")
	fs.StringVar(&c.pack, "pack", e.getenv("ORGLIFE_PACK"), "pack directory; empty: the built-in party-branch pack (env ORGLIFE_PACK)")
	fs.StringVar(&c.tz, "tz", envOr(e, "ORGLIFE_TZ", defaultTZ), "deployment time zone (env ORGLIFE_TZ)")
}

// registerBudgets adds --max-span-days (env ORGLIFE_MAX_SPAN_DAYS) to a command that evaluates.
func (c *common) registerBudgets(fs *flag.FlagSet, e env) {
	def := 0
	if v, err := strconv.Atoi(e.getenv("ORGLIFE_MAX_SPAN_DAYS")); err == nil {
		def = v
	}
	fs.IntVar(&c.maxSpanDays, "max-span-days", def,
		"the most days from-to one evaluation, as-of query or preview may span; 0: the lookback plus a year (766), -1: no limit (env ORGLIFE_MAX_SPAN_DAYS)")
	c.lookbackDays, _ = parseDays(e.getenv("ORGLIFE_LOOKBACK"))
	fs.Func("lookback", "how far back a scheduled evaluation, and a check or preview without --from, reach: days, e.g. 400 or 400d (default 400; env ORGLIFE_LOOKBACK)",
		func(v string) error {
			n, err := parseDays(v)
			c.lookbackDays = n
			return err
		})
}

// registerWaivers adds --max-waiver-days (env ORGLIFE_MAX_WAIVER_DAYS, default 366) to serve.
func (c *common) registerWaivers(fs *flag.FlagSet, e env) {
	def := compliance.DefaultMaxWaiverDays
	if v, err := strconv.Atoi(e.getenv("ORGLIFE_MAX_WAIVER_DAYS")); err == nil {
		def = v
	}
	fs.IntVar(&c.maxWaiverDays, "max-waiver-days", def,
		"the most days ahead a waiver may run: expires_at at most the end of the day this many days after today (env ORGLIFE_MAX_WAIVER_DAYS)")
}

// parseDays reads a number of days written N or Nd ("" is 0).
func parseDays(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("want a positive number of days such as 400 or 400d, not %q", v)
	}
	return n, nil
}

// location loads the --tz zone.
func (c *common) location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.tz)
	if err != nil {
		return nil, fmt.Errorf("--tz %q: %w", c.tz, err)
	}
	return loc, nil
}

func envOr(e env, key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

// parseArgs parses flags that may come before or after positional arguments ("graph plan
// --format dot") and returns the positional ones. ok is false on a usage error (already
// reported); -h answers 0 through the same path.
func parseArgs(fs *flag.FlagSet, args []string) (pos []string, code int, ok bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, 0, false
			}
			return nil, 2, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// newLogger returns the text logger of a subcommand, on w.
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// pinnedClock returns a clock that starts at the instant given by --now and advances with real
// time: now = pinned + time since start. An empty value means the real clock.
func pinnedClock(value string) (func() time.Time, error) {
	if value == "" {
		return time.Now, nil
	}
	pinned, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return nil, fmt.Errorf("--now %q: want an RFC 3339 instant such as 2025-02-03T10:00:00+08:00", value)
	}
	start := time.Now()
	return func() time.Time { return pinned.Add(time.Since(start)) }, nil
}
