package main

import (
	"context"
	"fmt"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// cliActor is the actor of administration commands run on the server's machine.
var cliActor = orglife.Actor{Role: orglife.RoleAdmin, Name: "cli"}

// cmdToken handles "token create --name N --role R --org X": it prints the new secret alone on
// the first line of stdout (it is shown only this once) and a description on stderr.
func cmdToken(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(e.stderr, "usage: orglife token create --name N --role admin|supervisor|branch [--org X]")
		return 2
	}
	fs := newFlagSet("token create", e)
	var c common
	c.register(fs, e)
	name := fs.String("name", "", "token name (who holds it)")
	role := fs.String("role", "", "admin, supervisor or branch")
	org := fs.String("org", "", "org id the token is bound to (supervisor and branch)")
	if pos, code, ok := parseArgs(fs, args[1:]); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife token create: unexpected argument %q\n", pos[0])
		return 2
	}
	log := newLogger(e.stderr)
	svc, db, err := openService(ctx, c, e, log, time.Now)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token create:", err)
		return 1
	}
	defer db.Close()
	t, secret, err := svc.CreateToken(ctx, cliActor, engine.CreateTokenParams{Name: *name, Role: *role, OrgID: *org})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token create:", describe(err))
		return 1
	}
	fmt.Fprintln(e.stdout, secret)
	fmt.Fprintf(e.stderr, "token %s created: name=%s role=%s org=%s (the secret is shown only once)\n",
		t.ID, t.Name, t.Role, t.OrgID)
	return 0
}

// describe formats an error with its details for a terminal.
func describe(err error) string {
	s := err.Error()
	if code := orglife.ErrorCode(err); code != orglife.EINTERNAL {
		s = code + ": " + orglife.ErrorMessage(err)
	}
	for _, d := range orglife.ErrorDetails(err) {
		if d.Field != "" {
			s += "\n  " + d.Field + ": " + d.Message
		} else {
			s += "\n  " + d.Message
		}
	}
	return s
}
