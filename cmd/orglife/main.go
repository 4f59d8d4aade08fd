// Command orglife is the orglife server and its administration tool: serve the HTTP API, validate
// a pack, migrate the database, create tokens, draw workflow diagrams and verify the hash chains
// of the stored history. Run "orglife --help" for the subcommands and "orglife COMMAND --help"
// for the flags of one, each with its environment variable and default.
//
// This is the only package that reads flags and the environment; everything else gets its
// configuration passed in. The command line is declared once, as structs (cli.go and one file per
// command), and parsed by kong; help and shell completion are generated from that model.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // the deployment time zone works on machines without zoneinfo
)

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
