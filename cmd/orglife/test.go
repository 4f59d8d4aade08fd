package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/orglife/orglife/packtest"
)

// testCmd is "orglife test [DIR]": it runs the tests of a pack (tests/*.yaml,
// docs/pack-tests.md): DIR, else --pack, else the built-in pack. It prints every file problem as
// file:line:column: message, one FAIL line per expectation that did not hold, the rules no
// expectation names, and a summary; it exits 1 on a problem or a failure (and with
// --require-coverage on an untested rule), 0 otherwise.
type testCmd struct {
	commonFlags
	Dir             string `arg:"" optional:"" name:"dir" help:"the pack directory (default --pack, else the built-in pack)"`
	RequireCoverage bool   `name:"require-coverage" env:"ORGLIFE_REQUIRE_COVERAGE" help:"fail when a rule has no expectation in any test case"`
	RunPattern      string `name:"run" env:"ORGLIFE_RUN" placeholder:"REGEX" help:"run only the cases whose name matches this regular expression"`
	Verbose         bool   `name:"verbose" short:"v" env:"ORGLIFE_VERBOSE" help:"print every case run, with its result"`
}

func (c *testCmd) run(ctx context.Context, e env) int {
	dir := c.Dir
	if dir == "" {
		dir = c.Pack
	}
	var opt packtest.Options
	if c.RunPattern != "" {
		re, err := regexp.Compile(c.RunPattern)
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
	if c.Verbose {
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
	if !res.OK() || (c.RequireCoverage && len(res.Uncovered) > 0) {
		return 1
	}
	return 0
}
