package main

import (
	"context"
	"fmt"

	"github.com/orglife/orglife/storage"
)

// migrateCmd is "orglife migrate": it applies the pending migrations of --db and prints their
// names.
type migrateCmd struct {
	commonFlags
}

func (c *migrateCmd) run(ctx context.Context, e env) int {
	db, err := storage.Open(ctx, c.DB, newLogger(e.stderr))
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
