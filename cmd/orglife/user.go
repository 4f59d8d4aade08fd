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

// userUsage is printed on a usage error of "orglife user".
const userUsage = `usage:
  orglife user create --username U --name N --role admin|supervisor|branch [--org X]   (password on stdin)
  orglife user passwd USERNAME                                                        (password on stdin)`

// cmdUser dispatches "user create" and "user passwd".
func cmdUser(ctx context.Context, args []string, e env) int {
	if len(args) > 0 {
		switch args[0] {
		case "create":
			return cmdUserCreate(ctx, args[1:], e)
		case "passwd":
			return cmdUserPasswd(ctx, args[1:], e)
		}
	}
	fmt.Fprintln(e.stderr, userUsage)
	return 2
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

func cmdUserCreate(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("user create", e)
	var c common
	c.register(fs, e)
	username := fs.String("username", "", "login name (e.g. the 学工号)")
	name := fs.String("name", "", "the person's name, shown in the audit log and the history")
	role := fs.String("role", "", "admin, supervisor or branch")
	org := fs.String("org", "", "org id (supervisor and branch users)")
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife user create: unexpected argument %q\n", pos[0])
		return 2
	}
	password, err := readPassword(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user create:", err)
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user create:", err)
		return 1
	}
	defer db.Close()
	u, err := svc.CreateUser(ctx, cliActor, engine.UserParams{Username: *username, Name: *name, Role: *role, OrgID: *org, Password: password})
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user create:", describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: user %s (%s, %s%s)\n", u.Username, u.Name, u.Role, orgSuffix(u))
	return 0
}

func cmdUserPasswd(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("user passwd", e)
	var c common
	c.register(fs, e)
	pos, code, ok := parseArgs(fs, args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, userUsage)
		return 2
	}
	password, err := readPassword(e)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user passwd:", err)
		return 2
	}
	svc, _, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife user passwd:", err)
		return 1
	}
	defer db.Close()
	if _, err := svc.UpdateUser(ctx, cliActor, pos[0], engine.UserPatch{Password: &password}); err != nil {
		fmt.Fprintln(e.stderr, "orglife user passwd:", describe(err))
		return 1
	}
	fmt.Fprintf(e.stdout, "ok: new password for %s; their sessions have ended\n", pos[0])
	return 0
}

func orgSuffix(u *orglife.User) string {
	if u.OrgID == "" {
		return ""
	}
	return ", org " + u.OrgID
}
