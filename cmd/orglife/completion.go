package main

import (
	"context"

	"github.com/alecthomas/kong"
)

// completionCmd is "orglife completion bash|zsh": it prints a completion script generated from
// the command line model (completion_script.go).
type completionCmd struct {
	Shell string `arg:"" name:"shell" enum:"bash,zsh" help:"the shell: bash or zsh"`

	app *kong.Application // the model the script is generated from, set by newParser
}

func (c *completionCmd) run(ctx context.Context, e env) int {
	if c.Shell == "zsh" {
		writeZsh(e.stdout, c.app)
	} else {
		writeBash(e.stdout, c.app)
	}
	return 0
}
