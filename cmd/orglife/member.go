package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// memberUsage is printed on a usage error of "orglife member".
const memberUsage = `usage:
  orglife member update   ORG ID [--name N] [--status probationary|full] [--on YYYY-MM-DD]
  orglife member transfer ORG ID --to ORG [--on YYYY-MM-DD] [--reason R]
  orglife member leave    ORG ID --reason R [--on YYYY-MM-DD]
  orglife member confirm  ORG ID [--on YYYY-MM-DD]          (转正)
  orglife member roles    ORG ID --roles secretary,committee [--on YYYY-MM-DD]
  orglife member history  ORG ID`

// cmdMember runs one change of a member (or prints their history) through the same engine
// methods as the API, as the CLI's admin actor.
func cmdMember(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, memberUsage)
		return 2
	}
	sub := args[0]
	fs := newFlagSet("member "+sub, e)
	var c common
	c.register(fs, e)
	name := fs.String("name", "", "the member's name (update)")
	status := fs.String("status", "", "probationary or full (update)")
	on := fs.String("on", "", "the day the change takes effect, YYYY-MM-DD (default today)")
	to := fs.String("to", "", "the org the member moves to (transfer)")
	reason := fs.String("reason", "", "why (transfer, leave)")
	roles := fs.String("roles", "", "the member's posts, comma-separated (roles; \"\" clears them)")
	pos, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	if len(pos) != 2 {
		fmt.Fprintln(e.stderr, memberUsage)
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife member:", err)
		return 1
	}
	defer db.Close()
	org, id := pos[0], pos[1]
	var onp *string
	if *on != "" {
		onp = on
	}
	var m *orglife.Member
	switch sub {
	case "update":
		p := engine.MemberPatch{On: onp}
		if *name != "" {
			p.Name = name
		}
		if *status != "" {
			p.Status = status
		}
		m, err = svc.UpdateMember(ctx, cliActor, org, id, p)
	case "transfer":
		m, err = svc.TransferMember(ctx, cliActor, org, id, engine.TransferParams{ToOrgID: *to, On: onp, Reason: *reason})
	case "leave":
		m, err = svc.LeaveMember(ctx, cliActor, org, id, engine.LeaveParams{On: onp, Reason: *reason})
	case "confirm":
		m, err = svc.ConfirmMember(ctx, cliActor, org, id, onp)
	case "roles":
		rs := []string{}
		for _, r := range strings.Split(*roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				rs = append(rs, r)
			}
		}
		m, err = svc.SetMemberRoles(ctx, cliActor, org, id, engine.RolesParams{Roles: rs, On: onp})
	case "history":
		h, err := svc.MemberHistory(ctx, cliActor, org, id)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife member history:", describe(err))
			return 1
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(h)
		return 0
	default:
		fmt.Fprintln(e.stderr, memberUsage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife member %s: %s\n", sub, describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: %s (%s) in %s, %s, roles %s\n", m.ID, m.Name, m.OrgID, m.Status, strings.Join(m.Roles, ","))
	return 0
}
