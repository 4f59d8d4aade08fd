package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/storage"
)

// newImporter wires the roster importer on the server's database, workflow service and checker.
func newImporter(db *storage.DB, svc *engine.Service, chk *compliance.Checker) *roster.Importer {
	return &roster.Importer{Read: db, Now: svc.Now, Location: chk.Location(), Write: roster.EngineWriter{Svc: svc, Store: db}}
}

// importCmd is "orglife import orgs|members FILE".
type importCmd struct {
	Orgs    importOrgsCmd    `cmd:"" help:"Import orgs from an .xlsx or .csv file (columns: docs/import.md)."`
	Members importMembersCmd `cmd:"" help:"Import members from an .xlsx or .csv file, matched by 学工号 (columns: docs/import.md)."`
}

// importFlags are the flags of both imports.
type importFlags struct {
	commonFlags
	File   string `arg:"" name:"file" help:"the .xlsx or .csv file (UTF-8 or GBK); templates in examples/party-branch/templates/"`
	DryRun bool   `name:"dry-run" env:"ORGLIFE_DRY_RUN" help:"check and show the changes without writing"`
}

// importOrgsCmd is "orglife import orgs FILE".
type importOrgsCmd struct {
	importFlags
}

func (c *importOrgsCmd) run(ctx context.Context, e env) int {
	return c.importFile(ctx, e, roster.KindOrgs, false, false)
}

// importMembersCmd is "orglife import members FILE".
type importMembersCmd struct {
	importFlags
	Full  bool `name:"full" env:"ORGLIFE_FULL" help:"the file is the whole roster of each org it names: report members missing from it"`
	Leave bool `name:"leave" env:"ORGLIFE_LEAVE" help:"with --full: record that the missing members left"`
}

func (c *importMembersCmd) run(ctx context.Context, e env) int {
	return c.importFile(ctx, e, roster.KindMembers, c.Full, c.Leave)
}

// importFile prints what was (or would be) created, changed and missing, or every problem of the
// file as "place: message" with exit status 1.
func (c *importFlags) importFile(ctx context.Context, e env, kind string, full, leave bool) int {
	st, err := os.Stat(c.File)
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %v\n", kind, err)
		return 1
	}
	if st.Size() > 5<<20 {
		fmt.Fprintf(e.stderr, "orglife import %s: %s: 文件过大（最多 5 MiB）\n", kind, c.File)
		return 1
	}
	data, err := os.ReadFile(c.File)
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %v\n", kind, err)
		return 1
	}
	s, err := c.openWriting(ctx, e, serviceOptions{Log: newLogger(e.stderr), Now: time.Now})
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %v\n", kind, err)
		return 1
	}
	defer s.Close()
	svc, chk, db := s.svc, s.chk, s.db
	res, err := newImporter(db, svc, chk).Import(ctx, cliActor, roster.Params{Kind: kind, Name: c.File, Data: data, DryRun: c.DryRun, Full: full, Leave: leave})
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %s\n", kind, describe(err))
		return 1
	}
	for _, p := range res.Problems {
		fmt.Fprintf(e.stderr, "%s: %s\n", p.At, p.Message)
	}
	if len(res.Problems) > 0 {
		fmt.Fprintln(e.stderr, res.Summary())
		return 1
	}
	list := func(label string, cs []roster.Change) {
		for _, ch := range cs {
			var fields []string
			for _, f := range ch.Fields {
				fields = append(fields, fmt.Sprintf("%s %q → %q", f.Field, f.From, f.To))
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", label, ch.ID, ch.Name, strings.Join(fields, "; "))
		}
	}
	list("新增", res.Created)
	list("修改", res.Changed)
	list("缺少", res.Missing)
	list("转出", res.Left)
	fmt.Fprintln(e.stdout, res.Summary())
	return 0
}
