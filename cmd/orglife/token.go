package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/api"
	"github.com/orglife/orglife/engine"
)

// cliActor is the actor of administration commands run on the server's machine.
var cliActor = orglife.Actor{Role: orglife.RoleAdmin, Name: "cli"}

// tokenCmd is "orglife token": the API tokens.
type tokenCmd struct {
	Create tokenCreateCmd `cmd:"" help:"Create a token and print its secret alone on the first line of stdout (shown only once)."`
	List   tokenListCmd   `cmd:"" help:"List every token (never a secret)."`
	Revoke tokenRevokeCmd `cmd:"" help:"Revoke a token: it stops working at its next request on every server."`
}

// tokenCreateCmd is "orglife token create": it prints the new secret alone on the first line of
// stdout (it is shown only this once) and a description on stderr.
type tokenCreateCmd struct {
	commonFlags
	Name      string `name:"name" env:"ORGLIFE_NAME" placeholder:"N" help:"token name (who holds it)"`
	Role      string `name:"role" env:"ORGLIFE_ROLE" placeholder:"admin|supervisor|branch" help:"admin, supervisor or branch"`
	Org       string `name:"org" env:"ORGLIFE_ORG" placeholder:"ID" help:"org id the token is bound to (supervisor and branch)"`
	ExpiresAt string `name:"expires-at" env:"ORGLIFE_EXPIRES_AT" placeholder:"RFC3339" help:"instant after which the token no longer works (default: never)"`
	ExpiresIn string `name:"expires-in" env:"ORGLIFE_EXPIRES_IN" placeholder:"90d|720h" help:"lifetime from now, e.g. 90d or 720h (instead of --expires-at)"`
}

func (c *tokenCreateCmd) run(ctx context.Context, e env) int {
	expiresAt := c.ExpiresAt
	if c.ExpiresIn != "" {
		if expiresAt != "" {
			fmt.Fprintln(e.stderr, "orglife token create: give --expires-at or --expires-in, not both")
			return 2
		}
		d, err := parseLifetime(c.ExpiresIn)
		if err != nil {
			fmt.Fprintln(e.stderr, "orglife token create: --expires-in:", err)
			return 2
		}
		expiresAt = time.Now().Add(d).Format(time.RFC3339)
	}
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token create:", err)
		return 1
	}
	defer s.Close()
	t, secret, err := s.svc.CreateToken(ctx, cliActor, engine.CreateTokenParams{Name: c.Name, Role: c.Role, OrgID: c.Org, ExpiresAt: expiresAt})
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

// tokenListCmd is "orglife token list": every token (never a secret), as a table or as JSON
// (the items of GET /v1/tokens).
type tokenListCmd struct {
	commonFlags
	Format string `name:"format" env:"ORGLIFE_FORMAT" default:"table" placeholder:"table|json" help:"output format: table or json"`
}

func (c *tokenListCmd) run(ctx context.Context, e env) int {
	if c.Format != "table" && c.Format != "json" {
		fmt.Fprintln(e.stderr, "orglife token list: --format must be table or json")
		return 2
	}
	loc, err := c.location()
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token list:", err)
		return 2
	}
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token list:", err)
		return 1
	}
	defer s.Close()
	ts, err := allTokens(ctx, s.svc)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token list:", describe(err))
		return 1
	}
	now := s.svc.Now()
	views := make([]api.TokenView, len(ts))
	for i, t := range ts {
		views[i] = api.NewTokenView(t, now)
	}
	printTokens(e.stdout, c.Format, views, loc)
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

// tokenRevokeCmd is "orglife token revoke ID": the token stops working at its next request on
// every server sharing the database.
type tokenRevokeCmd struct {
	commonFlags
	ID string `arg:"" name:"id" help:"the token's id (orglife token list lists them)"`
}

func (c *tokenRevokeCmd) run(ctx context.Context, e env) int {
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife token revoke:", err)
		return 1
	}
	defer s.Close()
	if err := s.svc.RevokeToken(ctx, cliActor, c.ID); err != nil {
		fmt.Fprintln(e.stderr, "orglife token revoke:", describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "token %s revoked\n", c.ID)
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
