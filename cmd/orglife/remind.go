package main

import (
	"context"
	"fmt"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/orglife/orglife/compliance"
	"github.com/orglife/orglife/reminders"
	"github.com/orglife/orglife/storage"
)

// newReminderJob wires the reminder job on the server's database, clock and rule titles.
func newReminderJob(db *storage.DB, chk *compliance.Checker, now func() time.Time, log *slog.Logger) *reminders.Job {
	return reminders.New(reminders.Config{Store: db, Now: now, Location: chk.Location(), Logger: log,
		RuleTitle: func(id string) string {
			if rs := chk.RuleSet(); rs != nil {
				if r := rs.Rule(id); r != nil && r.Title != "" {
					return r.Title
				}
			}
			return id
		}})
}

// webhookUsage is printed on a usage error of "orglife webhook".
const webhookUsage = `usage:
  orglife webhook set ORG URL    send ORG's reminders to this 企业微信 / 钉钉 group-robot URL
  orglife webhook rm ORG         stop ORG's reminders
  orglife webhook list           list the configured webhooks`

// cmdWebhook dispatches "webhook set", "webhook rm" and "webhook list".
func cmdWebhook(ctx context.Context, args []string, e env) int {
	if len(args) == 0 || (args[0] != "set" && args[0] != "rm" && args[0] != "list") {
		fmt.Fprintln(e.stderr, webhookUsage)
		return 2
	}
	sub := args[0]
	fs := newFlagSet("webhook "+sub, e)
	var c common
	c.register(fs, e)
	pos, code, ok := parseArgs(fs, args[1:])
	if !ok {
		return code
	}
	want := map[string]int{"set": 2, "rm": 1, "list": 0}[sub]
	if len(pos) != want {
		fmt.Fprintln(e.stderr, webhookUsage)
		return 2
	}
	_, chk, db, err := openServiceFor(ctx, c, e, newLogger(e.stderr), time.Now, writing)
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife webhook %s: %v\n", sub, err)
		return 1
	}
	defer db.Close()
	job := newReminderJob(db, chk, time.Now, newLogger(e.stderr))
	switch sub {
	case "set":
		if _, err = job.SetWebhook(ctx, cliActor, pos[0], pos[1]); err == nil {
			fmt.Fprintf(e.stdout, "webhook of %s set\n", pos[0])
		}
	case "rm":
		if err = job.DeleteWebhook(ctx, cliActor, pos[0]); err == nil {
			fmt.Fprintf(e.stdout, "webhook of %s removed\n", pos[0])
		}
	case "list":
		ws, lerr := job.Webhooks(ctx, cliActor)
		if err = lerr; err == nil {
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ORG\tURL\tUPDATED")
			for _, w := range ws {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", w.OrgID, w.URL, w.UpdatedAt.Format(time.RFC3339))
			}
			_ = tw.Flush()
		}
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "orglife webhook %s: %s\n", sub, describe(err))
		return 1
	}
	return 0
}
