package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/orglife/orglife"
	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/engine"
	"github.com/orglife/orglife/roster"
	"github.com/orglife/orglife/storage"
)

// newImporter wires the roster importer on the server's database, workflow service and checker.
func newImporter(db *storage.DB, svc *engine.Service, chk *compliance.Checker) *roster.Importer {
	return &roster.Importer{Read: db, Now: svc.Now, Location: chk.Location(), Write: roster.EngineWriter{Svc: svc, Store: db,
		Evaluate: chk.OrgEntry,
		Stored: func(ctx context.Context, id string) (*orglife.Member, error) {
			ms, err := db.MembersByID(ctx, []string{id})
			if err != nil || len(ms) == 0 {
				return nil, orglife.ErrNotFound
			}
			return ms[0], nil
		}}}
}

// importUsage is printed on a usage error of "orglife import".
const importUsage = `usage:
  orglife import orgs FILE    [--dry-run]                    import orgs from an .xlsx or .csv file
  orglife import members FILE [--dry-run] [--full [--leave]] import members (matched by 学工号)
The column headers are documented in docs/import.md; templates are in examples/party-branch/templates/.`

// cmdImport handles "import orgs|members FILE": it prints what was (or would be) created,
// changed and missing, or every problem of the file as "place: message" with exit status 1.
func cmdImport(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || (args[0] != roster.KindOrgs && args[0] != roster.KindMembers) {
		fmt.Fprintln(e.stderr, importUsage)
		return 2
	}
	kind := args[0]
	fs := newFlagSet("import "+kind, e)
	var c common
	c.register(fs, e)
	dry := fs.Bool("dry-run", false, "check and show the changes without writing")
	full := fs.Bool("full", false, "the file is the whole roster of each org it names: report members missing from it")
	leave := fs.Bool("leave", false, "with --full: record that the missing members left")
	pos, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	if len(pos) != 1 {
		fmt.Fprintln(e.stderr, importUsage)
		return 2
	}
	st, err := os.Stat(pos[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %v\n", kind, err)
		return 1
	}
	if st.Size() > 5<<20 {
		fmt.Fprintf(e.stderr, "orglife import %s: %s: 文件过大（最多 5 MiB）\n", kind, pos[0])
		return 1
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %v\n", kind, err)
		return 1
	}
	svc, chk, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife import %s: %v\n", kind, err)
		return 1
	}
	defer db.Close()
	res, err := newImporter(db, svc, chk).Import(ctx, cliActor, roster.Params{Kind: kind, Name: pos[0], Data: data, DryRun: *dry, Full: *full, Leave: *leave})
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
