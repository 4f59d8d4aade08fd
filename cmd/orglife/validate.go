package main

import (
	"context"
	"fmt"
	"os"

	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// validateCmd is "orglife validate DIR": it checks a pack directory, its workflows, then its
// rules against the workflows' collections. It prints one file:line:column: message line per
// problem on stdout and exits 1, or prints "ok: N workflows, M rules" and exits 0.
type validateCmd struct {
	commonFlags
	Dir string `arg:"" optional:"" name:"dir" help:"the pack directory (default --pack)"`
}

func (c *validateCmd) run(ctx context.Context, e env) int {
	dir := c.Dir
	if dir == "" {
		dir = c.Pack
	}
	if dir == "" {
		fmt.Fprintln(e.stderr, "usage: orglife validate DIR")
		return 2
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(e.stdout, "%s:1:1: not a pack directory\n", dir)
		return 1
	}
	fsys := os.DirFS(dir)
	set, problems := workflows.Load(fsys, "workflows", dir)
	nrules := 0
	if len(problems) == 0 {
		var rs *rules.RuleSet
		rs, problems = loadRules(fsys, dir, set)
		if rs != nil {
			nrules = len(rs.Rules)
		}
	}
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p.String())
		}
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: %d workflows, %d rules\n", len(set.List()), nrules)
	return 0
}
