package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/orglife/orglife/engine"
)

// orgUsage is printed on a usage error of "orglife org".
const orgUsage = `usage:
  orglife org dissolve ID --on YYYY-MM-DD   (--on "" undoes a dissolution)`

// cmdOrg dispatches "org dissolve".
func cmdOrg(ctx context.Context, args []string, e env) int {
	if len(args) > 0 && args[0] == "dissolve" {
		return cmdOrgDissolve(ctx, args[1:], e)
	}
	fmt.Fprintln(e.stderr, orgUsage)
	return 2
}

// cmdOrgDissolve records the day an org was dissolved (撤销): its periods after that day are
// not_applicable for every rule from the next evaluation on.
func cmdOrgDissolve(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("org dissolve", e)
	var c common
	c.register(fs, e)
	on := fs.String("on", "", "the day the org was dissolved, YYYY-MM-DD (\"\" undoes it)")
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	onSet := false
	fs.Visit(func(f *flag.Flag) { onSet = onSet || f.Name == "on" })
	if len(pos) != 1 || !onSet {
		fmt.Fprintln(e.stderr, orgUsage)
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife org dissolve:", err)
		return 1
	}
	defer db.Close()
	o, err := svc.UpdateOrg(ctx, cliActor, pos[0], engine.OrgPatch{DissolvedOn: on})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife org dissolve:", describe(err))
		return 1
	}
	if o.DissolvedOn == nil {
		fmt.Fprintf(e.stdout, "ok: %s (%s) is not dissolved\n", o.ID, o.Name)
	} else {
		fmt.Fprintf(e.stdout, "ok: %s (%s) dissolved on %s\n", o.ID, o.Name, *o.DissolvedOn)
	}
	return 0
}
