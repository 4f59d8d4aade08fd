package main

import (
	"context"
	"fmt"
	"time"
)

// cmdVerify checks the hash chain of every instance's history. It prints the first broken row
// of each broken instance on stdout and exits 1, or prints a summary and exits 0.
func cmdVerify(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("verify", e)
	var c common
	c.register(fs, e)
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife verify: unexpected argument %q\n", pos[0])
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, reading)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife verify:", err)
		return 1
	}
	defer db.Close()
	rep, err := svc.Verify(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife verify:", describe(err))
		return 1
	}
	for _, b := range rep.Broken {
		fmt.Fprintln(e.stdout, "broken:", b)
	}
	if len(rep.Broken) > 0 {
		fmt.Fprintf(e.stdout, "FAIL: %d of %d instances have a broken history\n", len(rep.Broken), rep.Instances)
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: %d instances, %d transitions verified\n", rep.Instances, rep.Transitions)
	return 0
}
