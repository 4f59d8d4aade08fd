package main

import (
	"context"
	"fmt"
	"time"
)

// verifyCmd is "orglife verify": it checks the hash chain of every instance's history, on a
// read-only connection. It prints the first broken row of each broken instance on stdout and
// exits 1, or prints a summary and exits 0.
type verifyCmd struct {
	commonFlags
}

func (c *verifyCmd) run(ctx context.Context, e env) int {
	s, err := c.openReading(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife verify:", err)
		return 1
	}
	defer s.Close()
	rep, err := s.svc.Verify(ctx)
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
