package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

// leafCommands returns every command of the model that runs (has no subcommands), by path.
func leafCommands(t *testing.T) map[string]*kong.Node {
	t.Helper()
	var c cli
	k, err := newParser(&c, testEnv(&bytes.Buffer{}, &bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	leaves := map[string]*kong.Node{}
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) {
		if n.Type == kong.CommandNode && len(n.Children) == 0 {
			leaves[strings.TrimPrefix(n.FullPath(), "orglife ")] = n
		}
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	walk(k.Model.Node)
	return leaves
}

// helpFlagRE finds a flag at the start of a help line: "  -v, --verbose" or "      --db=DSN".
// Continuation lines of a flag's help are indented further.
var helpFlagRE = regexp.MustCompile(`(?m)^(?:  -\w, |      )--([a-z0-9-]+)`)

// flagBlocks splits the flags section of a help text into the text of each flag, by name.
func flagBlocks(help string) map[string]string {
	blocks := map[string]string{}
	locs := helpFlagRE.FindAllStringSubmatchIndex(help, -1)
	for i, l := range locs {
		end := len(help)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		blocks[help[l[2]:l[3]]] = strings.Join(strings.Fields(help[l[0]:end]), " ")
	}
	return blocks
}

// sampleValue is a valid value for a flag, different from its default.
func sampleValue(f *kong.Flag) string {
	switch f.Target.Interface().(type) {
	case bool:
		return "true"
	case int, int64:
		return "7"
	case days:
		return "30d"
	case time.Duration:
		return "3m"
	default:
		return "sample"
	}
}

// TestHelpListsEveryFlag renders "orglife COMMAND --help" for every command and compares the
// flags it lists with the flags the command accepts: each is listed with its help, its
// environment variable ORGLIFE_<NAME> and its default, and parses from the command line and from
// the environment to the same value.
func TestHelpListsEveryFlag(t *testing.T) {
	leaves := leafCommands(t)
	if len(leaves) < 15 {
		t.Fatalf("only %d commands in the model", len(leaves))
	}
	for path, node := range leaves {
		t.Run(strings.ReplaceAll(path, " ", "_"), func(t *testing.T) {
			args := append(strings.Fields(path), "--help")
			code, help, errs := runCmd(t, args...)
			if code != 0 || errs != "" {
				t.Fatalf("%v: exit %d, stderr %s", args, code, errs)
			}
			blocks := flagBlocks(help)
			var accepted []string
			for _, group := range node.AllFlags(true) {
				for _, f := range group {
					accepted = append(accepted, f.Name)
				}
			}
			var listed []string
			for name := range blocks {
				listed = append(listed, name)
			}
			sort.Strings(accepted)
			sort.Strings(listed)
			if !reflect.DeepEqual(accepted, listed) {
				t.Fatalf("orglife %s --help lists %v, the command accepts %v\n%s", path, listed, accepted, help)
			}
			var positionals []string
			for _, p := range node.Positional {
				v := "sample"
				if p.Enum != "" {
					v = strings.Split(p.Enum, ",")[0]
				}
				positionals = append(positionals, v)
			}
			for _, group := range node.AllFlags(true) {
				for _, f := range group {
					if f.Name == "help" {
						continue
					}
					checkFlag(t, path, positionals, f, blocks[f.Name])
				}
			}
		})
	}
}

// checkFlag checks one flag's help line and that it parses alike from the command line and from
// its environment variable.
func checkFlag(t *testing.T, path string, positionals []string, f *kong.Flag, block string) {
	t.Helper()
	want := "ORGLIFE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
	if !reflect.DeepEqual(f.Envs, []string{want}) {
		t.Errorf("%s --%s: environment %v, want [%s]", path, f.Name, f.Envs, want)
	}
	if f.Help == "" {
		t.Errorf("%s --%s has no help", path, f.Name)
	}
	if !strings.Contains(block, "env "+want) {
		t.Errorf("%s --%s: the help does not name %s: %q", path, f.Name, want, block)
	}
	if f.HasDefault && f.Default != "" && !strings.Contains(block, "default "+f.Default) {
		t.Errorf("%s --%s: the help does not give the default %s: %q", path, f.Name, f.Default, block)
	}
	value := sampleValue(f)
	parsed := func(args []string, getenv func(string) string) any {
		t.Helper()
		var c cli
		e := testEnv(&bytes.Buffer{}, &bytes.Buffer{})
		e.getenv = getenv
		k, err := newParser(&c, e)
		if err != nil {
			t.Fatal(err)
		}
		kctx, err := k.Parse(append(append(strings.Fields(path), positionals...), args...))
		if err != nil {
			t.Fatalf("%s %v (env %s): %v", path, args, want, err)
		}
		for _, fl := range kctx.Selected().Flags {
			if fl.Name == f.Name {
				return fl.Target.Interface()
			}
		}
		t.Fatalf("%s: no flag --%s after parsing", path, f.Name)
		return nil
	}
	none := func(string) string { return "" }
	byFlag := parsed([]string{"--" + f.Name + "=" + value}, none)
	byEnv := parsed(nil, func(k string) string {
		if k == want {
			return value
		}
		return ""
	})
	byDefault := parsed(nil, none)
	if !reflect.DeepEqual(byFlag, byEnv) {
		t.Errorf("%s --%s=%s gives %#v, %s=%s gives %#v", path, f.Name, value, byFlag, want, value, byEnv)
	}
	if reflect.DeepEqual(byFlag, byDefault) {
		t.Errorf("%s --%s=%s leaves the default %#v", path, f.Name, value, byDefault)
	}
}

// TestFlagBeatsEnvironment: a flag on the command line wins over its environment variable, and
// the process environment is never read behind env.getenv's back.
func TestFlagBeatsEnvironment(t *testing.T) {
	t.Setenv("ORGLIFE_ADDR", ":1") // the process environment; run must not see it
	var c cli
	e := testEnv(&bytes.Buffer{}, &bytes.Buffer{})
	e.getenv = func(k string) string { return map[string]string{"ORGLIFE_DB": "sqlite:env.db", "ORGLIFE_TZ": "UTC"}[k] }
	k, err := newParser(&c, e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Parse([]string{"serve", "--db", "sqlite:flag.db"}); err != nil {
		t.Fatal(err)
	}
	if c.Serve.DB != "sqlite:flag.db" || c.Serve.TZ != "UTC" || c.Serve.Addr != ":8080" {
		t.Fatalf("db %q tz %q addr %q", c.Serve.DB, c.Serve.TZ, c.Serve.Addr)
	}
}

// TestEnvironmentReachesTheCommand: ORGLIFE_DB names the database a command opens.
func TestEnvironmentReachesTheCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "env.db")
	var out, errb bytes.Buffer
	e := testEnv(&out, &errb)
	e.getenv = func(k string) string {
		if k == "ORGLIFE_DB" {
			return "sqlite:" + path
		}
		return ""
	}
	if code := run(context.Background(), []string{"migrate"}, e); code != 0 || !strings.Contains(out.String(), "ok:") {
		t.Fatalf("migrate: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("ORGLIFE_DB was not used: %v", err)
	}
}

// TestUsage: exit codes and streams of help and of usage errors.
func TestUsage(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		out, errs  string // substrings; "" means that stream must be empty
		stdoutOnly bool
	}{
		{nil, 2, "", "Commands:", false},
		{[]string{"help"}, 0, "token create", "", true},
		{[]string{"--help"}, 0, "ORGLIFE_MAX_SPAN_DAYS", "", true},
		{[]string{"help", "serve"}, 0, "--rules-poll", "", true},
		{[]string{"serve", "-h"}, 0, "--watch", "", true},
		{[]string{"nope"}, 2, "", "unexpected argument nope", false},
		{[]string{"token"}, 2, "", `"create"`, false},
		{[]string{"check", "--bogus"}, 2, "", `orglife check --help`, false},
		{[]string{"graph"}, 2, "", "<workflow>", false},
		{[]string{"serve", "extra"}, 2, "", "unexpected argument extra", false},
		{[]string{"completion", "fish"}, 2, "", "bash", false},
	} {
		code, out, errs := runCmd(t, tc.args...)
		if code != tc.code || (tc.out == "") != (out == "") || !strings.Contains(out, tc.out) ||
			(tc.errs == "") != (errs == "") || !strings.Contains(errs, tc.errs) {
			t.Errorf("%v: exit %d, want %d\nstdout: %s\nstderr: %s", tc.args, code, tc.code, out, errs)
		}
	}
}

// TestCompletion runs the generated bash completion in bash: commands, subcommands and flags
// complete, and a flag's value is not taken for a command.
func TestCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	code, script, errs := runCmd(t, "completion", "bash")
	if code != 0 {
		t.Fatalf("completion bash: exit %d %s", code, errs)
	}
	file := filepath.Join(t.TempDir(), "orglife.bash")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"orglife", "to"}, "token"},
		{[]string{"orglife", "token", "cr"}, "create"},
		{[]string{"orglife", "serve", "--max"}, "--max-span-days --max-waiver-days"},
		{[]string{"orglife", "--db", "x", "check", "--fail"}, "--fail-on"},
		{[]string{"orglife", "test", "--req"}, "--require-coverage"},
	} {
		cmd := exec.Command(bash, "-c", `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($#-1)); _orglife; echo "${COMPREPLY[*]}"`,
			"bash", file)
		cmd.Args = append(cmd.Args, tc.words...)
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != tc.want {
			t.Errorf("%v: %q (%v), want %q", tc.words, out, err, tc.want)
		}
	}
	code, zsh, _ := runCmd(t, "completion", "zsh")
	if code != 0 || !strings.HasPrefix(zsh, "#compdef orglife\n") || !strings.Contains(zsh, "complete -F _orglife orglife") {
		t.Fatalf("completion zsh: exit %d\n%s", code, zsh)
	}
}

