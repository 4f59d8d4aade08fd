package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/orglife/orglife/bench"
	"github.com/orglife/orglife/storage"
)

// demoCmd is "orglife demo": it generates a deterministic org tree with --years years of records
// per branch and planted outcomes into an empty database (bulk load, not Fire), and writes the
// planted violation set as JSON lines to --planted. It prints the counts and the evaluation
// range that reproduces the planted set ("orglife check --now … --from … --to …").
type demoCmd struct {
	commonFlags
	Branches int    `name:"branches" env:"ORGLIFE_BRANCHES" default:"100" placeholder:"N" help:"number of branches"`
	Years    int    `name:"years" env:"ORGLIFE_YEARS" default:"3" placeholder:"Y" help:"years of records per branch, ending in the year before --as-of"`
	Seed     int64  `name:"seed" env:"ORGLIFE_SEED" default:"1" placeholder:"S" help:"random seed; the same seed gives the same data"`
	AsOf     string `name:"as-of" env:"ORGLIFE_AS_OF" placeholder:"RFC3339" help:"the evaluation instant the data is made for (default 1 March of this year)"`
	Planted  string `name:"planted" env:"ORGLIFE_PLANTED" placeholder:"FILE" help:"write the planted violations to this file as JSON lines"`
}

func (c *demoCmd) run(ctx context.Context, e env) int {
	if c.Branches < 0 || c.Years < 1 {
		fmt.Fprintln(e.stderr, "orglife demo: --branches must be ≥ 0 and --years ≥ 1")
		return 2
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife demo:", err)
		return 2
	}
	cfg := bench.Config{Branches: c.Branches, Years: c.Years, Seed: c.Seed, Loc: loc}
	if c.AsOf != "" {
		if cfg.AsOf, err = time.Parse(time.RFC3339, c.AsOf); err != nil {
			fmt.Fprintf(e.stderr, "orglife demo: --as-of %q: want an RFC 3339 instant\n", c.AsOf)
			return 2
		}
	}
	set, err := loadWorkflows(c.Pack, e.stderr)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife demo:", err)
		return 1
	}
	db, err := openMigrated(ctx, c.DB, newLogger(e.stderr))
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife demo:", err)
		return 1
	}
	defer db.Close()
	start := time.Now()
	ps, st, err := bench.Generate(cfg, set, func(b *storage.Bulk) error { return db.BulkLoad(ctx, b) })
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife demo:", err)
		return 1
	}
	took := time.Since(start)
	if c.Planted != "" {
		f, err := os.Create(c.Planted)
		if err == nil {
			w := bufio.NewWriter(f)
			err = bench.WritePlanted(w, ps)
			if err == nil {
				err = w.Flush()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife demo:", err)
			return 1
		}
	}
	at, from, to := cfg.EvalRange()
	fmt.Fprintf(e.stdout, "ok: %d orgs (%d branches, %d hot), %d members, %d instances, %d transitions in %s\n",
		st.Orgs, st.Branches, st.Hot, st.Members, st.Instances, st.Transitions, took.Round(time.Millisecond))
	fmt.Fprintf(e.stdout, "planted: %d violations (%d branch-years: %d missed a theme day, %d shallow)\n",
		len(ps), st.BranchYears, st.Missed, st.Shallow)
	fmt.Fprintf(e.stdout, "evaluate with: orglife check --now %s --from %s --to %s\n", at.Format(time.RFC3339), from, to)
	return 0
}
