package main

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// commonFlags are --db, --pack and --tz, which every subcommand takes with the same defaults
// and environment variables (spec §6).
type commonFlags struct {
	DB   string `name:"db" env:"ORGLIFE_DB" default:"sqlite:orglife.db" placeholder:"DSN" help:"database: sqlite:PATH or postgres://…"`
	Pack string `name:"pack" env:"ORGLIFE_PACK" placeholder:"DIR" help:"pack directory; empty: the built-in party-branch pack"`
	TZ   string `name:"tz" env:"ORGLIFE_TZ" default:"Asia/Shanghai" placeholder:"ZONE" help:"deployment time zone: where days, months, quarters and years begin"`
}

// location loads the --tz zone.
func (c commonFlags) location() (*time.Location, error) {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return nil, fmt.Errorf("--tz %q: %w", c.TZ, err)
	}
	return loc, nil
}

// budgetFlags are the evaluation budgets of the commands that evaluate (serve, check, preview).
type budgetFlags struct {
	MaxSpanDays int  `name:"max-span-days" env:"ORGLIFE_MAX_SPAN_DAYS" default:"0" placeholder:"N" help:"the most days from-to one evaluation, as-of query or preview may span; 0: the lookback plus a year (766), -1: no limit"`
	Lookback    days `name:"lookback" env:"ORGLIFE_LOOKBACK" default:"400" placeholder:"DAYS" help:"how far back a scheduled evaluation, and a check or preview without --from, reach: days, e.g. 400 or 400d"`
}

// days is a positive number of days written N or Nd (--lookback).
type days int

// UnmarshalText reads N or Nd.
func (d *days) UnmarshalText(b []byte) error {
	v := string(b)
	n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive number of days such as 400 or 400d, not %q", v)
	}
	*d = days(n)
	return nil
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
