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

// cmdDemo generates a deterministic org tree with three (--years) years of records per branch
// and planted outcomes into an empty database (bulk load, not Fire), and writes the planted
// violation set as JSON lines to --planted. It prints the counts and the evaluation range that
// reproduces the planted set ("orglife check --now … --from … --to …").
func cmdDemo(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("demo", e)
	var c common
	c.register(fs, e)
	branches := fs.Int("branches", 100, "number of branches")
	years := fs.Int("years", 3, "years of records per branch, ending in the year before --as-of")
	seed := fs.Int64("seed", 1, "random seed; the same seed gives the same data")
	asOf := fs.String("as-of", "", "the evaluation instant the data is made for (RFC 3339; default 1 March of this year)")
	planted := fs.String("planted", "", "write the planted violations to this file as JSON lines")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife demo: unexpected argument %q\n", pos[0])
		return 2
	}
	if *branches < 0 || *years < 1 {
		fmt.Fprintln(e.stderr, "orglife demo: --branches must be ≥ 0 and --years ≥ 1")
		return 2
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife demo:", err)
		return 2
	}
	cfg := bench.Config{Branches: *branches, Years: *years, Seed: *seed, Loc: loc}
	if *asOf != "" {
		if cfg.AsOf, err = time.Parse(time.RFC3339, *asOf); err != nil {
			fmt.Fprintf(e.stderr, "orglife demo: --as-of %q: want an RFC 3339 instant\n", *asOf)
			return 2
		}
	}
	set, err := loadWorkflows(c.pack, e.stderr)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife demo:", err)
		return 1
	}
	db, err := openStore(ctx, c.db, newLogger(e.stderr))
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
	if *planted != "" {
		f, err := os.Create(*planted)
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
