package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/orglife/orglife/packtest"
)

// cmdTest runs the tests of a pack (tests/*.yaml, docs/pack-tests.md): DIR, else --pack, else
// the built-in pack. It prints every file problem as file:line:column: message, one FAIL line per
// expectation that did not hold, the rules no expectation names, and a summary; it exits 1 on a
// problem or a failure (and with --require-coverage on an untested rule), 0 otherwise.
func cmdTest(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("test", e)
	var c common
	c.register(fs, e)
	requireCoverage := fs.Bool("require-coverage", false, "fail when a rule has no expectation in any test case")
	runPattern := fs.String("run", "", "run only the cases whose name matches this regular expression")
	verbose := fs.Bool("v", false, "print every case run, with its result")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	dir := c.pack
	switch len(pos) {
	case 0:
	case 1:
		dir = pos[0]
	default:
		fmt.Fprintln(e.stderr, "usage: orglife test [DIR] [--require-coverage] [--run REGEX] [-v]")
		return 2
	}
	var opt packtest.Options
	if *runPattern != "" {
		re, err := regexp.Compile(*runPattern)
		if err != nil {
			fmt.Fprintf(e.stderr, "orglife test: --run: %v\n", err)
			return 2
		}
		opt.Run = re
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife test: %v\n", err)
		return 2
	}
	opt.Loc = loc
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			fmt.Fprintf(e.stdout, "%s:1:1: not a pack directory\n", dir)
			return 1
		}
	}
	set, rs, err := loadPack(dir, e.stdout)
	if err != nil {
		return 1
	}
	fsys, prefix := packFS(dir)
	res := packtest.Run(fsys, "tests", prefix, set, rs, opt)
	for _, p := range res.Problems {
		fmt.Fprintln(e.stdout, p.String())
	}
	if *verbose {
		for _, cr := range res.CaseResults {
			word := "ok  "
			if cr.Failed > 0 {
				word = "FAIL"
			}
			fmt.Fprintf(e.stdout, "%s %s: %s (%d expectations)\n", word, cr.File, cr.Name, cr.Expectations)
		}
	}
	for _, f := range res.Failures {
		fmt.Fprintln(e.stdout, f.String())
	}
	if len(res.Uncovered) > 0 {
		fmt.Fprintf(e.stdout, "rules without tests: %s\n", strings.Join(res.Uncovered, ", "))
	}
	summary := fmt.Sprintf("%d cases, %d expectations, %d failed", res.Cases, res.Expectations, len(res.Failures))
	if len(res.Problems) > 0 {
		summary += fmt.Sprintf(", %d file problems", len(res.Problems))
	}
	fmt.Fprintln(e.stdout, summary)
	if !res.OK() || (*requireCoverage && len(res.Uncovered) > 0) {
		return 1
	}
	return 0
}
