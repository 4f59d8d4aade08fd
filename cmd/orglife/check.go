package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// cmdCheck evaluates the rules over every period overlapping --from..--to as of --as-of, prints
// the ledger (table or JSON) and exits 1 when an open or acknowledged violation at or above
// --fail-on exists in scope. By default it only reports, on a read-only connection (--fail-on
// counts the violations its rows call for); with --persist a run of the present persists the
// ledger and violations like a scheduled run, while a run as of a past or future instant still
// leaves the stored present alone.
func cmdCheck(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("check", e)
	var c common
	c.register(fs, e)
	c.registerBudgets(fs, e)
	asOf := fs.String("as-of", "", "evaluate as of this RFC 3339 instant or date (default now); a past instant is reported, not stored")
	now := fs.String("now", "", "pin the clock at this RFC 3339 instant (the present of the run, as with serve --now)")
	from := fs.String("from", "", "first date (YYYY-MM-DD) of the range; default as-of minus the lookback")
	to := fs.String("to", "", "last date (YYYY-MM-DD) of the range; default the as-of date")
	org := fs.String("org", "", "only this org and its subtree")
	format := fs.String("format", "table", "table or json")
	persist := fs.Bool("persist", false, "store the ledger and reconcile violations, as a scheduled run of the present does (default: only report)")
	failOn := fs.String("fail-on", "", "exit 1 when an open violation of this severity or above exists (info|minor|major|critical)")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife check: unexpected argument %q\n", pos[0])
		return 2
	}
	if *format != "table" && *format != "json" {
		fmt.Fprintln(e.stderr, "orglife check: --format must be table or json")
		return 2
	}
	if *failOn != "" && orglife.SeverityRank(*failOn) < 0 {
		fmt.Fprintln(e.stderr, "orglife check: --fail-on must be one of", strings.Join(orglife.Severities, ", "))
		return 2
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", err)
		return 2
	}
	p := compliance.EvaluateParams{From: *from, To: *to, OrgID: *org}
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339, *asOf)
		if err != nil {
			d, derr := time.ParseInLocation(orglife.DateLayout, *asOf, loc)
			if derr != nil {
				fmt.Fprintln(e.stderr, "orglife check: --as-of must be an RFC 3339 instant or a date")
				return 2
			}
			t = d.AddDate(0, 0, 1).Add(-time.Microsecond) // the end of that day
		}
		p.AsOf = &t
	}
	clock, err := pinnedClock(*now)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", err)
		return 2
	}
	log := newLogger(e.stderr)
	mode := reading
	if *persist {
		mode = writing
	}
	p.DryRun = !*persist
	_, chk, db, err := openServiceFor(ctx, c, e, log, clock, mode)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", err)
		return 1
	}
	defer db.Close()
	res, rows, err := chk.Check(ctx, cliActor, p)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife check:", orglife.ErrorMessage(err))
		return 1
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if rows == nil {
			rows = []orglife.LedgerRow{}
		}
		_ = enc.Encode(map[string]any{"result": res, "rows": rows})
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ORG\tRULE\tSUBJECT\tPERIOD\tDUE\tSTATUS\tEXPLANATION")
		for _, r := range rows {
			due := "-"
			if r.Due != nil {
				due = r.Due.In(loc).Format("2006-01-02 15:04")
			}
			period := r.PeriodKey()
			if period == "" {
				period = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.OrgID, r.Rule, r.SubjectID, period, due, r.Status, r.Explanation.Text)
		}
		tw.Flush()
		if res.Persisted {
			fmt.Fprintf(e.stdout, "as of %s, %s..%s: %d rows; violations opened %d, cleared %d, reopened %d\n",
				res.AsOf.In(loc).Format(time.RFC3339), res.From, res.To, res.Rows, res.Opened, res.Cleared, res.Reopened)
		} else {
			fmt.Fprintf(e.stdout, "as of %s (not stored), %s..%s: %d rows\n",
				res.AsOf.In(loc).Format(time.RFC3339), res.From, res.To, res.Rows)
		}
	}
	if *failOn == "" {
		return 0
	}
	n := 0
	if res.Persisted {
		if n, err = openViolationsAtLeast(ctx, chk, *org, *failOn); err != nil {
			fmt.Fprintln(e.stderr, "orglife check:", orglife.ErrorMessage(err))
			return 1
		}
	} else {
		// as of a past instant nothing is stored: count the violations the rows call for
		for sev, k := range res.Violations {
			if orglife.SeverityRank(sev) >= orglife.SeverityRank(*failOn) {
				n += k
			}
		}
	}
	if n > 0 {
		fmt.Fprintf(e.stderr, "orglife check: %d open violation(s) at or above %s\n", n, *failOn)
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