// TestOperationsDocMatchesTheModel: docs/operations.md's table of serve's flags has one row per
// flag serve accepts, with its environment variable and default, and its command reference names
// every command.
func TestOperationsDocMatchesTheModel(t *testing.T) {
	b, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	rowRE := regexp.MustCompile("(?m)^\\| `--([a-z0-9-]+)` \\| `([A-Z0-9_]+)` \\| ([^|]*) \\|")
	rows := map[string][]string{}
	table := doc[strings.Index(doc, "| flag | env | default | meaning |"):]
	table = table[:strings.Index(table, "\n\n")]
	for _, m := range rowRE.FindAllStringSubmatch(table, -1) {
		rows[m[1]] = m[2:]
	}
	leaves := leafCommands(t)
	var names []string
	for _, group := range leaves["serve"].AllFlags(true) {
		for _, f := range group {
			if f.Name == "help" {
				continue
			}
			names = append(names, f.Name)
			row, ok := rows[f.Name]
			switch {
			case !ok:
				t.Errorf("docs/operations.md: no row for serve --%s", f.Name)
			case row[0] != f.Envs[0]:
				t.Errorf("docs/operations.md: --%s has env %s, the command %s", f.Name, row[0], f.Envs[0])
			case f.HasDefault && !strings.Contains(row[1], "`"+f.Default+"`"):
				t.Errorf("docs/operations.md: --%s has default %q, the command %s", f.Name, row[1], f.Default)
			}
		}
	}
	if len(rows) != len(names) {
		t.Errorf("docs/operations.md lists %d serve flags, serve accepts %d: %v", len(rows), len(names), names)
	}
	ref := doc[strings.Index(doc, "### Command reference"):]
	for path := range leaves {
		if !regexp.MustCompile(`\norglife +` + path + `[ \n]`).MatchString(ref) {
			t.Errorf("docs/operations.md: the command reference lacks orglife %s", path)
		}
	}
}

// TestBadEnvironmentValue: a variable that does not parse is a usage error naming it.
func TestBadEnvironmentValue(t *testing.T) {
	var out, errb bytes.Buffer
	e := testEnv(&out, &errb)
	e.getenv = func(k string) string {
		if k == "ORGLIFE_MAX_WAIVER_DAYS" {
			return "abc"
		}
		return ""
	}
	if code := run(context.Background(), []string{"serve", "--db", "sqlite:" + t.TempDir() + "/x.db"}, e); code != 2 ||
		!strings.Contains(errb.String(), `ORGLIFE_MAX_WAIVER_DAYS="abc"`) {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
}
