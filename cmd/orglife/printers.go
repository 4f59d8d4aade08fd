package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/api"
	"github.com/orglife/orglife/compliance"
)

// The printers write the results of the commands, as a table for a person or as indented JSON
// for a script (--format). They never decide anything: the commands compute, the printers lay
// out.

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// printLedger writes the ledger rows of a check and its summary line; times are in loc.
func printLedger(w io.Writer, format string, res *compliance.EvaluateResult, rows []orglife.LedgerRow, loc *time.Location) {
	if format == "json" {
		if rows == nil {
			rows = []orglife.LedgerRow{}
		}
		printJSON(w, map[string]any{"result": res, "rows": rows})
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORG\tRULE\tSUBJECT\tPERIOD\tDUE\tSTATUS\tEXPLANATION")
	for _, r := range rows {
		due := "-"
		if r.Due != nil {
			due = r.Due.In(loc).Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.OrgID, r.Rule, r.SubjectID, dash(r.PeriodKey()), due, r.Status, r.Explanation.Text)
	}
	tw.Flush()
	if res.Persisted {
		fmt.Fprintf(w, "as of %s, %s..%s: %d rows; violations opened %d, cleared %d, reopened %d\n",
			res.AsOf.In(loc).Format(time.RFC3339), res.From, res.To, res.Rows, res.Opened, res.Cleared, res.Reopened)
	} else {
		fmt.Fprintf(w, "as of %s (not stored), %s..%s: %d rows\n",
			res.AsOf.In(loc).Format(time.RFC3339), res.From, res.To, res.Rows)
	}
}

// printTokens writes the token list (never a secret); times are in loc.
func printTokens(w io.Writer, format string, views []api.TokenView, loc *time.Location) {
	if format == "json" {
		printJSON(w, views)
		return
	}
	at := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tORG\tCREATED\tLAST USED\tEXPIRES\tSTATUS")
	for _, v := range views {
		status := "active"
		switch {
		case v.Revoked:
			status = "revoked " + at(v.RevokedAt)
		case v.Expired:
			status = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Name, v.Role, dash(v.OrgID), at(&v.CreatedAt),
			at(v.LastUsedAt), at(v.ExpiresAt), status)
	}
	tw.Flush()
}

// printPreview writes what activating candidate rules would change.
func printPreview(w io.Writer, format string, res *compliance.PreviewResult) {
	if format == "json" {
		printJSON(w, res)
		return
	}
	fmt.Fprintf(w, "candidate %s against active %s, as of %s, %s..%s\n", res.CandidateVersion, res.ActiveVersion,
		res.AsOf.Format("2006-01-02T15:04:05Z07:00"), res.From, res.To)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tPERIOD\tORG\tSUBJECT\tFROM\tTO")
	for _, r := range res.Rules {
		for _, ch := range r.Changes {
			from := string(ch.From)
			if from == "" {
				from = "(new)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Rule, dash(r.Period), ch.OrgID, ch.SubjectID, from, ch.To)
		}
	}
	tw.Flush()
	for _, l := range []struct {
		what string
		refs []compliance.ViolationRef
	}{{"would open", res.Opened}, {"would clear", res.Cleared}, {"would reopen", res.Reopened}} {
		fmt.Fprintf(w, "violations that %s: %d\n", l.what, len(l.refs))
		for _, v := range l.refs {
			p := "-"
			if v.Period != nil {
				p = *v.Period
			}
			fmt.Fprintf(w, "  %s %s %s %s %s %s\n", v.OrgID, v.Rule, v.SubjectID, p, v.Kind, v.Check)
		}
	}
	fmt.Fprintln(w, "totals per org subtree (changed, opened, cleared, reopened):")
	for _, t := range res.Totals {
		fmt.Fprintf(w, "  %s\t%d\t%d\t%d\t%d\n", t.OrgID, t.Changed, t.Opened, t.Cleared, t.Reopened)
	}
}

// dash stands in for an empty cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
