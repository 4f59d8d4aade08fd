package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/kong"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
)

// cli is the command line of orglife: one field per subcommand, each a struct that declares its
// flags (name, environment variable, default and help in one tag) and runs itself.
type cli struct {
	Serve      serveCmd      `cmd:"" help:"Serve the HTTP API and the web interface until SIGINT or SIGTERM."`
	Validate   validateCmd   `cmd:"" help:"Check a pack directory: its workflows, then its rules."`
	Migrate    migrateCmd    `cmd:"" help:"Apply the pending migrations of the database."`
	Token      tokenCmd      `cmd:"" help:"Create, list and revoke API tokens."`
	Org        orgCmd        `cmd:"" help:"Administer orgs (dissolve)."`
	Member     memberCmd     `cmd:"" help:"Change a member over time: update, transfer, leave, 转正, posts; print the history."`
	User       userCmd       `cmd:"" help:"Create web users and set their passwords (password on stdin)."`
	Import     importCmd     `cmd:"" help:"Import orgs or members from a spreadsheet (.xlsx, or .csv in UTF-8 or GBK)."`
	Webhook    webhookCmd    `cmd:"" help:"Configure the group robots that receive each org's reminders."`
	Graph      graphCmd      `cmd:"" help:"Print the diagram of one workflow of the pack."`
	Verify     verifyCmd     `cmd:"" help:"Check the hash chain of every instance's history."`
	Preview    previewCmd    `cmd:"" help:"Show what activating candidate rules would change, without writing."`
	Check      checkCmd      `cmd:"" help:"Evaluate the rules over a date range and print the ledger."`
	Test       testCmd       `cmd:"" help:"Run the tests of a pack (tests/*.yaml)."`
	Demo       demoCmd       `cmd:"" help:"Generate a deterministic org tree with years of records into an empty database."`
	Completion completionCmd `cmd:"" help:"Print a shell completion script (bash or zsh)."`
}

// runner is a parsed command: it runs with the process environment and returns the exit code.
type runner interface {
	run(ctx context.Context, e env) int
}

// description heads "orglife --help".
const description = `orglife — organizational-life workflows and compliance.

Every flag may also be given in the environment variable named after it (--max-span-days:
ORGLIFE_MAX_SPAN_DAYS); a flag on the command line wins over the environment.`

// exitRequest is raised (as a panic) by kong's Exit once it has printed help; run recovers it.
type exitRequest struct{ code int }

// newParser builds the kong parser of the command line, writing help to e.stdout and reading the
// environment through e.getenv (never the process environment directly, so tests can pin it).
func newParser(c *cli, e env) (*kong.Kong, error) {
	k, err := kong.New(c,
		kong.Name("orglife"),
		kong.Description(description),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(code int) { panic(exitRequest{code}) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.ValueFormatter(helpValue),
		kong.Resolvers(envResolver(e.getenv)),
		kong.Vars{ // defaults that the engine owns
			"max_waiver_days":       strconv.Itoa(compliance.DefaultMaxWaiverDays),
			"idempotency_retention": shortDuration(engine.DefaultIdempotencyRetention),
			"full_scan_interval":    shortDuration(compliance.DefaultFullScanInterval),
		},
	)
	if err != nil {
		return nil, err
	}
	if err := detachEnv(k); err != nil {
		return nil, err
	}
	c.Completion.app = k.Model
	return k, nil
}

// detachEnv stops kong reading the process environment itself: the variables stay on each flag
// (Flag.Envs, shown in help) and envResolver reads them through env.getenv. It runs on the
// built model (kong copies Tag.Envs to Flag.Envs after its post-build options).
func detachEnv(k *kong.Kong) error {
	return kong.Visit(k.Model, func(n kong.Visitable, next kong.Next) error {
		if f, ok := n.(*kong.Flag); ok {
			f.Value.Tag.Envs = nil
		}
		return next(nil)
	})
}

// envResolver gives a flag not set on the command line the value of the first of its
// environment variables that is set and not empty; a value that does not parse is an error that
// names the variable.
func envResolver(getenv func(string) string) kong.Resolver {
	return kong.ResolverFunc(func(_ *kong.Context, _ *kong.Path, f *kong.Flag) (any, error) {
		for _, name := range f.Envs {
			v := getenv(name)
			if v == "" {
				continue
			}
			probe := reflect.New(f.Target.Type()).Elem()
			if err := f.Value.Parse(kong.ScanFromTokens(kong.Token{Type: kong.FlagValueToken, Value: v}), probe); err != nil {
				return nil, fmt.Errorf("%s=%q: %w", name, v, err)
			}
			return v, nil
		}
		return nil, nil
	})
}

// helpValue formats the help of a flag: its text, then its default and environment variable.
func helpValue(v *kong.Value) string {
	if v.Flag == nil {
		return v.Help
	}
	var notes []string
	if v.HasDefault && v.Default != "" {
		notes = append(notes, "default "+v.Default)
	}
	for _, name := range v.Flag.Envs {
		notes = append(notes, "env "+name)
	}
	if len(notes) == 0 {
		return v.Help
	}
	return v.Help + " (" + strings.Join(notes, "; ") + ")"
}

// run executes one subcommand and returns the process exit code: 0 success, 1 failure (a
// problem found or an error), 2 usage error. "orglife help [COMMAND…]" is "orglife [COMMAND…]
// --help"; without arguments the help goes to stderr with exit code 2. Cancelling ctx stops a
// running server gracefully.
func run(ctx context.Context, args []string, e env) int {
	if len(args) > 0 && args[0] == "help" {
		args = append(append([]string{}, args[1:]...), "--help")
	}
	bare := len(args) == 0
	out := e
	if bare {
		out.stdout = e.stderr // a bare "orglife" is a usage error: help on stderr
		args = []string{"--help"}
	}
	var c cli
	k, err := newParser(&c, out)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife: the command line model is broken:", err)
		return 1
	}
	kctx, helped, err := parse(k, args)
	switch {
	case helped && bare:
		return 2
	case helped:
		return 0
	case err != nil:
		return usageError(e, err)
	}
	cmd, ok := kctx.Selected().Target.Addr().Interface().(runner)
	if !ok {
		fmt.Fprintf(e.stderr, "orglife: %s cannot run\n", kctx.Command())
		return 1
	}
	return cmd.run(ctx, e)
}

// parse parses args; helped is true when kong printed help and asked to exit.
func parse(k *kong.Kong, args []string) (kctx *kong.Context, helped bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitRequest); !ok {
				panic(r)
			}
			helped = true
		}
	}()
	kctx, err = k.Parse(args)
	return kctx, false, err
}

// usageError reports a command line kong refused, with where to read the command's flags.
func usageError(e env, err error) int {
	fmt.Fprintf(e.stderr, "orglife: %v\n", err)
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		if n := pe.Context.Selected(); n != nil {
			fmt.Fprintf(e.stderr, "run \"orglife %s --help\" for its flags\n", n.FullPath()[len("orglife "):])
			return 2
		}
	}
	fmt.Fprintln(e.stderr, `run "orglife --help" for the commands`)
	return 2
}

// shortDuration writes d without zero minutes and seconds: 24h, not 24h0m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
