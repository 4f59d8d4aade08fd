package main

import (
	"context"
	"fmt"
	"time"

	"github.com/orglife/orglife/engine"
)

// orgCmd is "orglife org": the administration of orgs that has no web form.
type orgCmd struct {
	Dissolve orgDissolveCmd `cmd:"" help:"Record the day an org was dissolved (撤销); --on \"\" undoes it."`
}

// orgDissolveCmd is "orglife org dissolve ID --on YYYY-MM-DD": the org's periods after that day
// are not_applicable for every rule from the next evaluation on.
type orgDissolveCmd struct {
	commonFlags
	ID string  `arg:"" name:"id" help:"the org's id"`
	On *string `name:"on" env:"ORGLIFE_ON" placeholder:"YYYY-MM-DD" help:"the day the org was dissolved (\"\" undoes it); required"`
}

func (c *orgDissolveCmd) run(ctx context.Context, e env) int {
	if c.On == nil {
		fmt.Fprintln(e.stderr, `usage: orglife org dissolve ID --on YYYY-MM-DD   (--on "" undoes a dissolution)`)
		return 2
	}
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife org dissolve:", err)
		return 1
	}
	defer s.Close()
	o, err := s.svc.UpdateOrg(ctx, cliActor, c.ID, engine.OrgPatch{DissolvedOn: c.On})
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
