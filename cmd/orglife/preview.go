package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// cmdPreview evaluates candidate rules (a directory of rule files, or a pack directory with a
// rules/ subdirectory) over --from..--to against the stored data and reports, without writing,
// which statuses and violations activating them would change.
func cmdPreview(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("preview", e)
	var c common
	c.register(fs, e)
	c.registerBudgets(fs, e)
	dir := fs.String("rules", "", "directory of the candidate rule files (or a pack directory with rules/)")
	from := fs.String("from", "", "first date (YYYY-MM-DD); default the lookback before now")
	to := fs.String("to", "", "last date (YYYY-MM-DD); default today")
	org := fs.String("org", "", "only this org and its subtree")
	asOf := fs.String("as-of", "", "evaluate as of this RFC 3339 instant (default now)")
	format := fs.String("format", "table", "table or json")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 || *dir == "" {
		fmt.Fprintln(e.stderr, "usage: orglife preview --rules DIR [--from D] [--to D] [--org X] [--as-of T] [--format table|json]")
		return 2
	}
	var at *time.Time
	if *asOf != "" {
		t, err := time.Parse(time.RFC3339, *asOf)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife preview: --as-of must be an RFC 3339 instant")
			return 2
		}
		at = &t
	}
	files, err := readRuleDir(*dir)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife preview:", err)
		return 1
	}
	log := newLogger(e.stderr)
	_, chk, db, err := openServiceFor(ctx, c, e, log, nil, reading)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife preview:", err)
		return 1
	}
	defer db.Close()
	res, err := chk.Preview(ctx, cliActor, compliance.PreviewParams{Files: files, From: *from, To: *to, OrgID: *org, AsOf: at})
	if err != nil {
		for _, d := range orglife.ErrorDetails(err) {
			if d.File != "" {
				fmt.Fprintf(e.stdout, "%s:%d:%d: %s\n", filepath.Join(*dir, d.File), d.Line, d.Column, d.Message)
			}
		}
		fmt.Fprintln(e.stderr, "orglife preview:", orglife.ErrorMessage(err))
		return 1
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
		return 0
	}
	fmt.Fprintf(e.stdout, "candidate %s against active %s, as of %s, %s..%s\n", res.CandidateVersion, res.ActiveVersion,
		res.AsOf.Format("2006-01-02T15:04:05Z07:00"), res.From, res.To)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
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
		fmt.Fprintf(e.stdout, "violations that %s: %d\n", l.what, len(l.refs))
		for _, v := range l.refs {
			p := "-"
			if v.Period != nil {
				p = *v.Period
			}
			fmt.Fprintf(e.stdout, "  %s %s %s %s %s %s\n", v.OrgID, v.Rule, v.SubjectID, p, v.Kind, v.Check)
		}
	}
	fmt.Fprintln(e.stdout, "totals per org subtree (changed, opened, cleared, reopened):")
	for _, t := range res.Totals {
		fmt.Fprintf(e.stdout, "  %s\t%d\t%d\t%d\t%d\n", t.OrgID, t.Changed, t.Opened, t.Cleared, t.Reopened)
	}
	return 0
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readRuleDir reads the *.yaml and *.yml files under dir (or dir/rules when it exists), keyed by
// their path relative to that directory.
func readRuleDir(dir string) (map[string][]byte, error) {
	if st, err := os.Stat(filepath.Join(dir, "rules")); err == nil && st.IsDir() {
		dir = filepath.Join(dir, "rules")
	}
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no rule files (*.yaml) in %s", dir)
	}
	return files, err
}
