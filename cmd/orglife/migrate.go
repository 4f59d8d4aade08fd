package main

import (
	"context"
	"fmt"

	"github.com/orglife/orglife/storage"
)

// cmdMigrate applies the pending migrations of --db and prints their names.
func cmdMigrate(ctx context.Context, args []string, e env) int {
	fs := newFlagSet("migrate", e)
	var c common
	c.register(fs, e)
	if pos, code, ok := parseArgs(fs, args); !ok {
		return code
	} else if len(pos) > 0 {
		fmt.Fprintf(e.stderr, "orglife migrate: unexpected argument %q\n", pos[0])
		return 2
	}
	db, err := storage.Open(ctx, c.db, newLogger(e.stderr))
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife migrate:", err)
		return 1
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		fmt.Fprintln(e.stderr, "orglife migrate:", err)
		return 1
	}
	for _, name := range applied {
		fmt.Fprintln(e.stdout, "applied", name)
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "ok: up to date")
	} else {
		fmt.Fprintf(e.stdout, "ok: %d migration(s) applied\n", len(applied))
	}
	return 0
}
