package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/engine"
)

// userCmd is "orglife user": the accounts of the web interface.
type userCmd struct {
	Create userCreateCmd `cmd:"" help:"Create a user; the password is the first line of stdin."`
	Passwd userPasswdCmd `cmd:"" help:"Set a user's password (first line of stdin) and end their sessions."`
}

// readPassword reads the password from the first line of stdin (so it never appears in the
// process list or the shell history).
func readPassword(e env) (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on stdin (pipe it in: printf '%%s\\n' \"$PASSWORD\" | orglife user …)")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// userCreateCmd is "orglife user create" (password on stdin).
type userCreateCmd struct {
	commonFlags
	Username string `name:"username" env:"ORGLIFE_USERNAME" placeholder:"U" help:"login name (e.g. the 学工号)"`
	Name     string `name:"name" env:"ORGLIFE_NAME" placeholder:"N" help:"the person's name, shown in the audit log and the history"`
	Role     string `name:"role" env:"ORGLIFE_ROLE" placeholder:"admin|supervisor|branch" help:"admin, supervisor or branch"`
	Org      string `name:"org" env:"ORGLIFE_ORG" placeholder:"ID" help:"org id (supervisor and branch users)"`
}

func (c *userCreateCmd) run(ctx context.Context, e env) int {
	password, err := readPassword(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user create:", err)
		return 2
	}
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user create:", err)
		return 1
	}
	defer s.Close()
	u, err := s.svc.CreateUser(ctx, cliActor, engine.UserParams{Username: c.Username, Name: c.Name, Role: c.Role, OrgID: c.Org, Password: password})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user create:", describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: user %s (%s, %s%s)\n", u.Username, u.Name, u.Role, orgSuffix(u))
	return 0
}

// userPasswdCmd is "orglife user passwd USERNAME" (password on stdin).
type userPasswdCmd struct {
	commonFlags
	Username string `arg:"" name:"username" help:"the user's login name"`
}

func (c *userPasswdCmd) run(ctx context.Context, e env) int {
	password, err := readPassword(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user passwd:", err)
		return 2
	}
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user passwd:", err)
		return 1
	}
	defer s.Close()
	if _, err := s.svc.UpdateUser(ctx, cliActor, c.Username, engine.UserPatch{Password: &password}); err != nil {
		fmt.Fprintln(e.stderr, "orglife user passwd:", describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: new password for %s; their sessions have ended\n", c.Username)
	return 0
}

func orgSuffix(u *orglife.User) string {
	if u.OrgID == "" {
		return ""
	}
	return ", org " + u.OrgID
}
