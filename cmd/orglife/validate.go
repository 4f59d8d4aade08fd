package main

import (
	"context"
	"fmt"
	"os"

	"github.com/orglife/orglife/rules"
	"github.com/orglife/orglife/workflows"
)

// cmdValidate checks a pack directory: its workflows, then its rules against the workflows'
// collections. It prints one file:line:column: message line per problem on stdout and exits 1,
// or prints "ok: N workflows, M rules" and exits 0.
func cmdValidate(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("validate", e)
	var c common
	c.register(fs, e)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	dir := c.pack
	switch len(pos) {
	case 0:
		if dir == "" {
			fmt.Fprintln(e.stderr, "usage: orglife validate DIR")
			return 2
		}
	case 1:
		dir = pos[0]
	default:
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
