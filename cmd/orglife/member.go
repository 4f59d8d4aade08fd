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

// memberCmd is "orglife member": the changes of a member over time, through the same engine
// methods as the API, as the CLI's admin actor.
type memberCmd struct {
	Update   memberUpdateCmd   `cmd:"" help:"Correct a member's name or status from a day on."`
	Transfer memberTransferCmd `cmd:"" help:"Move a member to another org (组织关系转接)."`
	Leave    memberLeaveCmd    `cmd:"" help:"Record that a member left the org (graduation, transfer out of the school)."`
	Confirm  memberConfirmCmd  `cmd:"" help:"Record a probationary member's 转正."`
	Roles    memberRolesCmd    `cmd:"" help:"Set a member's posts (secretary, committee, …) from a day on."`
	History  memberHistoryCmd  `cmd:"" help:"Print a member's history as JSON."`
}

// memberRef names the member a change is about, and the day it takes effect.
type memberRef struct {
	commonFlags
	OrgID string `arg:"" name:"org" help:"the member's org"`
	ID    string `arg:"" name:"id" help:"the member's id (学工号)"`
	On    string `name:"on" env:"ORGLIFE_ON" placeholder:"YYYY-MM-DD" help:"the day the change takes effect (default today)"`
}

// on is the effective day, nil for today.
func (r *memberRef) on() *string {
	if r.On == "" {
		return nil
	}
	return &r.On
}

// change opens the store, applies one change and prints the member as it is afterwards.
func (r *memberRef) change(ctx context.Context, e env, what string, fn func(*engine.Service) (*orglife.Member, error)) int {
	s, err := r.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife member %s: %v\n", what, err)
		return 1
	}
	defer s.Close()
	m, err := fn(s.svc)
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife member %s: %s\n", what, describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: %s (%s) in %s, %s, roles %s\n", m.ID, m.Name, m.OrgID, m.Status, strings.Join(m.Roles, ","))
	return 0
}

// memberUpdateCmd is "orglife member update ORG ID".
type memberUpdateCmd struct {
	memberRef
	Name   string `name:"name" env:"ORGLIFE_NAME" placeholder:"N" help:"the member's name"`
	Status string `name:"status" env:"ORGLIFE_STATUS" placeholder:"probationary|full" help:"probationary or full"`
}

func (c *memberUpdateCmd) run(ctx context.Context, e env) int {
	p := engine.MemberPatch{On: c.on()}
	if c.Name != "" {
		p.Name = &c.Name
	}
	if c.Status != "" {
		p.Status = &c.Status
	}
	return c.change(ctx, e, "update", func(svc *engine.Service) (*orglife.Member, error) {
		return svc.UpdateMember(ctx, cliActor, c.OrgID, c.ID, p)
	})
}

// memberTransferCmd is "orglife member transfer ORG ID --to ORG".
type memberTransferCmd struct {
	memberRef
	To     string `name:"to" env:"ORGLIFE_TO" placeholder:"ORG" help:"the org the member moves to"`
	Reason string `name:"reason" env:"ORGLIFE_REASON" placeholder:"R" help:"why"`
}

func (c *memberTransferCmd) run(ctx context.Context, e env) int {
	return c.change(ctx, e, "transfer", func(svc *engine.Service) (*orglife.Member, error) {
		return svc.TransferMember(ctx, cliActor, c.OrgID, c.ID, engine.TransferParams{ToOrgID: c.To, On: c.on(), Reason: c.Reason})
	})
}

// memberLeaveCmd is "orglife member leave ORG ID --reason R".
type memberLeaveCmd struct {
	memberRef
	Reason string `name:"reason" env:"ORGLIFE_REASON" placeholder:"R" help:"why the member left (毕业, 转出, …)"`
}

func (c *memberLeaveCmd) run(ctx context.Context, e env) int {
	return c.change(ctx, e, "leave", func(svc *engine.Service) (*orglife.Member, error) {
		return svc.LeaveMember(ctx, cliActor, c.OrgID, c.ID, engine.LeaveParams{On: c.on(), Reason: c.Reason})
	})
}

// memberConfirmCmd is "orglife member confirm ORG ID" (转正).
type memberConfirmCmd struct {
	memberRef
}

func (c *memberConfirmCmd) run(ctx context.Context, e env) int {
	return c.change(ctx, e, "confirm", func(svc *engine.Service) (*orglife.Member, error) {
		return svc.ConfirmMember(ctx, cliActor, c.OrgID, c.ID, c.on())
	})
}

// memberRolesCmd is "orglife member roles ORG ID --roles a,b".
type memberRolesCmd struct {
	memberRef
	Roles string `name:"roles" env:"ORGLIFE_ROLES" placeholder:"secretary,committee" help:"the member's posts, comma-separated (\"\" clears them)"`
}

func (c *memberRolesCmd) run(ctx context.Context, e env) int {
	rs := []string{}
	for _, r := range strings.Split(c.Roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			rs = append(rs, r)
		}
	}
	return c.change(ctx, e, "roles", func(svc *engine.Service) (*orglife.Member, error) {
		return svc.SetMemberRoles(ctx, cliActor, c.OrgID, c.ID, engine.RolesParams{Roles: rs, On: c.on()})
	})
}

// memberHistoryCmd is "orglife member history ORG ID".
type memberHistoryCmd struct {
	commonFlags
	OrgID string `arg:"" name:"org" help:"the member's org"`
	ID    string `arg:"" name:"id" help:"the member's id (学工号)"`
}

func (c *memberHistoryCmd) run(ctx context.Context, e env) int {
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife member history:", err)
		return 1
	}
	defer s.Close()
	h, err := s.svc.MemberHistory(ctx, cliActor, c.OrgID, c.ID)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife member history:", describe(err))
		return 1
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(h)
	return 0
}
