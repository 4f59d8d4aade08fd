package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/api"
	"github.com/orglife/orglife/engine"
)

// cliActor is the actor of administration commands run on the server's machine.
var cliActor = orglife.Actor{Role: orglife.RoleAdmin, Name: "cli"}

// tokenUsage is printed on a usage error of "orglife token".
const tokenUsage = `usage:
  orglife token create --name N --role admin|supervisor|branch [--org X] [--expires-at RFC3339 | --expires-in 90d|720h]
  orglife token list   [--format table|json]
  orglife token revoke ID`

// cmdToken dispatches "token create", "token list" and "token revoke".
func cmdToken(ctx context.Context, args []string, e env) int {
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return cmdTokenCreate(ctx, args[1:], e)
		case "list":
			return cmdTokenList(ctx, args[1:], e)
		case "revoke":
			return cmdTokenRevoke(ctx, args[1:], e)
		}
	}
	fmt.Fprintln(e.stderr, tokenUsage)
	return 2
}

// cmdTokenCreate handles "token create": it prints the new secret alone on the first line of
// stdout (it is shown only this once) and a description on stderr.
func cmdTokenCreate(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("token create", e)
	var c common
	c.register(fs, e)
	name := fs.String("name", "", "token name (who holds it)")
	role := fs.String("role", "", "admin, supervisor or branch")
	org := fs.String("org", "", "org id the token is bound to (supervisor and branch)")
	expiresAt := fs.String("expires-at", "", "RFC 3339 instant after which the token no longer works (default: never)")
	expiresIn := fs.String("expires-in", "", "lifetime from now, e.g. 90d or 720h (instead of --expires-at)")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife token create: unexpected argument %q\n", pos[0])
		return 2
	}
	if *expiresIn != "" {
		if *expiresAt != "" {
			fmt.Fprintln(e.stderr, "orglife token create: give --expires-at or --expires-in, not both")
			return 2
		}
		d, err := parseLifetime(*expiresIn)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife token create: --expires-in:", err)
			return 2
		}
		*expiresAt = time.Now().Add(d).Format(time.RFC3339)
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token create:", err)
		return 1
	}
	defer db.Close()
	t, secret, err := svc.CreateToken(ctx, cliActor, engine.CreateTokenParams{Name: *name, Role: *role, OrgID: *org, ExpiresAt: *expiresAt})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token create:", describe(err))
		return 1
	}
	fmt.Fprintln(e.stdout, secret)
	expiry := "never"
	if t.ExpiresAt != nil {
		expiry = t.ExpiresAt.Format(time.RFC3339)
	}
	fmt.Fprintf(e.stderr, "token %s created: name=%s role=%s org=%s expires=%s (the secret is shown only once)\n",
		t.ID, t.Name, t.Role, t.OrgID, expiry)
	return 0
}

// parseLifetime reads a lifetime: a number of days ("90d") or a Go duration ("720h"), positive.
func parseLifetime(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("%q: want a number of days such as 90d, or a duration such as 720h", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: want a number of days such as 90d, or a duration such as 720h", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: the lifetime must be positive", s)
	}
	return d, nil
}

// cmdTokenList handles "token list": every token (never a secret), as a table or as JSON (the
// items of GET /v1/tokens).
func cmdTokenList(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("token list", e)
	var c common
	c.register(fs, e)
	format := fs.String("format", "table", "table or json")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife token list: unexpected argument %q\n", pos[0])
		return 2
	}
	if *format != "table" && *format != "json" {
		fmt.Fprintln(e.stderr, "orglife token list: --format must be table or json")
		return 2
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token list:", err)
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token list:", err)
		return 1
	}
	defer db.Close()
	ts, err := allTokens(ctx, svc)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token list:", describe(err))
		return 1
	}
	now := svc.Now()
	views := make([]api.TokenView, len(ts))
	for i, t := range ts {
		views[i] = api.NewTokenView(t, now)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(views)
		return 0
	}
	at := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tORG\tCREATED\tLAST USED\tEXPIRES\tSTATUS")
	for _, v := range views {
		status := "active"
		switch {
		case v.Revoked:
			status = "revoked " + at(v.RevokedAt)
		case v.Expired:
			status = "expired"
		}
		org := v.OrgID
		if org == "" {
			org = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Name, v.Role, org, at(&v.CreatedAt),
			at(v.LastUsedAt), at(v.ExpiresAt), status)
	}
	tw.Flush()
	return 0
}

// allTokens reads every page of the token list.
func allTokens(ctx context.Context, svc *engine.Service) ([]*orglife.Token, error) {
	var all []*orglife.Token
	p := orglife.ListParams{Limit: 500}
	for {
		page, err := svc.ListTokens(ctx, cliActor, p)
		if err != nil {
			return nil, err
		}
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all, nil
		}
		p.Cursor = *page.NextCursor
	}
}

// cmdTokenRevoke handles "token revoke ID": the token stops working at its next request on every
// server sharing the database.
func cmdTokenRevoke(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("token revoke", e)
	var c common
	c.register(fs, e)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	} else if len(pos) != 1 {
		fmt.Fprintln(e.stderr, "usage: orglife token revoke ID (the ids are listed by orglife token list)")
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token revoke:", err)
		return 1
	}
	defer db.Close()
	if err := svc.RevokeToken(ctx, cliActor, pos[0]); err != nil {
		fmt.Fprintln(e.stderr, "orglife token revoke:", describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "token %s revoked\n", pos[0])
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
