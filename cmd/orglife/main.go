// Command orglife is the orglife server and its administration tool: serve the HTTP API, validate
// a pack, migrate the database, create tokens, draw workflow diagrams and verify the hash chains
// of the stored history. Run "orglife help" for the subcommands.
//
// This is the only package that reads flags and the environment; everything else gets its
// configuration passed in.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the deployment time zone works on machines without zoneinfo
)

// usage is printed by "orglife help" and on a usage error.
const usage = `orglife — organizational-life workflows and compliance

Usage:
  orglife serve    [--db DSN] [--pack DIR] [--addr ADDR] [--tz ZONE] [--now RFC3339] [--demo] [--eval-interval D] [--full-scan-interval D] [--max-span-days N]
  orglife validate DIR
  orglife migrate  [--db DSN]
  orglife token create --name N --role admin|supervisor|branch [--org X] [--expires-at T | --expires-in 90d] [--db DSN]
  orglife token list   [--format table|json] [--db DSN]
  orglife token revoke ID [--db DSN]
  orglife org dissolve ID --on YYYY-MM-DD [--db DSN]
  orglife user create --username U --name N --role R [--org X] [--db DSN]   (password on stdin)
  orglife user passwd USERNAME [--db DSN]                                   (password on stdin)
  orglife graph WORKFLOW [--format mermaid|dot] [--pack DIR]
  orglife verify   [--db DSN]
  orglife preview  --rules DIR [--from D] [--to D] [--org X] [--as-of T] [--format table|json]
  orglife check    [--now T] [--as-of T] [--from D] [--to D] [--org X] [--format table|json] [--fail-on SEVERITY] [--persist]
  orglife test     [DIR] [--require-coverage] [--run REGEX] [-v]
  orglife demo     --branches N [--years Y] [--seed S] [--as-of T] [--planted FILE] [--db DSN]

Common flags (each also read from the environment):
  --db    sqlite:PATH or postgres://… (ORGLIFE_DB, default sqlite:orglife.db)
  --pack  a pack directory; default the built-in party-branch pack (ORGLIFE_PACK)
  --tz    deployment time zone (ORGLIFE_TZ, default Asia/Shanghai)
`

// env is the process environment as the subcommands see it: streams and variables.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

// run executes one subcommand and returns the process exit code: 0 success, 1 failure (a
// problem found or an error), 2 usage error. Cancelling ctx stops a running server gracefully.
func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, env) int{
		"serve":    cmdServe,
		"validate": cmdValidate,
		"migrate":  cmdMigrate,
		"token":    cmdToken,
		"org":      cmdOrg,
		"user":     cmdUser,
		"graph":    cmdGraph,
		"verify":   cmdVerify,
		"check":    cmdCheck,
		"preview":  cmdPreview,
		"demo":     cmdDemo,
		"test":     cmdTest,
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(e.stdout, usage)
		return 0
	}
	cmd, ok := cmds[name]
	if !ok {
		fmt.Fprintf(e.stderr, "orglife: unknown command %q\n\n%s", name, usage)
		return 2
	}
	return cmd(ctx, rest, e)
}
