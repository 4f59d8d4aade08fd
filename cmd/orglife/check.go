package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// checkCmd is "orglife check": it evaluates the rules over every period overlapping
// --from..--to as of --as-of, prints the ledger (table or JSON) and exits 1 when an open or
// acknowledged violation at or above --fail-on exists in scope. By default it only reports, on a
// read-only connection (--fail-on counts the violations its rows call for); with --persist a run
// of the present persists the ledger and violations like a scheduled run, while a run as of a
// past or future instant still leaves the stored present alone.
type checkCmd struct {
	commonFlags
	budgetFlags
	AsOf    string `name:"as-of" env:"ORGLIFE_AS_OF" placeholder:"T" help:"evaluate as of this RFC 3339 instant or date (default now); a past instant is reported, not stored"`
	Now     string `name:"now" env:"ORGLIFE_NOW" placeholder:"RFC3339" help:"pin the clock at this RFC 3339 instant (the present of the run, as with serve --now)"`
	From    string `name:"from" env:"ORGLIFE_FROM" placeholder:"YYYY-MM-DD" help:"first date of the range; default as-of minus the lookback"`
	To      string `name:"to" env:"ORGLIFE_TO" placeholder:"YYYY-MM-DD" help:"last date of the range; default the as-of date"`
	Org     string `name:"org" env:"ORGLIFE_ORG" placeholder:"ID" help:"only this org and its subtree"`
	Format  string `name:"format" env:"ORGLIFE_FORMAT" default:"table" placeholder:"table|json" help:"output format: table or json"`
	Persist bool   `name:"persist" env:"ORGLIFE_PERSIST" help:"store the ledger and reconcile violations, as a scheduled run of the present does (default: only report)"`
	FailOn  string `name:"fail-on" env:"ORGLIFE_FAIL_ON" placeholder:"SEVERITY" help:"exit 1 when an open violation of this severity or above exists (info|minor|major|critical)"`
}

func (c *checkCmd) run(ctx context.Context, e env) int {
	if c.Format != "table" && c.Format != "json" {
		fmt.Fprintln(e.stderr, "orglife check: --format must be table or json")
		return 2
	}
	if c.FailOn != "" && orglife.SeverityRank(c.FailOn) < 0 {
		fmt.Fprintln(e.stderr, "orglife check: --fail-on must be one of", strings.Join(orglife.Severities, ", "))
		return 2
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", err)
		return 2
	}
	p := compliance.EvaluateParams{From: c.From, To: c.To, OrgID: c.Org}
	if c.AsOf != "" {
		t, err := time.Parse(time.RFC3339, c.AsOf)
		if err != nil {
			d, derr := time.ParseInLocation(orglife.DateLayout, c.AsOf, loc)
			if derr != nil {
				fmt.Fprintln(e.stderr, "orglife check: --as-of must be an RFC 3339 instant or a date")
				return 2
			}
			t = d.AddDate(0, 0, 1).Add(-time.Microsecond) // the end of that day
		}
		p.AsOf = &t
	}
	clock, err := pinnedClock(c.Now)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", err)
		return 2
	}
	o := serviceOptions{Log: newLogger(e.stderr), Now: clock, Budgets: c.budgetFlags}
	open := c.openReading
	if c.Persist {
		open = c.openWriting
	}
	p.DryRun = !c.Persist
	s, err := open(ctx, e, o)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", err)
		return 1
	}
	defer s.Close()
	chk := s.chk
	res, rows, err := chk.Check(ctx, cliActor, p)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", orglife.ErrorMessage(err))
		return 1
	}
	printLedger(e.stdout, c.Format, res, rows, loc)
	if c.FailOn == "" {
		return 0
	}
	n := 0
	if res.Persisted {
		if n, err = openViolationsAtLeast(ctx, chk, c.Org, c.FailOn); err != nil {
			fmt.Fprintln(e.stderr, "orglife check:", orglife.ErrorMessage(err))
			return 1
		}
	} else {
		// as of a past instant nothing is stored: count the violations the rows call for
		for sev, k := range res.Violations {
			if orglife.SeverityRank(sev) >= orglife.SeverityRank(c.FailOn) {
				n += k
			}
		}
	}
	if n > 0 {
		fmt.Fprintf(e.stderr, "orglife check: %d open violation(s) at or above %s\n", n, c.FailOn)
		return 1
	}
	return 0
}

// openViolationsAtLeast counts open or acknowledged violations in the org's subtree (all orgs
// when org is empty) whose severity is at least min.
func openViolationsAtLeast(ctx context.Context, chk *compliance.Checker, org, min string) (int, error) {
	n := 0
	for _, status := range []string{orglife.ViolationOpen, orglife.ViolationAcknowledged} {
		cursor := ""
		for {
			page, err := chk.ListViolations(ctx, cliActor, compliance.ListViolationsParams{OrgID: org, Status: status,
				ListParams: orglife.ListParams{Limit: 500, Cursor: cursor}})
			if err != nil {
				return 0, err
			}
			for _, v := range page.Items {
				if orglife.SeverityRank(v.Severity) >= orglife.SeverityRank(min) {
					n++
				}
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
	}
	return n, nil
}
