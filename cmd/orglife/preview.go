package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
)

// previewCmd is "orglife preview": it evaluates candidate rules (a directory of rule files, or a
// pack directory with a rules/ subdirectory) over --from..--to against the stored data and
// reports, without writing, which statuses and violations activating them would change.
type previewCmd struct {
	commonFlags
	budgetFlags
	Rules  string `name:"rules" env:"ORGLIFE_RULES" placeholder:"DIR" help:"directory of the candidate rule files (or a pack directory with rules/); required"`
	From   string `name:"from" env:"ORGLIFE_FROM" placeholder:"YYYY-MM-DD" help:"first date; default the lookback before now"`
	To     string `name:"to" env:"ORGLIFE_TO" placeholder:"YYYY-MM-DD" help:"last date; default today"`
	Org    string `name:"org" env:"ORGLIFE_ORG" placeholder:"ID" help:"only this org and its subtree"`
	AsOf   string `name:"as-of" env:"ORGLIFE_AS_OF" placeholder:"RFC3339" help:"evaluate as of this RFC 3339 instant (default now)"`
	Format string `name:"format" env:"ORGLIFE_FORMAT" default:"table" placeholder:"table|json" help:"output format: table or json"`
}

func (c *previewCmd) run(ctx context.Context, e env) int {
	if c.Rules == "" {
		fmt.Fprintln(e.stderr, "usage: orglife preview --rules DIR [--from D] [--to D] [--org X] [--as-of T] [--format table|json]")
		return 2
	}
	var at *time.Time
	if c.AsOf != "" {
		t, err := time.Parse(time.RFC3339, c.AsOf)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife preview: --as-of must be an RFC 3339 instant")
			return 2
		}
		at = &t
	}
	files, err := readRuleDir(c.Rules)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife preview:", err)
		return 1
	}
	s, err := c.openReading(ctx, e, serviceOptions{Log: newLogger(e.stderr), Budgets: c.budgetFlags})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife preview:", err)
		return 1
	}
	defer s.Close()
	res, err := s.chk.Preview(ctx, cliActor, compliance.PreviewParams{Files: files, From: c.From, To: c.To, OrgID: c.Org, AsOf: at})
	if err != nil {
		for _, d := range orglife.ErrorDetails(err) {
			if d.File != "" {
				fmt.Fprintf(e.stdout, "%s:%d:%d: %s\n", filepath.Join(c.Rules, d.File), d.Line, d.Column, d.Message)
			}
		}
		fmt.Fprintln(e.stderr, "orglife preview:", orglife.ErrorMessage(err))
		return 1
	}
	printPreview(e.stdout, c.Format, res)
	return 0
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
